// A stand-in issuer for the library's own tests: keys generated here, a JWKS served on 127.0.0.1
// (so jose's real remote key set fetches it), and signers for access tokens and DPoP proofs.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { calculateJwkThumbprint, type CryptoKey, exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';

export const AUDIENCE = 'https://orders.example.com';
export const ORGANIZATION = '6f3a8a53-5a0e-4d55-9d8e-2f0a3c1b7e01';
export const PROJECT = '45c024f4-1254-4b58-8207-4111d2c0ffee';
export const OTHER_PROJECT = '018afcd5-817e-74e2-a3e2-fd76e44e3737';
/** The tests' clock: a fixed instant, in epoch ms. */
export const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
export const nowSeconds = Math.floor(NOW / 1000);

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  jwk: JWK;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

export interface TestIssuer {
  issuer: string;
  jwksUri: string;
  /** How many times the JWKS was fetched. */
  jwksFetches(): number;
  /** Publishes a new key (a rotation) and returns its kid. */
  rotate(): Promise<string>;
  /** Claims Gatehouse's AccessTokenIssuer writes, valid at NOW, with `overrides`. */
  claims(overrides?: JWTPayload): JWTPayload;
  sign(claims: JWTPayload, options?: { kid?: string; typ?: string | null; key?: CryptoKey }): Promise<string>;
  close(): Promise<void>;
}

export async function startTestIssuer(): Promise<TestIssuer> {
  const keys = [await signingKey('key-1')];
  let fetches = 0;
  let origin = '';
  const server: Server = createServer((request, response) => {
    const send = (body: unknown) => response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    if (request.url === '/auth/realms/imply/.well-known/openid-configuration') return send({ issuer: `${origin}/auth/realms/imply`, jwks_uri: `${origin}/auth/realms/imply/protocol/openid-connect/certs` });
    if (request.url === '/auth/realms/imply/protocol/openid-connect/certs') {
      fetches += 1;
      return send({ keys: keys.map((key) => key.jwk) });
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${origin}/auth/realms/imply`;
  return {
    issuer,
    jwksUri: `${issuer}/protocol/openid-connect/certs`,
    jwksFetches: () => fetches,
    rotate: async () => {
      const key = await signingKey(`key-${keys.length + 1}`);
      keys.push(key);
      return key.kid;
    },
    claims: (overrides = {}) => ({
      iss: issuer,
      sub: 'orders-client',
      aud: AUDIENCE,
      client_id: 'orders-client',
      iat: nowSeconds,
      exp: nowSeconds + 300,
      jti: crypto.randomUUID(),
      scope: 'orders:read',
      org_id: ORGANIZATION,
      org: 'imply',
      ...overrides,
    }),
    sign: (claims, { kid = keys[0].kid, typ = 'at+jwt', key } = {}) => {
      const signer = key ?? keys.find((candidate) => candidate.kid === kid)?.privateKey ?? keys[0].privateKey;
      return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid, ...(typ !== null && { typ }) }).sign(signer);
    },
    close: () => new Promise((closed) => server.close(() => closed())),
  };
}

/** A client's DPoP key pair and the proofs it signs (RFC 9449 §4.2). */
export interface DpopClient {
  jkt: string;
  proof(options: { method: string; url: string; accessToken: string; iat?: number; jti?: string; typ?: string; ath?: string; key?: CryptoKey; jwk?: JWK }): Promise<string>;
}

export async function dpopClient(): Promise<DpopClient> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  return {
    jkt: await calculateJwkThumbprint(jwk, 'sha256'),
    proof: ({ method, url, accessToken, iat = nowSeconds, jti = crypto.randomUUID(), typ = 'dpop+jwt', ath, key = privateKey, jwk: header = jwk }) =>
      new SignJWT({ htm: method, htu: url, iat, jti, ath: ath ?? createHash('sha256').update(accessToken).digest('base64url') })
        .setProtectedHeader({ alg: 'ES256', typ, jwk: header })
        .sign(key),
  };
}
