import { type AddressInfo } from 'node:net';
import { createApp } from './app.factory.js';
import { InvalidConfigurationError, validateEnvironment } from './config/environment.js';
import { GatehouseConfig } from './config/gatehouse-config.js';

async function main(): Promise<void> {
  const app = await createApp();
  const config = app.get(GatehouseConfig);
  await app.listen({ port: config.port, host: '0.0.0.0' });
  const { port } = app.getHttpServer().address() as AddressInfo;
  process.stdout.write(`Gatehouse listening on port ${port}; issuer ${config.issuer}; API docs at ${config.issuer}/docs\n`);
}

// Checked before Nest boots as well as inside it, so that a configuration mistake is reported
// as one plain message for the operator rather than a framework stack trace.
try {
  validateEnvironment(process.env);
} catch (error) {
  if (!(error instanceof InvalidConfigurationError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

main().catch((error: unknown) => {
  process.stderr.write(`Gatehouse failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
