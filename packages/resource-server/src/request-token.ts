// Where an adapter leaves the verified token for the route: keyed by the request object, which
// Fastify, Express and Nest each hand to both the hook and the handler.
import type { VerifiedAccessToken } from './resource-server.js';

const tokens = new WeakMap<object, VerifiedAccessToken>();

export function rememberAccessToken(request: object, token: VerifiedAccessToken): void {
  tokens.set(request, token);
}

/** The token the adapter verified for this request; throws if no adapter guarded the route (a wiring mistake, not a client's). */
export function accessTokenOf(request: object): VerifiedAccessToken {
  const token = tokens.get(request);
  if (!token) throw new Error('This route has no access-token hook: guard it with the resource-server adapter before reading its token');
  return token;
}
