// The answers a resource server gives when a request's token does not do: each error carries its
// status, its JSON body and its headers, so an adapter sends it as it is.

/** Polaris's documented body for an expired token, which its clients refresh on (the Imply Polaris seed). */
export const EXPIRED_TOKEN_BODY: Readonly<{ message: string }> = Object.freeze({ message: 'Token claims invalid: ["exp"]="token expired"' });

/** The authentication scheme of a challenge: DPoP for a token bound to a key (RFC 9449 §7.1), else Bearer (RFC 6750). */
export type Scheme = 'Bearer' | 'DPoP';

/** A refusal: send `status`, `headers` and `body` as they are. */
export class AccessTokenError extends Error {
  override readonly name: string = 'AccessTokenError';

  constructor(
    readonly status: number,
    readonly body: Readonly<Record<string, unknown>>,
    readonly headers: Readonly<Record<string, string>> = {},
    options?: { cause?: unknown },
  ) {
    super(String(body.error_description ?? body.message ?? status), options);
  }
}

/**
 * An RFC 6750 §3 (or RFC 9449 §7.1) challenge. Quotes and backslashes are dropped rather than
 * escaped: the values are this library's own words, scope names and the configured realm.
 */
export function challenge(scheme: Scheme, realm: string, params: Record<string, string | undefined> = {}): string {
  const attributes = Object.entries({ realm, ...params })
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}="${value.replace(/["\\]/g, '')}"`);
  return `${scheme} ${attributes.join(', ')}`;
}

/** What every refusal needs to know to write its challenge. */
export interface ChallengeContext {
  realm: string;
  scheme: Scheme;
  /** For a DPoP challenge: the proof algorithms accepted (RFC 9449 §7.1 `algs`). */
  algs?: readonly string[];
  /** The URL of the API's protected resource metadata (RFC 9728 §5.1 `resource_metadata`), when it publishes one. */
  resourceMetadata?: string;
}

/** The parameters every challenge ends with: the DPoP `algs`, and where the resource's metadata is. */
const dpopParams = (context: ChallengeContext) => ({
  ...(context.scheme === 'DPoP' && context.algs ? { algs: context.algs.join(' ') } : {}),
  ...(context.resourceMetadata !== undefined ? { resource_metadata: context.resourceMetadata } : {}),
});

/** No token at all: RFC 6750 §3.1 says the challenge then carries no error code. */
export function missingToken(context: ChallengeContext): AccessTokenError {
  return new AccessTokenError(
    401,
    { error: 'invalid_request', error_description: 'This endpoint requires an access token: send "Authorization: Bearer <access_token>"' },
    { 'WWW-Authenticate': challenge(context.scheme, context.realm, dpopParams(context)) },
  );
}

/** 401 `invalid_token` (RFC 6750 §3.1). */
export function invalidToken(context: ChallengeContext, description: string, cause?: unknown): AccessTokenError {
  return new AccessTokenError(
    401,
    { error: 'invalid_token', error_description: description },
    { 'WWW-Authenticate': challenge(context.scheme, context.realm, { error: 'invalid_token', error_description: description, ...dpopParams(context) }) },
    { cause },
  );
}

/** 401 `invalid_dpop_proof` (RFC 9449 §7.1): the token is bound to a key and the DPoP proof does not show it. */
export function invalidDpopProof(context: ChallengeContext, description: string, cause?: unknown): AccessTokenError {
  return new AccessTokenError(
    401,
    { error: 'invalid_dpop_proof', error_description: description },
    { 'WWW-Authenticate': challenge('DPoP', context.realm, { error: 'invalid_dpop_proof', error_description: description, ...dpopParams({ ...context, scheme: 'DPoP' }) }) },
    { cause },
  );
}

/** An expired token: Polaris's body, an RFC 6750 challenge. */
export function expiredToken(context: ChallengeContext, cause?: unknown): AccessTokenError {
  return new AccessTokenError(
    401,
    { ...EXPIRED_TOKEN_BODY },
    { 'WWW-Authenticate': challenge(context.scheme, context.realm, { error: 'invalid_token', error_description: 'The access token expired', ...dpopParams(context) }) },
    { cause },
  );
}

/** 403 `insufficient_scope`, naming every scope the request requires (RFC 6750 §3.1). */
export function insufficientScope(context: ChallengeContext, required: readonly string[], missing: readonly string[]): AccessTokenError {
  const scope = required.join(' ');
  const description =
    required.length === 1
      ? `This request requires the scope "${scope}", which the access token does not have`
      : `This request requires the scopes "${scope}"; the access token does not have "${missing.join(' ')}"`;
  return new AccessTokenError(
    403,
    { error: 'insufficient_scope', error_description: description, scope },
    { 'WWW-Authenticate': challenge(context.scheme, context.realm, { error: 'insufficient_scope', error_description: description, scope, ...dpopParams(context) }) },
  );
}

/**
 * 403 for a token that does not reach the request's project. The body is the REST shape Gatehouse's
 * Tables API answered (`{statusCode, error, message}`); the challenge says which scope would
 * (`project-{id}`, Polaris's project-scoped token), or none when the token is scoped to another project.
 */
export function projectForbidden(context: ChallengeContext, message: string, scope?: string): AccessTokenError {
  return new AccessTokenError(
    403,
    { statusCode: 403, error: 'Forbidden', message },
    { 'WWW-Authenticate': challenge(context.scheme, context.realm, { error: 'insufficient_scope', error_description: message, scope, ...dpopParams(context) }) },
  );
}

/** 503: the issuer's metadata or keys cannot be fetched, so a token, good or bad, cannot be checked. */
export function keysUnavailable(issuer: string, cause: unknown): AccessTokenError {
  return new AccessTokenError(503, { statusCode: 503, error: 'Service Unavailable', message: `The keys of ${issuer} cannot be fetched; try again shortly` }, { 'Retry-After': '5' }, { cause });
}
