import { EVERY_USER_SCOPES, PERMISSIONS, PLATFORM_ADMINISTRATOR } from '../scopes/permissions.js';

/**
 * The admin console (/console) is an OpenID Connect public client of Gatehouse itself, registered
 * at start in the built-in organization under this id (see first-party-clients.ts).
 */
export const CONSOLE_CLIENT_ID = 'gatehouse-console';

/** Where the console is served, below the issuer. */
export const CONSOLE_PATH = '/console';

/** The console's own URLs on this server: where it lives, and where sign-in sends the browser back. */
export function consoleUrls(issuer: string): { readonly home: string; readonly callback: string } {
  const home = `${issuer}${CONSOLE_PATH}`;
  return { home, callback: `${home}/callback` };
}

/**
 * What the console client may ask for: every scope a built-in role can give a user, the platform
 * administrator's among them (creating and deleting organizations, the signing keys, which a role
 * the built-in organization defines may give too). A user gets only those their role gives
 * them (the authorization endpoint drops the rest), so the console's token never exceeds what its
 * user could do through the API with a personal access token.
 */
export const CONSOLE_SCOPES: readonly string[] = [...new Set([...EVERY_USER_SCOPES, ...PERMISSIONS.flatMap((permission) => permission.scopes), ...PLATFORM_ADMINISTRATOR.scopes])];
