import { KeyScopes } from '../scopes/key.scopes.js';
import { EVERY_USER_SCOPES, PERMISSIONS } from '../scopes/permissions.js';

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
 * What the console client may ask for: every scope a built-in role can give a user, and the
 * signing-key scopes, which a role of the built-in organization may give (only the root client can
 * define one) and the console's Signing keys page needs. A user gets only those their role gives
 * them (the authorization endpoint drops the rest), so the console's token never exceeds what its
 * user could do through the API with a personal access token.
 */
export const CONSOLE_SCOPES: readonly string[] = [...new Set([...EVERY_USER_SCOPES, ...PERMISSIONS.flatMap((permission) => permission.scopes), KeyScopes.read.name, KeyScopes.rotate.name])];
