import { InvalidScope } from '../common/errors/oauth-errors.js';
import { SCOPE_TOKEN } from './scope-definition.js';

const MAX_SCOPES_REQUESTED = 200;

/**
 * Splits a `scope` parameter (RFC 6749 §3.3: space-delimited scope-tokens) into distinct scopes,
 * in order. An absent or blank parameter gives an empty list.
 */
export function parseScopeParameter(scope: string | undefined): string[] {
  if (scope === undefined) return [];
  const scopes = [...new Set(scope.split(' ').filter((part) => part !== ''))];
  const malformed = scopes.filter((part) => !SCOPE_TOKEN.test(part));
  if (malformed.length > 0) throw new InvalidScope(`Malformed scope: ${malformed.map((part) => JSON.stringify(part)).join(', ')}`);
  if (scopes.length > MAX_SCOPES_REQUESTED) throw new InvalidScope(`At most ${MAX_SCOPES_REQUESTED} scopes can be requested at once`);
  return scopes;
}

/**
 * The scopes a token gets: all of `held` when nothing was asked for, else exactly the requested
 * ones, each of which must be held (`invalid_scope` names the others).
 */
export function narrowScopes(held: readonly string[], requested: readonly string[]): string[] {
  const heldSet = new Set(held);
  const notHeld = requested.filter((scope) => !heldSet.has(scope));
  if (notHeld.length > 0) throw new InvalidScope(`The client may not request: ${notHeld.join(' ')}`);
  return requested.length > 0 ? [...requested] : [...held];
}
