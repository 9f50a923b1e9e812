import { InvalidRequest, InvalidScope } from '../common/errors/oauth-errors.js';
import { SCOPE_TOKEN } from '../scopes/scope-definition.js';

/** Parameters of a token request, each present at most once (RFC 6749 §3.2). */
export type TokenRequestParams = Readonly<Record<string, string>>;

const MAX_PARAMETER_LENGTH = 4096;
const MAX_SCOPES_REQUESTED = 200;

/**
 * Reads the body of a token request, form-encoded or JSON, into single string values. A repeated
 * parameter (which the form parser turns into an array), a non-string JSON value or an over-long
 * value is an `invalid_request`. Unknown parameters are kept and ignored, as §3.2 says.
 */
export function parseTokenRequest(body: unknown): TokenRequestParams {
  if (body === undefined || body === null || body === '') return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidRequest('The token request body must be application/x-www-form-urlencoded or a JSON object');
  }
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(body)) {
    if (Array.isArray(value)) throw new InvalidRequest(`The parameter ${name} is repeated; send each parameter once`);
    if (typeof value !== 'string') throw new InvalidRequest(`The parameter ${name} must be a string`);
    if (value.length > MAX_PARAMETER_LENGTH) throw new InvalidRequest(`The parameter ${name} is longer than ${MAX_PARAMETER_LENGTH} characters`);
    params[name] = value;
  }
  return params;
}

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
