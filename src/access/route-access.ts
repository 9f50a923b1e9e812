import { SetMetadata } from '@nestjs/common';

/**
 * How a route authenticates its caller. Every route declares one, or the app does not start (see
 * ScopeRegistry): a route added without a thought for who may call it must not go out open.
 * - `bearer`: an access token, checked by the bearer guard and the access policy (`@Authenticated`);
 * - `client`: the client's own credentials, at the OAuth endpoints (`@ClientAuthenticatedEndpoint`);
 * - `session`: the browser's sign-in session, which the page itself checks (sign-in, consent, account);
 * - `public`: anyone, on purpose (discovery, keys, health), with the reason stated.
 */
export type RouteAccess = { readonly kind: 'bearer' } | { readonly kind: 'client' } | { readonly kind: 'session'; readonly reason: string } | { readonly kind: 'public'; readonly reason: string };

/** Route metadata key holding the route's RouteAccess. */
export const ROUTE_ACCESS = 'gatehouse:route-access';

export const declareAccess = (access: RouteAccess) => SetMetadata(ROUTE_ACCESS, access);

/** A route anyone may call, on purpose: `reason` says why it is safe (it is listed with the routes in the authorization matrix test). */
export function PublicRoute(reason: string): MethodDecorator & ClassDecorator {
  return declareAccess({ kind: 'public', reason });
}

/** A browser page whose own code checks the sign-in session (and, on POST, the session-bound CSRF token). */
export function SessionRoute(reason: string): MethodDecorator & ClassDecorator {
  return declareAccess({ kind: 'session', reason });
}
