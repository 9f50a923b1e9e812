import rateLimit from '@fastify/rate-limit';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type FastifyRequest } from 'fastify';
import { GatehouseConfig } from '../../config/gatehouse-config.js';
import { RateLimited } from '../errors/oauth-errors.js';

/** Route config flag (`@RouteConfig`) for endpoints under the per-IP rate limit. */
export const RATE_LIMITED = { rateLimited: true } as const;
/** Route config for the sign-in form: a much lower per-IP limit (SIGN_IN_RATE_LIMIT_PER_MINUTE), since each try guesses a password. */
export const SIGN_IN_RATE_LIMITED = { rateLimited: true, signIn: true } as const;

function routeConfig(request: FastifyRequest): { rateLimited?: boolean; signIn?: boolean } {
  return (request.routeOptions?.config as { rateLimited?: boolean; signIn?: boolean } | undefined) ?? {};
}

function isRateLimited(request: FastifyRequest, config: GatehouseConfig): boolean {
  const route = routeConfig(request);
  return route.rateLimited === true && (route.signIn ? config.signInRateLimitPerMinute > 0 : config.rateLimitPerMinute > 0);
}

/**
 * Per-IP limits on the endpoints that take credentials (RATE_LIMIT_PER_MINUTE each, and
 * SIGN_IN_RATE_LIMIT_PER_MINUTE for the sign-in form), checked in
 * Fastify's onRequest hook, before the body is even read. Counters are per instance.
 */
export async function registerRateLimit(app: NestFastifyApplication): Promise<void> {
  const config = app.get(GatehouseConfig);
  if (config.rateLimitPerMinute === 0 && config.signInRateLimitPerMinute === 0) return;
  await app.register(rateLimit, {
    global: true,
    max: (request) => (routeConfig(request).signIn ? config.signInRateLimitPerMinute : config.rateLimitPerMinute),
    timeWindow: 60_000,
    allowList: (request) => !isRateLimited(request, config),
    keyGenerator: (request) => `${request.ip} ${request.routeOptions?.url ?? ''}`,
    errorResponseBuilder: (_request, context) => new RateLimited(Math.ceil(context.ttl / 1000)),
  });
}
