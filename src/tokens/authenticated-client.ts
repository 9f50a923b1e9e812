import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type ClientRecord } from '../clients/client-directory.js';
import { type OrganizationRecord } from '../organizations/organization-directory.js';
import { type TokenRequestParams } from './token-request.js';

/**
 * What ClientAuthenticationGuard has established about a call to a token, introspection or
 * revocation endpoint, as far as it got: the realm whose path was called, the parameters read from
 * the body, and the client once it is authenticated.
 */
export interface ClientCall {
  readonly realm?: OrganizationRecord;
  readonly params?: TokenRequestParams;
  readonly client?: ClientRecord;
}

/** Kept beside the request rather than written on it, so that this module is the one way to it. */
const calls = new WeakMap<object, ClientCall>();

/** For ClientAuthenticationGuard: adds what it has just established. */
export function recordClientCall(request: object, facts: ClientCall): void {
  calls.set(request, { ...calls.get(request), ...facts });
}

/** What the guard established about `request`, if it ran (the metrics read it, whether the call succeeded or not). */
export function clientCallOf(request: object): ClientCall {
  return calls.get(request) ?? {};
}

function authenticatedCallOf(context: ExecutionContext): Required<Omit<ClientCall, 'realm'>> & Pick<ClientCall, 'realm'> {
  const { client, params, realm } = clientCallOf(context.switchToHttp().getRequest<object>());
  // Only a route behind ClientAuthenticationGuard can ask, and the guard lets none through unauthenticated.
  if (!client || !params) throw new Error('No authenticated client: the route is not behind ClientAuthenticationGuard');
  return { client, params, ...(realm && { realm }) };
}

/** The client that authenticated this call (a route parameter; see ClientAuthenticatedEndpoint). */
export const AuthenticatedClient = createParamDecorator((_data: unknown, context: ExecutionContext): ClientRecord => authenticatedCallOf(context).client);

/** The parameters of this call's body, each a single string (see parseTokenRequest). */
export const ClientCallParameters = createParamDecorator((_data: unknown, context: ExecutionContext): TokenRequestParams => authenticatedCallOf(context).params);

/** The organization whose realm path was called, or undefined on the Fides paths. */
export const CalledRealm = createParamDecorator((_data: unknown, context: ExecutionContext): OrganizationRecord | undefined => authenticatedCallOf(context).realm);
