/**
 * Where clients register (RFC 7591) and manage their registration (RFC 7592, `{path}/{client_id}`).
 * The server's own endpoint is Polar's path (also under `/api`, as the seed writes Polar's other
 * endpoints). A realm's is Keycloak's, next to the realm's other Keycloak paths, so that a client
 * configured from a realm's discovery document finds every endpoint under the realm's issuer.
 */
export const REGISTRATION_ENDPOINT_PATH = '/v1/oauth2/register';
export const REGISTRATION_ENDPOINT_PATHS = ['v1/oauth2/register', 'api/v1/oauth2/register'];
/** Name of the registration endpoint's bearer security scheme in the OpenAPI document. */
export const REGISTRATION_SECURITY_SCHEME = 'registration';
/** Appended to a realm's issuer (`{PUBLIC_URL}/auth/realms/{name}`). */
export const REALM_REGISTRATION_PATH = '/clients-registrations/openid-connect';
