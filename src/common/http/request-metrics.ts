import { Logger } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type FastifyRequest } from 'fastify';
import { isOAuthEndpoint } from '../errors/http-error.filter.js';

interface ObservedRequest extends FastifyRequest {
  errorCode?: string;
}

/** What the hook records into (MetricsService; structural, so that common/ depends on no module). */
export interface RequestMetricsSink {
  request(route: string, method: string, status: number, seconds: number): void;
  tokenRequest(grantType: string, outcome: string, organization: string): void;
}

/** What the token endpoint's owner knows about one of its requests; given here so that this file depends on no domain module. */
export interface TokenRequestLabeller {
  grantType(request: FastifyRequest): string;
  organization(request: FastifyRequest): Promise<string>;
}

/**
 * Latency of every request, and the outcome of every token request, recorded after the response
 * has gone out (Fastify's onResponse hook), so that none of it adds to the response time. The
 * hook is a callback one, not async: an async hook costs a promise and a turn of the microtask
 * queue on every request, which showed in the bearer path's CPU time.
 */
export function registerRequestMetrics(app: NestFastifyApplication, metrics: RequestMetricsSink, tokenRequests: TokenRequestLabeller): void {
  const logger = new Logger('RequestMetrics');
  app.getHttpAdapter().getInstance().addHook('onResponse', (request: ObservedRequest, reply, done) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    metrics.request(route, request.method, reply.statusCode, reply.elapsedTime / 1000);
    // Token endpoints only: introspection and revocation are OAuth endpoints too, but grant nothing.
    // The path is tested first: Fastify builds a new routeOptions object on every read of it.
    if (route.endsWith('/token') && isOAuthEndpoint(request)) {
      const grantType = tokenRequests.grantType(request);
      const outcome = reply.statusCode === 200 ? 'issued' : (request.errorCode ?? String(reply.statusCode));
      tokenRequests.organization(request).then(
        (organization) => metrics.tokenRequest(grantType, outcome, organization),
        (error: unknown) => logger.warn(`Could not count a token request: ${String(error)}`),
      );
    }
    done();
  });
}
