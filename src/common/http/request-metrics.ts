import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type FastifyRequest } from 'fastify';
import { OrganizationDirectory } from '../../auth/organization-directory.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import { isOAuthEndpoint } from '../errors/http-error.filter.js';

interface ObservedRequest extends FastifyRequest {
  body: unknown;
  errorCode?: string;
  client?: { organizationId: string };
  realm?: { name: string };
}

const GRANT_TYPES = new Set(['client_credentials', 'authorization_code', 'refresh_token']);

/**
 * Latency of every request, and the outcome of every token request, recorded after the response
 * has gone out (Fastify's onResponse hook), so that none of it adds to the response time.
 */
export function registerRequestMetrics(app: NestFastifyApplication): void {
  const metrics = app.get(MetricsService);
  const organizations = app.get(OrganizationDirectory);
  app.getHttpAdapter().getInstance().addHook('onResponse', async (request: ObservedRequest, reply) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    metrics.request(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
    // Token endpoints only: introspection and revocation are OAuth endpoints too, but grant nothing.
    if (!isOAuthEndpoint(request) || !route.endsWith('/token')) return;
    const grant = (request.body as { grant_type?: unknown } | undefined)?.grant_type;
    const grantType = typeof grant !== 'string' ? 'missing' : GRANT_TYPES.has(grant) ? grant : 'other';
    const outcome = reply.statusCode === 200 ? 'issued' : (request.errorCode ?? String(reply.statusCode));
    const organization = request.realm?.name ?? (request.client ? (await organizations.findById(request.client.organizationId))?.name : undefined) ?? 'unknown';
    metrics.tokenRequest(grantType, outcome, organization);
  });
}
