// Requests that carry a fresh signed JWT each: a private_key_jwt client assertion (RFC 7523) or a
// DPoP proof (RFC 9449). They are signed in autocannon's setupRequest, synchronously with
// node:crypto, one per request, so every jti is new and every iat current; the load generator
// pays for the signature, the same for every target, and it is not in the servers' CPU time.
import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto';

const base64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** An ES256 key pair: the private key to sign with and the public JWK to register or embed. */
export function es256Key(kid) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  return { privateKey, jwk: { kty, crv, x, y }, kid };
}

function signJwt(key, header, claims) {
  const input = `${base64url({ alg: 'ES256', ...header })}.${base64url(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

const now = () => Math.floor(Date.now() / 1000);

/** A private_key_jwt client assertion for `clientId`, addressed to `audience` (the issuer). */
export function clientAssertion(key, clientId, audience) {
  const iat = now();
  return signJwt(key, { typ: 'JWT', kid: key.kid }, { iss: clientId, sub: clientId, aud: audience, jti: randomUUID(), iat, exp: iat + 60 });
}

/** A DPoP proof for `method` `url`; with `accessToken`, bound to it by `ath`. */
export function dpopProof(key, method, url, accessToken) {
  const ath = accessToken === undefined ? undefined : createHash('sha256').update(accessToken).digest('base64url');
  return signJwt(key, { typ: 'dpop+jwt', jwk: key.jwk }, { jti: randomUUID(), htm: method, htu: url, iat: now(), ...(ath && { ath }) });
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/**
 * A request for autocannon whose setupRequest signs what it carries anew. `sign()` returns the
 * body and the extra headers of one request.
 */
function signedRequest(path, method, sign) {
  return { path, method, setupRequest: (request) => ({ ...request, ...sign() }) };
}

/**
 * client_credentials at `tokenUrl` (its path is requested, its issuer is the audience), the client
 * authenticated by a fresh assertion; with `dpopKey`, also a fresh DPoP proof for the token URL.
 */
export function assertionTokenRequest({ issuer, tokenUrl, clientId, clientKey, dpopKey, scope }) {
  return signedRequest(new URL(tokenUrl).pathname, 'POST', () => ({
    headers: { ...FORM, ...(dpopKey && { dpop: dpopProof(dpopKey, 'POST', tokenUrl) }) },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...(scope && { scope }), client_assertion_type: ASSERTION_TYPE, client_assertion: clientAssertion(clientKey, clientId, issuer) }).toString(),
  }));
}

/** client_credentials with a client secret (HTTP Basic) and a fresh DPoP proof. */
export function dpopTokenRequest({ tokenUrl, basic, dpopKey, scope }) {
  return signedRequest(new URL(tokenUrl).pathname, 'POST', () => ({
    headers: { ...FORM, authorization: basic, dpop: dpopProof(dpopKey, 'POST', tokenUrl) },
    body: new URLSearchParams({ grant_type: 'client_credentials', ...(scope && { scope }) }).toString(),
  }));
}

/** GET `url` with a DPoP-bound token and a fresh proof bound to it. */
export function dpopGet({ url, accessToken, dpopKey }) {
  return signedRequest(new URL(url).pathname, 'GET', () => ({ headers: { authorization: `DPoP ${accessToken}`, dpop: dpopProof(dpopKey, 'GET', url, accessToken) } }));
}
