import { GatehouseConfig } from './config/gatehouse-config.js';
import { InvalidConfigurationError } from './config/environment.js';
import { createApp } from './app.factory.js';

async function main(): Promise<void> {
  const app = await createApp();
  const config = app.get(GatehouseConfig);
  await app.listen({ port: config.port, host: '0.0.0.0' });
  process.stdout.write(`Gatehouse listening on port ${config.port}; issuer ${config.issuer}; API docs at ${config.issuer}/docs\n`);
}

main().catch((error: unknown) => {
  // A configuration error is the operator's to fix: say what is wrong, without a stack trace.
  const configurationError = error instanceof InvalidConfigurationError || (error as Error)?.name === 'InvalidConfigurationError';
  process.stderr.write(configurationError ? `${(error as Error).message}\n` : `Gatehouse failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
