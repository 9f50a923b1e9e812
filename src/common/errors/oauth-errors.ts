/**
 * The OAuth error vocabulary (RFC 6749 §5.2 for the token endpoint, RFC 6750 §3.1 for bearer
 * tokens). Code throws these; `HttpErrorFilter` turns them into a response. No controller writes
 * an error body by hand.
 */
export abstract class OAuthError extends Error {
  abstract readonly error: string;
  abstract readonly status: number;

  constructor(readonly description: string) {
    super(description);
  }

  /** Response headers this error requires (e.g. `WWW-Authenticate`). */
  headers(): Record<string, string> {
    return {};
  }

  body(): Record<string, unknown> {
    return { error: this.error, error_description: errorDescription(this.description) };
  }
}

/**
 * RFC 6749 §5.2 allows `error_description` printable ASCII only, without `"` and `\`. A
 * description that quotes what the client sent (a resource, a scope) may hold anything: a double
 * quote becomes a single one and every other character `?`, so the body stays what clients are
 * written to parse.
 */
export function errorDescription(text: string): string {
  return text.replaceAll('"', "'").replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '?');
}

export class InvalidRequest extends OAuthError {
  readonly error = 'invalid_request';
  readonly status = 400;
}

export class InvalidClient extends OAuthError {
  readonly error = 'invalid_client';
  readonly status = 401;

  /** `basicAttempted`: RFC 6749 §5.2 asks for a `WWW-Authenticate` challenge matching the scheme the client used. */
  constructor(
    description: string,
    private readonly basicAttempted = false,
  ) {
    super(description);
  }

  override headers(): Record<string, string> {
    return this.basicAttempted ? { 'WWW-Authenticate': `Basic realm="${AUTH_REALM}", charset="UTF-8"` } : {};
  }
}

export class InvalidGrant extends OAuthError {
  readonly error = 'invalid_grant';
  readonly status = 400;
}

export class UnauthorizedClient extends OAuthError {
  readonly error = 'unauthorized_client';
  readonly status = 400;
}

export class UnsupportedGrantType extends OAuthError {
  readonly error = 'unsupported_grant_type';
  readonly status = 400;
}

export class InvalidScope extends OAuthError {
  readonly error = 'invalid_scope';
  readonly status = 400;
}

/** RFC 8707 §2: the `resource` (or `audience`) names no API this server issues tokens for, or the scopes span several. */
export class InvalidTarget extends OAuthError {
  readonly error = 'invalid_target';
  readonly status = 400;
}

/** The realm named in `WWW-Authenticate` challenges. */
export const AUTH_REALM = 'gatehouse';

function bearerChallenge(params: Record<string, string | undefined>): string {
  const attributes = Object.entries({ realm: AUTH_REALM, ...params })
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}="${value.replace(/["\\]/g, '')}"`);
  return `Bearer ${attributes.join(', ')}`;
}

/**
 * A refusal that answers with a `Bearer` challenge. The guard of a protected resource names its
 * metadata there (RFC 9728 §5.1 `resource_metadata`), so that a client holding no token, or the
 * wrong one, finds where to get the right one from the 401 alone.
 */
export abstract class BearerChallengeError extends OAuthError {
  private resourceMetadata: string | undefined;

  /** Adds `resource_metadata` to the challenge (its `error` and other parameters stay). */
  pointTo(resourceMetadata: string): this {
    this.resourceMetadata = resourceMetadata;
    return this;
  }

  protected challenge(params: Record<string, string | undefined> = {}): Record<string, string> {
    return { 'WWW-Authenticate': bearerChallenge({ ...params, resource_metadata: this.resourceMetadata }) };
  }
}

/** No bearer token at all: per RFC 6750 §3.1 the challenge carries no error code. */
export class MissingBearerToken extends BearerChallengeError {
  readonly error = 'invalid_request';
  readonly status = 401;

  constructor() {
    super('This endpoint requires an access token: send "Authorization: Bearer <access_token>"');
  }

  override headers(): Record<string, string> {
    return this.challenge();
  }
}

export class InvalidToken extends BearerChallengeError {
  readonly error = 'invalid_token';
  readonly status = 401;

  override headers(): Record<string, string> {
    return this.challenge({ error: this.error, error_description: errorDescription(this.description) });
  }
}

/**
 * An expired token. The body is exactly the one Imply Polaris documents, so that clients written
 * against it (which refresh on this 401) work unchanged.
 */
export class ExpiredToken extends InvalidToken {
  constructor() {
    super('The access token expired');
  }

  override body(): Record<string, unknown> {
    return { message: 'Token claims invalid: ["exp"]="token expired"' };
  }
}

export class InsufficientScope extends BearerChallengeError {
  readonly error = 'insufficient_scope';
  readonly status = 403;

  constructor(readonly scope: string) {
    super(`This request requires the scope "${scope}", which the access token does not have`);
  }

  override headers(): Record<string, string> {
    return this.challenge({ error: this.error, error_description: errorDescription(this.description), scope: this.scope });
  }

  override body(): Record<string, unknown> {
    return { ...super.body(), scope: this.scope };
  }
}

/** A client authenticated by its credentials (not a bearer token) that lacks the scope an endpoint needs. */
export class InsufficientClientScope extends OAuthError {
  readonly error = 'insufficient_scope';
  readonly status = 403;

  constructor(readonly scope: string) {
    super(`This endpoint requires the client to hold the scope "${scope}"`);
  }
}

/**
 * Too many failed authentications for one client_id from this address, or from all addresses, or
 * from this address over all ids, when this one is not known to the client (brute-force
 * protection, see ClientLockout): refused even with the right secret until `retryAfterSeconds` have passed.
 */
