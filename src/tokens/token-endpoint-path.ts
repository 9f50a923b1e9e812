/** The token endpoint's canonical path (apart from tokens.controller.ts, so that the client authentication guard can name it without an import cycle). */
export const TOKEN_ENDPOINT_PATH = '/api/v1/oauth/token';

/** A realm's token endpoint, under its issuer (Keycloak's path). */
export function realmTokenEndpoint(realmIssuer: string): string {
  return `${realmIssuer}/protocol/openid-connect/token`;
}
