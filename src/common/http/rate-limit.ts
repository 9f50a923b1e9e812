import rateLimit, { type FastifyRateLimitStore } from '@fastify/rate-limit';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type FastifyRequest } from 'fastify';
import { RateLimited } from '../errors/oauth-errors.js';
import { addressKey } from './address-key.js';

/**
 * Route config (`@RouteConfig`) for endpoints under the per-IP rate limit. `rateLimit: {}` makes
 * @fastify/rate-limit hook these routes only (with the limits registered below): registered
 * globally, its hook ran on every route of the API, bearer-guarded GETs included. `endpoint` names
 * the budget that all the route's paths share: an alias (Polar's paths, Keycloak's two realm
 * prefixes) is the same endpoint, and a budget per path would multiply the limit by the aliases.
 */
export function rateLimited(endpoint: string) {
  return { rateLimit: {}, rateLimitEndpoint: endpoint } as const;
}
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

const WINDOW_MS = 60_000;
/** Addresses × budgets remembered at once; past that the least recently counted is forgotten (as the plugin's own store did per route). */
const MAX_COUNTERS = 50_000;

/**
 * One fixed-window counter store for every rate-limited route. The plugin's own store gives each
 * route a store of its own (`child()`), even for routes with the same key or groupId
 * (fastify-rate-limit#463), so the aliases of an endpoint could not share a budget: here `child()`
 * is the store itself and the key (address and budget, see budgetOf) alone decides.
 */
class SharedRateLimitStore implements FastifyRateLimitStore {
  private readonly counters = new Map<string, { current: number; startMs: number }>();

  incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void): void {
    const nowMs = Date.now();
    let counter = this.counters.get(key);
    if (!counter || counter.startMs + WINDOW_MS <= nowMs) counter = { current: 0, startMs: nowMs };
    counter.current += 1;
    // Re-inserted: the Map's order is then least recently counted first.
    this.counters.delete(key);
    this.counters.set(key, counter);
    if (this.counters.size > MAX_COUNTERS) this.counters.delete(this.counters.keys().next().value!);
    callback(null, { current: counter.current, ttl: counter.startMs + WINDOW_MS - nowMs });
  }

  child(): FastifyRateLimitStore {
    return this;
  }
}

/** Which budget a request counts against: its endpoint's, or its route's when it names none. */
function budgetOf(request: FastifyRequest): string {
  const endpoint = (request.routeOptions?.config as { rateLimitEndpoint?: string } | undefined)?.rateLimitEndpoint;
  if (endpoint === undefined) return request.routeOptions?.url ?? '';
  // A realm's paths keep a budget apart from the server-wide paths' (both realm prefixes share it).
  return typeof (request.params as { realm?: unknown } | undefined)?.realm === 'string' ? `${endpoint} realm` : endpoint;
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
    timeWindow: WINDOW_MS,
    store: SharedRateLimitStore,
    allowList: (request) => limitFor(request, config) === 0,
    // An IPv6 caller by its /64, which one subscriber usually holds whole (as the lockouts count it).
    keyGenerator: (request) => `${addressKey(request.ip)} ${budgetOf(request)}`,
    errorResponseBuilder: (_request, context) => new RateLimited(Math.ceil(context.ttl / 1000)),
  });
}
