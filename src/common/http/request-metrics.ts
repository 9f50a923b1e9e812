import { Logger } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type FastifyRequest } from 'fastify';
import { isOAuthEndpoint } from '../errors/http-error.filter.js';

interface ObservedRequest extends FastifyRequest {
  body: unknown;
  errorCode?: string;
  client?: { organizationId: string };
  realm?: { name: string };
}

/** What the hook records into (MetricsService; structural, so that common/ depends on no module). */
export interface RequestMetricsSink {
  request(route: string, method: string, status: number, seconds: number): void;
  tokenRequest(grantType: string, outcome: string, organization: string): void;
}

/** The name of the organization with this id, if there is one (OrganizationDirectory). */
export type OrganizationNameLookup = (organizationId: string) => Promise<string | undefined>;

const GRANT_TYPES = new Set(['client_credentials', 'authorization_code', 'refresh_token']);

/**
 * Latency of every request, and the outcome of every token request, recorded after the response
 * has gone out (Fastify's onResponse hook), so that none of it adds to the response time. The
 * hook is a callback one, not async: an async hook costs a promise and a turn of the microtask
 * queue on every request, which showed in the bearer path's CPU time.
 */
export function registerRequestMetrics(app: NestFastifyApplication, metrics: RequestMetricsSink, organizationName: OrganizationNameLookup): void {
  const logger = new Logger('RequestMetrics');
  app.getHttpAdapter().getInstance().addHook('onResponse', (request: ObservedRequest, reply, done) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    metrics.request(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
    // Token endpoints only: introspection and revocation are OAuth endpoints too, but grant nothing.
    // The path is tested first: Fastify builds a new routeOptions object on every read of it.
    if (route.endsWith('/token') && isOAuthEndpoint(request)) {
      const grant = (request.body as { grant_type?: unknown } | undefined)?.grant_type;
      const grantType = typeof grant !== 'string' ? 'missing' : GRANT_TYPES.has(grant) ? grant : 'other';
      const outcome = reply.statusCode === 200 ? 'issued' : (request.errorCode ?? String(reply.statusCode));
      organizationOf(request, organizationName).then(
        (organization) => metrics.tokenRequest(grantType, outcome, organization),
        (error: unknown) => logger.warn(`Could not count a token request: ${String(error)}`),
      );
    }
    done();
  });
}

/** The organization a token request is counted under: its realm, else its client's, else `unknown`. */
async function organizationOf(request: ObservedRequest, organizationName: OrganizationNameLookup): Promise<string> {
  if (request.realm) return request.realm.name;
  if (!request.client) return 'unknown';
  return (await organizationName(request.client.organizationId)) ?? 'unknown';
}
