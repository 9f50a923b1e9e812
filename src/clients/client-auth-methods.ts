import { isIP } from 'node:net';

/** RFC 7591 `token_endpoint_auth_method`s Gatehouse accepts, at the token, introspection and revocation endpoints alike. */
export const TOKEN_ENDPOINT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];

/** The methods that send a client assertion (RFC 7523 §2.2) instead of the secret. */
export const ASSERTION_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_jwt', 'private_key_jwt'];

/** private_key_jwt: the asymmetric JWS algorithms jose verifies (never `none`, never HMAC: an HMAC key would be a public key). */
export const PRIVATE_KEY_JWT_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
/** client_secret_jwt: HMAC with the client's secret. */
export const CLIENT_SECRET_JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export const ASSERTION_SIGNING_ALGORITHMS: readonly string[] = [...PRIVATE_KEY_JWT_ALGORITHMS, ...CLIENT_SECRET_JWT_ALGORITHMS];

/** The algorithms a client of `method` may sign its assertions with; `only` (its `token_endpoint_auth_signing_alg`) narrows them to one. */
export function assertionAlgorithms(method: string, only: string | null): string[] {
  const algorithms: readonly string[] = method === 'private_key_jwt' ? PRIVATE_KEY_JWT_ALGORITHMS : method === 'client_secret_jwt' ? CLIENT_SECRET_JWT_ALGORITHMS : [];
  return only === null ? [...algorithms] : algorithms.filter((algorithm) => algorithm === only);
}

/** The method of a client without one chosen: `none` for a public client, else RFC 7591's default. */
export function defaultAuthMethod(isPublic: boolean): TokenEndpointAuthMethod {
  return isPublic ? 'none' : 'client_secret_basic';
}

/** Members that only a private or symmetric JWK has (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const PUBLIC_KEY_TYPES = ['RSA', 'EC', 'OKP'];
/** Bounds of a client's JWK Set: room for a few keys during a rotation, not for a payload. */
export const MAX_JWKS_KEYS = 10;
export const MAX_JWKS_BYTES = 64 * 1024;

/**
 * Why `value` is not a JWK Set of public keys (RFC 7517 §5) that Gatehouse can keep for a client,
 * or undefined if it is. A private key is refused outright: whoever sent it has leaked it.
 */
export function publicJwksProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'jwks must be a JWK Set: an object with a keys array';
  const keys = (value as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) return 'jwks must have a non-empty keys array';
  if (keys.length > MAX_JWKS_KEYS) return `jwks may hold at most ${MAX_JWKS_KEYS} keys`;
  if (JSON.stringify(value).length > MAX_JWKS_BYTES) return `jwks may be at most ${MAX_JWKS_BYTES} bytes long`;
  for (const key of keys) {
    if (typeof key !== 'object' || key === null || Array.isArray(key)) return 'each key of jwks must be a JWK object';
    const jwk = key as Record<string, unknown>;
    if (!PUBLIC_KEY_TYPES.includes(jwk.kty as string)) return `each key of jwks must have kty ${PUBLIC_KEY_TYPES.join(', ')} (public keys only)`;
    if (PRIVATE_MEMBERS.some((member) => member in jwk)) return 'jwks must hold public keys only: a key has private members; treat that private key as leaked';
    if (jwk.kid !== undefined && typeof jwk.kid !== 'string') return 'a kid in jwks must be a string';
  }
  return undefined;
}

/**
 * Why `value` is not a jwks_uri Gatehouse will fetch, or undefined: https, or http to a loopback
 * host where the operator allows private addresses (JWKS_URI_ALLOW_PRIVATE_ADDRESSES, for tests).
 * The address it resolves to is checked again when it is fetched.
 */
export function jwksUriProblem(value: unknown, allowPrivateAddresses: boolean): string | undefined {
  if (typeof value !== 'string' || value.length > 2000) return 'jwks_uri must be a URL of at most 2000 characters';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'jwks_uri must be an absolute URL';
  }
  if (url.username !== '' || url.password !== '' || url.hash !== '') return 'jwks_uri must have no user name, password or fragment';
  if (url.protocol === 'https:') return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || (isIP(host) === 4 && host.startsWith('127.')) || host === '::1';
  if (url.protocol === 'http:' && loopback && allowPrivateAddresses) return undefined;
  return 'jwks_uri must be an https URL';
}
