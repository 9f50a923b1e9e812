import rateLimit from '@fastify/rate-limit';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type FastifyRequest } from 'fastify';
import { GatehouseConfig } from '../../config/gatehouse-config.js';
import { RateLimited } from '../errors/oauth-errors.js';

/** Route config flag (`@RouteConfig`) for endpoints under the per-IP rate limit. */
export const RATE_LIMITED = { rateLimited: true } as const;

function isRateLimited(request: FastifyRequest): boolean {
  return (request.routeOptions?.config as { rateLimited?: boolean } | undefined)?.rateLimited === true;
}

/**
 * Per-IP limits on the endpoints that take credentials (RATE_LIMIT_PER_MINUTE each), checked in
 * Fastify's onRequest hook, before the body is even read. Counters are per instance.
 */
export async function registerRateLimit(app: NestFastifyApplication): Promise<void> {
  const perMinute = app.get(GatehouseConfig).rateLimitPerMinute;
  if (perMinute === 0) return;
  await app.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: 60_000,
    allowList: (request) => !isRateLimited(request),
    keyGenerator: (request) => `${request.ip} ${request.routeOptions?.url ?? ''}`,
    errorResponseBuilder: (_request, context) => new RateLimited(Math.ceil(context.ttl / 1000)),
  });
}
