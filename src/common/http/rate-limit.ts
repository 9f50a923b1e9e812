import rateLimit from '@fastify/rate-limit';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type FastifyRequest } from 'fastify';
import { RateLimited } from '../errors/oauth-errors.js';

/**
 * Route config (`@RouteConfig`) for endpoints under the per-IP rate limit. `rateLimit: {}` makes
 * @fastify/rate-limit hook these routes only (with the limits registered below): registered
 * globally, its hook ran on every route of the API, bearer-guarded GETs included.
 */
export const RATE_LIMITED = { rateLimit: {} } as const;
/** The sign-in form: a much lower per-IP limit (SIGN_IN_RATE_LIMIT_PER_MINUTE), since each try guesses a password. */
export const SIGN_IN_RATE_LIMITED = { rateLimit: {}, signIn: true } as const;

/** Requests per minute per address and route (0: unlimited), from the configuration. */
export interface RateLimits {
  readonly rateLimitPerMinute: number;
  readonly signInRateLimitPerMinute: number;
}

function limitFor(request: FastifyRequest, config: RateLimits): number {
  const signIn = (request.routeOptions?.config as { signIn?: boolean } | undefined)?.signIn === true;
  return signIn ? config.signInRateLimitPerMinute : config.rateLimitPerMinute;
}

/**
 * Per-IP limits on the endpoints that take credentials (RATE_LIMIT_PER_MINUTE each, and
 * SIGN_IN_RATE_LIMIT_PER_MINUTE for the sign-in form), checked in Fastify's onRequest hook,
 * before the body is even read. Counters are per instance. A limit of 0 turns it off.
 */
export async function registerRateLimit(app: NestFastifyApplication, config: RateLimits): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    max: (request) => limitFor(request, config),
    timeWindow: 60_000,
    allowList: (request) => limitFor(request, config) === 0,
    keyGenerator: (request) => `${request.ip} ${request.routeOptions?.url ?? ''}`,
    errorResponseBuilder: (_request, context) => new RateLimited(Math.ceil(context.ttl / 1000)),
  });
}
