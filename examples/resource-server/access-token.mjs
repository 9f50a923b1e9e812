// Verifies Gatehouse's RFC 9068 access tokens the way any resource server can: with the issuer's
// published keys only (no introspection, no database), through jose.
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';

/** RFC 9068 §2.1: what distinguishes an access token from an ID token signed with the same keys. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** Polaris's documented body for an expired token, which its clients (the seed's Python script) refresh on. */
export const EXPIRED_TOKEN_BODY = Object.freeze({ message: 'Token claims invalid: ["exp"]="token expired"' });

/** RFC 6750 §2.1 b64token, as Gatehouse accepts it. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const PROJECT_SCOPE = /^project-(.+)$/;

/**
 * @typedef {object} AccessToken What a verified token says, in the terms the routes need.
 * @property {Readonly<Record<string, unknown>>} claims The token's claims, as signed.
 * @property {ReadonlySet<string>} scopes Its `scope` claim, split.
 * @property {string} organizationId `org_id`: whose resources it reaches.
 * @property {string | undefined} projectId `project_id` (Polaris's `scope=project-{id}`): the one project it reaches; undefined for an organization token.
 * @property {string} actor Who acts: the user for a user token, else the client (as Gatehouse's own Tables API recorded it).
 */

/** An answer other than 2xx, thrown by the checks and sent as it is by the error handler. */
export class HttpError extends Error {
  /**
   * @param {number} status
   * @param {Record<string, unknown>} body
   * @param {Record<string, string>} [headers]
   */
  constructor(status, body, headers = {}) {
    super(String(body.message ?? body.error_description ?? status));
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

/**
 * An RFC 6750 §3 challenge. Quotes and backslashes are dropped rather than escaped: the values are
 * our own words and scope names.
 * @param {string} realm
 * @param {Record<string, string>} params
 */
function challenge(realm, params) {
  const attributes = Object.entries({ realm, ...params }).map(([key, value]) => `${key}="${value.replace(/["\\]/g, '')}"`);
  return `Bearer ${attributes.join(', ')}`;
}

/**
 * A 401 with `error="invalid_token"` (RFC 6750 §3.1).
 * @param {string} realm
 * @param {string} description
 */
export function invalidToken(realm, description) {
  return new HttpError(401, { error: 'invalid_token', error_description: description }, { 'WWW-Authenticate': challenge(realm, { error: 'invalid_token', error_description: description }) });
}

/** @param {string} realm */
function expiredToken(realm) {
  return new HttpError(401, { ...EXPIRED_TOKEN_BODY }, { 'WWW-Authenticate': challenge(realm, { error: 'invalid_token', error_description: 'The access token expired' }) });
}

/**
 * No token at all: RFC 6750 §3.1 says the challenge then carries no error code.
 * @param {string} realm
 */
function missingToken(realm) {
  return new HttpError(401, { error: 'invalid_request', error_description: 'This endpoint requires an access token: send "Authorization: Bearer <access_token>"' }, { 'WWW-Authenticate': challenge(realm, {}) });
}

/**
 * 403 `insufficient_scope`, naming the scope (RFC 6750 §3.1), with Gatehouse's body.
 * @param {string} realm
 * @param {string} scope
 */
export function insufficientScope(realm, scope) {
  const description = `This request requires the scope "${scope}", which the access token does not have`;
  return new HttpError(403, { error: 'insufficient_scope', error_description: description, scope }, { 'WWW-Authenticate': challenge(realm, { error: 'insufficient_scope', error_description: description, scope }) });
}

/**
 * 403 in the REST error shape (`{statusCode, error, message}`), as Gatehouse's Tables API answered.
 * @param {string} message
 */
export function forbidden(message) {
  return new HttpError(403, { statusCode: 403, error: 'Forbidden', message });
}

/**
 * The RFC 8414 §3.1 metadata URL: the well-known segment goes between the host and the issuer's path.
 * @param {URL} issuer
 */
function rfc8414MetadataUrl(issuer) {
  const path = issuer.pathname.replace(/\/+$/, '');
  return `${issuer.origin}/.well-known/oauth-authorization-server${path}`;
}

/**
 * The issuer's `jwks_uri`, from OpenID Connect Discovery (which Gatehouse serves for every realm,
 * Keycloak's way), else from RFC 8414 metadata. The document must name the same issuer
 * (RFC 8414 §3.3), or anyone answering at that URL could hand us their keys.
 * @param {string} issuer
 * @returns {Promise<URL>}
 */
export async function discoverJwksUri(issuer) {
  const urls = [`${issuer}/.well-known/openid-configuration`, rfc8414MetadataUrl(new URL(issuer))];
  const failures = [];
  for (const url of urls) {
    const response = await fetch(url, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(5000) });
    if (!response.ok) {
      failures.push(`${url}: ${response.status}`);
      continue;
    }
    const metadata = /** @type {{ issuer?: unknown, jwks_uri?: unknown }} */ (await response.json());
    if (metadata.issuer !== issuer) throw new Error(`${url} names the issuer ${String(metadata.issuer)}, not ${issuer}`);
    if (typeof metadata.jwks_uri !== 'string') throw new Error(`${url} has no jwks_uri`);
    return new URL(metadata.jwks_uri);
  }
  throw new Error(`No authorization server metadata for ${issuer} (${failures.join('; ')})`);
}

/** jose's errors that say the token is bad, as opposed to the keys being out of reach. */
const TOKEN_FAULTS = new Map([
  ['ERR_JWS_SIGNATURE_VERIFICATION_FAILED', 'The access token signature is invalid'],
  ['ERR_JWKS_NO_MATCHING_KEY', 'No published key matches the access token (its kid or alg)'],
  ['ERR_JWKS_MULTIPLE_MATCHING_KEYS', 'No single published key matches the access token'],
  ['ERR_JWS_INVALID', 'The access token is not a well-formed JWT'],
  ['ERR_JWT_INVALID', 'The access token is not a well-formed JWT'],
  ['ERR_JOSE_ALG_NOT_ALLOWED', 'The access token is signed with an algorithm that is not allowed'],
  ['ERR_JOSE_NOT_SUPPORTED', 'The access token is signed with an algorithm that is not supported'],
]);

/** Which claim failed, in words (jose's JWTClaimValidationFailed names it). */
const CLAIM_FAULTS = new Map([
  ['iss', 'The access token was issued by another issuer'],
  ['aud', 'The access token is meant for another audience'],
  ['typ', `The token is not an access token (typ must be ${ACCESS_TOKEN_TYPE})`],
  ['nbf', 'The access token is not valid yet'],
  ['iat', 'The access token has an invalid iat'],
  ['exp', 'The access token has no valid expiry'],
]);

/**
 * @param {{ issuer: string, audience: string, realm?: string }} options
 *   `issuer`: the realm issuer, exactly as Gatehouse writes it in `iss`; `audience`: this API's
 *   identifier, which must be in `aud`; `realm`: the name in challenges (the identifier by default).
 */
export function createAccessTokenVerifier({ issuer, audience, realm = audience }) {
  /** @type {Promise<ReturnType<typeof createRemoteJWKSet>> | undefined} */
  let keySet;
  // Discovered on first use and kept; a failure is not kept, so the next request tries again
  // (the resource server may start before Gatehouse does).
  const keys = () => {
    keySet ??= discoverJwksUri(issuer).then(
      (uri) => createRemoteJWKSet(uri),
      (error) => {
        keySet = undefined;
        throw error;
      },
    );
    return keySet;
  };

  /**
   * @param {unknown} error
   * @returns {HttpError}
   */
  const refusal = (error) => {
    if (error instanceof errors.JWTExpired) return expiredToken(realm);
    if (error instanceof errors.JWTClaimValidationFailed) return invalidToken(realm, CLAIM_FAULTS.get(error.claim) ?? `The access token's ${error.claim} claim is invalid`);
    const code = /** @type {{ code?: unknown }} */ (error)?.code;
    const fault = typeof code === 'string' ? TOKEN_FAULTS.get(code) : undefined;
    if (fault) return invalidToken(realm, fault);
    // The discovery document or the JWKS could not be fetched: the token may well be good.
    const unavailable = new HttpError(503, { statusCode: 503, error: 'Service Unavailable', message: `The keys of ${issuer} cannot be fetched; try again shortly` });
    unavailable.cause = error;
    return unavailable;
  };

  return {
    /**
     * The token of an `Authorization` header, verified: signature from the issuer's JWKS, `iss`,
     * `aud`, `typ`, `exp` (and `nbf`), and the claims the routes rely on well formed.
     * @param {string | undefined} authorization
     * @returns {Promise<AccessToken>}
     */
    async verify(authorization) {
      if (!authorization || !/^bearer(\s|$)/i.test(authorization)) throw missingToken(realm);
      const match = BEARER.exec(authorization);
      if (!match) throw invalidToken(realm, 'The Authorization header is not "Bearer <access_token>"');
      let claims;
      try {
        ({ payload: claims } = await jwtVerify(match[1], await keys(), { issuer, audience, typ: ACCESS_TOKEN_TYPE, requiredClaims: ['exp'] }));
      } catch (error) {
        throw refusal(error);
      }
      return accessTokenOf(claims, realm);
    },
  };
}

/**
 * The claims Gatehouse puts in every access token, checked for their form.
 * @param {Record<string, unknown>} claims
 * @param {string} realm
 * @returns {AccessToken}
 */
function accessTokenOf(claims, realm) {
  if (claims.scope !== undefined && typeof claims.scope !== 'string') throw invalidToken(realm, 'The access token scope is malformed');
  if (typeof claims.org_id !== 'string') throw invalidToken(realm, 'The access token names no organization (org_id)');
  if (claims.project_id !== undefined && typeof claims.project_id !== 'string') throw invalidToken(realm, 'The access token project_id is malformed');
  const scopes = new Set(claims.scope ? claims.scope.split(' ') : []);
  const projectScopes = [...scopes].flatMap((scope) => PROJECT_SCOPE.exec(scope)?.[1] ?? []);
  if (projectScopes.length > 1) throw invalidToken(realm, 'The access token is scoped to more than one project');
  // Gatehouse writes both; either alone is enough, but they must agree.
  const projectId = claims.project_id ?? projectScopes[0];
  if (projectId !== undefined && projectScopes[0] !== projectId) throw invalidToken(realm, 'The access token names a project outside its scope');
  const actor = claims.sub_type === 'user' && typeof claims.sub === 'string' ? claims.sub : typeof claims.client_id === 'string' ? claims.client_id : String(claims.sub);
  return { claims, scopes, organizationId: claims.org_id, projectId, actor };
}
