import { InvalidRequest } from '../common/errors/oauth-errors.js';

// The `scope` parameter is read the same way at the authorization endpoint: its rules live with the scopes.
export { narrowScopes, parseScopeParameter } from '../scopes/scope-parameter.js';

/** Parameters of a token request, each present at most once (RFC 6749 §3.2). */
export type TokenRequestParams = Readonly<Record<string, string>>;

const MAX_PARAMETER_LENGTH = 4096;

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
