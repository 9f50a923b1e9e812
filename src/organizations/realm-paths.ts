/** An organization's realm paths: Keycloak's, with and without the `/auth` prefix older Keycloak versions use. */
export const REALM_PATHS = ['auth/realms/:realm', 'realms/:realm'];
