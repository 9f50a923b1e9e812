// The example resource server: Polaris's Tables API and a tiny orders API, each route guarded by
// a scope of a Gatehouse access token that names this API as its audience. The token is checked by
// Gatehouse's resource-server library (packages/resource-server), as a platform team's API would:
// there it is `import … from '@gatehouse/resource-server'`; in this repository, `#resource-server`
// (package.json "imports") names the library's build, so this example runs what is published.
import { STATUS_CODES } from 'node:http';
import Fastify from 'fastify';
import { accessTokenOf, ResourceServer } from '#resource-server';
import { requireAccessToken } from '#resource-server/fastify';
import { HttpError } from './http-error.mjs';
import { registerOrders } from './orders.mjs';
import { registerTables } from './tables.mjs';

/**
 * @typedef {object} ResourceServerConfig
 * @property {string} issuer The Gatehouse realm issuer, e.g. http://localhost:8080/auth/realms/imply.
 * @property {string} apiIdentifier This API's identifier: the `aud` its tokens must carry.
 * @property {boolean} requireProjectScopedTokens Whether project routes refuse organization tokens (Polaris's rule for projects created after its cut-off).
 * @property {{ tablesRead: string, tablesWrite: string, ordersRead: string, ordersWrite: string }} scopes The scope each route requires.
 * @property {string} [origin] This API's public origin (`https://api.example.com`): the URL a DPoP proof's `htu` must name. Without it, the request's protocol and Host header, which the caller chooses.
 * @property {string | false} [logLevel]
 */

/**
 * @typedef {object} Guard
 * @property {(requirements: import('#resource-server').AccessRequirements | ((request: import('fastify').FastifyRequest) => import('#resource-server').AccessRequirements)) => ReturnType<typeof requireAccessToken>} require
 *   A preValidation hook: 401 without a valid token, 403 without the scopes or the project. It runs
 *   after the body is parsed and before it is validated, where Gatehouse's guard ran, so the
 *   answers come in the same order (401, 403, then 400).
 * @property {(request: import('fastify').FastifyRequest) => import('#resource-server').VerifiedAccessToken} tokenOf
 *   The token the hook verified for this request.
 */

/** @param {ResourceServerConfig} config */
export function buildApp(config) {
  const app = Fastify({
    logger: config.logLevel ? { level: config.logLevel } : false,
    // Refuse what Gatehouse's DTOs refused: unknown fields, and values of the wrong type (no coercion).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false } },
  });
  const server = new ResourceServer({ issuer: config.issuer, audience: config.apiIdentifier, requireProjectScopedTokens: config.requireProjectScopedTokens });
  /** @type {Guard} */
  const guard = { require: (requirements) => requireAccessToken(server, requirements, { origin: config.origin }), tokenOf: accessTokenOf };

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof HttpError) return reply.status(error.status).send(error.body);
    const fastifyError = /** @type {{ statusCode?: number, validation?: unknown, message: string }} */ (error);
    const status = fastifyError.validation ? 400 : fastifyError.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) return reply.status(status).send({ statusCode: status, error: STATUS_CODES[status], message: fastifyError.message });
    request.log.error({ err: error }, 'request failed');
    return reply.status(500).send({ statusCode: 500, error: 'Internal Server Error', message: 'An unexpected error occurred' });
  });

  registerTables(app, guard, { read: config.scopes.tablesRead, write: config.scopes.tablesWrite });
  registerOrders(app, guard, { read: config.scopes.ordersRead, write: config.scopes.ordersWrite });
  return app;
}
