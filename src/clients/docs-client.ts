import { CONSOLE_SCOPES } from './console-client.js';

/**
 * The Swagger UI at /docs signs users in with the authorization code flow and PKCE as this
 * public client, registered at start in the built-in organization (see DocsClientBootstrap), so
 * that the routes of a user (userinfo, personal access tokens) can be tried from the page.
 */
export const DOCS_CLIENT_ID = 'gatehouse-docs';

/** Swagger UI's page that hands the code back to the /docs window (swagger-ui-dist's oauth2-redirect.html). */
export function docsRedirectUri(issuer: string): string {
  return `${issuer}/docs/oauth2-redirect.html`;
}

/** As the console's: a user's token never exceeds what their role gives them. */
export const DOCS_SCOPES: readonly string[] = CONSOLE_SCOPES;

/**
 * True only for /docs's own sign-in on this server: like the console's, a first-party page of
 * Gatehouse itself, so no consent screen; the redirect URI check keeps the code on this server.
 */
export function isDocsRequest(request: { readonly client: { readonly id: string; readonly organizationId: string }; readonly redirectUri: string }, issuer: string, builtInOrganizationId: string): boolean {
  return request.client.id === DOCS_CLIENT_ID && request.client.organizationId === builtInOrganizationId && request.redirectUri === docsRedirectUri(issuer);
}
