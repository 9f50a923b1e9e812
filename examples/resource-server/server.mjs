#!/usr/bin/env node
// Starts the example resource server from the environment (see README.md next to this file):
//   GATEHOUSE_ISSUER=http://localhost:8080/auth/realms/imply API_IDENTIFIER=https://orders.example.com \
//   node examples/resource-server/server.mjs
import { buildApp } from './app.mjs';

/**
 * @param {NodeJS.ProcessEnv} env
 * @returns {{ config: import('./app.mjs').ResourceServerConfig, port: number, host: string }}
 */
function configFrom(env) {
  const problems = [];
  const issuer = (env.GATEHOUSE_ISSUER ?? '').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(issuer)) problems.push('GATEHOUSE_ISSUER must be the realm issuer URL, e.g. http://localhost:8080/auth/realms/imply');
  const apiIdentifier = env.API_IDENTIFIER ?? '';
  if (!apiIdentifier) problems.push('API_IDENTIFIER must be the identifier of this API (the aud of its tokens), e.g. https://orders.example.com');
  const port = Number(env.PORT ?? '3000');
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push('PORT must be a port number (0 picks a free one)');
  const required = (env.REQUIRE_PROJECT_SCOPED_TOKENS ?? 'true').toLowerCase();
  if (!['true', 'false'].includes(required)) problems.push('REQUIRE_PROJECT_SCOPED_TOKENS must be true or false');
  const origin = env.API_ORIGIN?.replace(/\/+$/, '');
  if (origin !== undefined && !/^https?:\/\/[^/?#]+$/.test(origin)) problems.push('API_ORIGIN must be an origin, e.g. https://orders.example.com');
  if (problems.length > 0) {
    for (const problem of problems) console.error(problem);
    process.exit(1);
  }
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    config: {
      issuer,
      apiIdentifier,
      requireProjectScopedTokens: required === 'true',
      ...(origin !== undefined && { origin }),
      scopes: {
        tablesRead: env.TABLES_READ_SCOPE ?? 'table:read',
        tablesWrite: env.TABLES_WRITE_SCOPE ?? 'table:write',
        ordersRead: env.ORDERS_READ_SCOPE ?? 'orders:read',
        ordersWrite: env.ORDERS_WRITE_SCOPE ?? 'orders:write',
      },
      logLevel: env.LOG_LEVEL ?? 'warn',
    },
  };
}

const { config, port, host } = configFrom(process.env);
const app = buildApp(config);
await app.listen({ port, host });
const address = app.server.address();
console.log(`Resource server listening on port ${typeof address === 'object' && address ? address.port : port} (issuer ${config.issuer}, audience ${config.apiIdentifier})`);

for (const signal of /** @type {const} */ (['SIGTERM', 'SIGINT'])) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
