import { defaultGrantTypes, type GrantType } from '../token-policy/token-policy.js';
import { CONSOLE_CLIENT_ID, CONSOLE_SCOPES, consoleUrls } from './console-client.js';
import { DOCS_CLIENT_ID, DOCS_SCOPES, docsRedirectUri } from './docs-client.js';

/**
 * A page of Gatehouse itself that signs users in as a public OpenID Connect client of the built-in
 * organization: written by the server at every start (FirstPartyClientsBootstrap), locked against
 * the API, and shown no consent screen when the browser goes back to its own page on this server.
 */
export interface FirstPartyClient {
  readonly id: string;
  /** Who the client is, in the client list and in refusals. */
  readonly name: string;
  readonly description: string;
  readonly scopes: readonly string[];
  readonly grantTypes: readonly GrantType[];
  /** Its one redirect URI, on this server. */
  redirectUri(issuer: string): string;
  postLogoutRedirectUris(issuer: string): string[];
}

export const FIRST_PARTY_CLIENTS: readonly FirstPartyClient[] = [
  {
    id: CONSOLE_CLIENT_ID,
    name: 'Gatehouse console',
    description: 'The admin console at /console: signs users in through Gatehouse and calls the REST API with their token',
    scopes: CONSOLE_SCOPES,
    grantTypes: defaultGrantTypes(true),
    redirectUri: (issuer) => consoleUrls(issuer).callback,
    postLogoutRedirectUris: (issuer) => [consoleUrls(issuer).home],
  },
  {
    id: DOCS_CLIENT_ID,
    name: 'Gatehouse API documentation',
    description: 'Swagger UI at /docs: signs users in (authorization code with PKCE) so that their routes can be tried',
    scopes: DOCS_SCOPES,
    // No refresh token: a /docs session lasts as long as its access token.
    grantTypes: ['authorization_code'],
    redirectUri: docsRedirectUri,
    postLogoutRedirectUris: () => [],
  },
];

/** The first-party client of this id, if it is one. */
export function firstPartyClient(clientId: string): FirstPartyClient | undefined {
  return FIRST_PARTY_CLIENTS.find((client) => client.id === clientId);
}

/**
 * True only for a first-party page's own sign-in: its client, in the built-in organization,
 * sending the browser back to that page on this very server. Such a request needs no consent
 * screen (the user is signing in to Gatehouse itself); the redirect URI check means the code can
 * only reach the page served here, whatever else happened to the client's registration.
 */
export function isFirstPartyRequest(request: { readonly client: { readonly id: string; readonly organizationId: string }; readonly redirectUri: string }, issuer: string, builtInOrganizationId: string): boolean {
  const client = firstPartyClient(request.client.id);
  return client !== undefined && request.client.organizationId === builtInOrganizationId && request.redirectUri === client.redirectUri(issuer);
}
