import { CONSOLE_SCOPES } from './console-client.js';

/**
 * The Swagger UI at /docs signs users in with the authorization code flow and PKCE as this
 * public client, registered at start in the built-in organization (see first-party-clients.ts), so
 * that the routes of a user (userinfo, personal access tokens) can be tried from the page.
 */
export const DOCS_CLIENT_ID = 'gatehouse-docs';

/** Swagger UI's page that hands the code back to the /docs window (swagger-ui-dist's oauth2-redirect.html). */
export function docsRedirectUri(issuer: string): string {
  return `${issuer}/docs/oauth2-redirect.html`;
}

/** As the console's: a user's token never exceeds what their role gives them. */
export const DOCS_SCOPES: readonly string[] = CONSOLE_SCOPES;