export class ClientLockedOut extends OAuthError {
  readonly error = 'invalid_client';
  readonly status = 429;

  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed authentication attempts for this client; retry in ${retryAfterSeconds} seconds`);
  }

  override headers(): Record<string, string> {
    return { 'Retry-After': String(this.retryAfterSeconds) };
  }
}

/** Per-IP rate limit of an OAuth endpoint exceeded (the Retry-After header is set by the limiter). */
export class RateLimited extends OAuthError {
  readonly error = 'temporarily_unavailable';
  readonly status = 429;

  constructor(retryAfterSeconds: number) {
    super(`Too many requests from this address; retry in ${retryAfterSeconds} seconds`);
  }
}

/** The user (or the client's request) was refused at the authorization endpoint (RFC 6749 §4.1.2.1). */
export class AccessDenied extends OAuthError {
  readonly error = 'access_denied';
  readonly status = 403;
}

export class UnsupportedResponseType extends OAuthError {
  readonly error = 'unsupported_response_type';
  readonly status = 400;
}

/** OpenID Connect `prompt=none` could not be honoured: nobody is signed in. */
export class LoginRequired extends OAuthError {
  readonly error = 'login_required';
  readonly status = 400;
}

/** OpenID Connect `prompt=none` could not be honoured: the user has not consented yet. */
export class ConsentRequired extends OAuthError {
  readonly error = 'consent_required';
  readonly status = 400;
}

/** RFC 7009 §2.2.1: the revocation endpoint does not revoke this kind of token. */
export class UnsupportedTokenType extends OAuthError {
  readonly error = 'unsupported_token_type';
  readonly status = 400;
}

/** OpenID Connect Core §6: Gatehouse does not take request objects (`request`, RFC 9101 JAR). */
export class RequestNotSupported extends OAuthError {
  readonly error = 'request_not_supported';
  readonly status = 400;
}

/** OpenID Connect Core §6: Gatehouse does not take request objects by reference (`request_uri`). */
export class RequestUriNotSupported extends OAuthError {
  readonly error = 'request_uri_not_supported';
  readonly status = 400;
}

/** OpenID Connect Core §3.1.2.6: the request_uri (here: one from the PAR endpoint, RFC 9126) is unknown, expired or used. */
export class InvalidRequestUri extends OAuthError {
  readonly error = 'invalid_request_uri';
  readonly status = 400;
}

/** RFC 8628 §3.5: the user has not answered yet; the device polls again after its interval. */
export class AuthorizationPending extends OAuthError {
  readonly error = 'authorization_pending';
  readonly status = 400;
}

/** RFC 8628 §3.5: the device polled before its interval had passed; the interval is now 5 seconds longer. */
export class SlowDown extends OAuthError {
  readonly error = 'slow_down';
  readonly status = 400;
}

/** RFC 8628 §3.5: the device code expired before the user approved it; the device starts again. */
export class ExpiredDeviceCode extends OAuthError {
  readonly error = 'expired_token';
  readonly status = 400;
}

/** RFC 8628 §3.5: the user denied the device's request; a token endpoint error, so 400 (RFC 6749 §5.2). */
export class DeviceAccessDenied extends OAuthError {
  readonly error = 'access_denied';
  readonly status = 400;
}

/** RFC 9449 §7.1's challenge on a resource route: the scheme, the proof algorithms taken, and the error. */
function dpopChallenge(algorithms: readonly string[], params: Record<string, string>): string {
  const attributes = Object.entries({ algs: algorithms.join(' '), ...params }).map(([key, value]) => `${key}="${value.replace(/["\\]/g, '')}"`);
  return `DPoP ${attributes.join(', ')}`;
}

/**
 * RFC 9449 §5 and §7.1: a DPoP proof that is missing where one is required, malformed, or fails
 * a check. 400 at the token endpoint; 401 with a `WWW-Authenticate: DPoP` challenge on a resource route.
 */
export class InvalidDpopProof extends OAuthError {
  readonly error = 'invalid_dpop_proof';
  readonly status: number;

  constructor(
    description: string,
    private readonly challenge?: { readonly algorithms: readonly string[] },
  ) {
    super(description);
    this.status = challenge ? 401 : 400;
  }

  override headers(): Record<string, string> {
    return this.challenge ? { 'WWW-Authenticate': dpopChallenge(this.challenge.algorithms, { error: this.error, error_description: errorDescription(this.description) }) } : {};
  }
}

/** RFC 9449 §8 and §9: the proof must carry the server's nonce, which the `DPoP-Nonce` header gives. */
export class UseDpopNonce extends OAuthError {
  readonly error = 'use_dpop_nonce';
  readonly status: number;

  constructor(
    readonly nonce: string,
    private readonly challenge?: { readonly algorithms: readonly string[] },
  ) {
    super('The DPoP proof must carry the nonce of the DPoP-Nonce header');
    this.status = challenge ? 401 : 400;
  }

  override headers(): Record<string, string> {
    return {
      'DPoP-Nonce': this.nonce,
      ...(this.challenge && { 'WWW-Authenticate': dpopChallenge(this.challenge.algorithms, { error: this.error, error_description: errorDescription(this.description) }) }),
    };
  }
}

/** A DPoP-bound token (`cnf.jkt`) without its proof, or presented as a bearer token (RFC 9449 §7.1). */
export class InvalidDpopToken extends InvalidToken {
  constructor(
    description: string,
    private readonly algorithms: readonly string[],
  ) {
    super(description);
  }

  override headers(): Record<string, string> {
    return { 'WWW-Authenticate': dpopChallenge(this.algorithms, { error: this.error, error_description: errorDescription(this.description) }) };
  }
}
