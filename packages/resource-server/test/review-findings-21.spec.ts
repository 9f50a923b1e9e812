import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { AccessTokenError, ResourceServer, type AccessRequest, type ResourceServerOptions } from '../src/index.js';
import { requireAccessToken } from '../src/fastify.js';
import { AUDIENCE, dpopClient, type DpopClient, NOW, nowSeconds, startTestIssuer, type TestIssuer } from './support.js';

/**
 * The security review of issue 21 attacking the library: forged and confused tokens, and DPoP
 * proofs used where they were not made for. Every attack here failed; kept so that they keep failing.
 */
const URL_ = 'https://orders.example.com/v1/orders';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer();
});
afterAll(() => issuer.close());

const server = (options: Partial<ResourceServerOptions> = {}) => new ResourceServer({ issuer: issuer.issuer, audience: AUDIENCE, jwksUri: issuer.jwksUri, now: () => NOW, ...options });
const bearer = (token: string, extra: Partial<AccessRequest> = {}): AccessRequest => ({ method: 'GET', url: URL_, authorization: `Bearer ${token}`, ...extra });
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function refused(promise: Promise<unknown>): Promise<AccessTokenError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof AccessTokenError)) throw new Error(`expected an AccessTokenError, got ${String(error)}`);
  return error;
}

describe('what held up: forged access tokens', () => {
  it('refuses alg none, with or without a signature', async () => {
    const unsigned = `${b64({ alg: 'none', typ: 'at+jwt', kid: 'key-1' })}.${b64(issuer.claims())}.`;
    expect((await refused(server().verify(bearer(unsigned)))).status).toBe(401);
    expect((await refused(server().verify(bearer(`${unsigned}AAAA`)))).status).toBe(401);
  });

  it('refuses HS256 keyed with the published public key (as its JWK, its PEM-like bytes or its x coordinate)', async () => {
    const published = ((await (await fetch(issuer.jwksUri)).json()) as { keys: Record<string, string>[] }).keys[0]!;
    for (const secret of [JSON.stringify(published), published.x!, Buffer.from(published.x!, 'base64url').toString('latin1')]) {
      const forged = await new SignJWT(issuer.claims()).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: published.kid! }).sign(new TextEncoder().encode(secret));
      expect((await refused(server().verify(bearer(forged)))).status).toBe(401);
    }
    // Even when the server is told to allow HS256: no symmetric key is published.
    const forged = await new SignJWT(issuer.claims()).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: published.kid! }).sign(new TextEncoder().encode(JSON.stringify(published)));
    expect((await refused(server({ algorithms: ['HS256', 'ES256'] }).verify(bearer(forged)))).status).toBe(401);
  });

  it('refuses a token carrying its own key (jwk, jku, x5u headers) or an injected kid', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = await exportJWK(publicKey);
    for (const header of [{ jwk }, { jku: 'https://evil.example/jwks' }, { x5u: 'https://evil.example/cert' }, { kid: '../../../../dev/null' }, { kid: "key-1' OR '1'='1" }, { kid: 'key-1' }, {}]) {
      const forged = await new SignJWT(issuer.claims()).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', ...header }).sign(privateKey);
      expect([header, (await refused(server().verify(bearer(forged)))).status]).toEqual([header, 401]);
    }
  });

  it('refuses any typ but at+jwt (an ID token, a plain JWT, none)', async () => {
    for (const typ of ['JWT', 'jwt', 'id_token', 'dpop+jwt', 'at+jwt ', null]) {
      const token = await issuer.sign(issuer.claims(), { typ });
      expect([typ, (await refused(server().verify(bearer(token)))).status]).toEqual([typ, 401]);
    }
  });

  it('takes aud as a list, needing this API in it exactly', async () => {
    await expect(server().verify(bearer(await issuer.sign(issuer.claims({ aud: ['https://other.example.com', AUDIENCE] }))))).resolves.toBeDefined();
    for (const aud of [['https://other.example.com'], [`${AUDIENCE}/`], [AUDIENCE.toUpperCase()], `${AUDIENCE} https://other.example.com`, [], 'https://orders.example.com.evil.example']) {
      const token = await issuer.sign(issuer.claims({ aud: aud as string[] }));
      expect([aud, (await refused(server().verify(bearer(token)))).status]).toEqual([aud, 401]);
    }
  });

  it('refuses malformed Gatehouse claims rather than guessing (cnf without jkt, scope not a string, two projects)', async () => {
    for (const claims of [{ cnf: {} }, { cnf: null }, { cnf: { jkt: '' } }, { cnf: [] }, { scope: ['orders:read'] }, { scope: 'project-a project-b' }, { org_id: 7 }, { project_id: 'a', scope: 'project-b' }]) {
      const token = await issuer.sign(issuer.claims(claims as Record<string, unknown>));
      expect([claims, (await refused(server().verify(bearer(token)))).status]).toEqual([claims, 401]);
    }
  });
});

describe('what held up: DPoP proofs used where they were not made for', () => {
  let client: DpopClient;
  let token: string;
  beforeAll(async () => {
    client = await dpopClient();
    token = await issuer.sign(issuer.claims({ cnf: { jkt: client.jkt } }));
  });
  const dpop = (proof: string, extra: Partial<AccessRequest> = {}): AccessRequest => ({ method: 'GET', url: URL_, authorization: `DPoP ${token}`, dpop: proof, ...extra });

  it('a proof for one URL is refused at another (path, host, scheme, port, trailing slash)', async () => {
    for (const url of [`${URL_}/1`, `${URL_}/`, 'https://orders.example.com/v1/Orders', 'https://api.example.com/v1/orders', 'http://orders.example.com/v1/orders', 'https://orders.example.com:8443/v1/orders', 'https://orders.example.com/v1/orders/..']) {
      const proof = await client.proof({ method: 'GET', url, accessToken: token });
      expect([url, (await refused(server().verify(dpop(proof)))).body.error]).toEqual([url, 'invalid_dpop_proof']);
    }
  });

  it('htu is compared in normal form: the default port, host case and the query and fragment do not matter', async () => {
    for (const url of ['https://ORDERS.example.com/v1/orders', 'https://orders.example.com:443/v1/orders', `${URL_}?x=1#f`]) {
      const proof = await client.proof({ method: 'GET', url, accessToken: token });
      await expect(server().verify(dpop(proof))).resolves.toBeDefined();
    }
  });

  it('a proof for one method, one token, or another key is refused', async () => {
    const other = await dpopClient();
    const cases = [
      ['method', await client.proof({ method: 'POST', url: URL_, accessToken: token })],
      ['lower-case method', await client.proof({ method: 'get', url: URL_, accessToken: token })],
      ['another token', await client.proof({ method: 'GET', url: URL_, accessToken: `${token}x` })],
      ['another key', await other.proof({ method: 'GET', url: URL_, accessToken: token })],
    ] as const;
    for (const [what, proof] of cases) expect([what, (await refused(server().verify(dpop(proof)))).body.error]).toEqual([what, 'invalid_dpop_proof']);
  });

  it('refuses a proof signed with a symmetric key, or whose jwk header is a private key', async () => {
    const secret = new TextEncoder().encode('0123456789abcdef0123456789abcdef');
    const hs = await new SignJWT({ htm: 'GET', htu: URL_, iat: nowSeconds, jti: crypto.randomUUID(), ath: createHash('sha256').update(token).digest('base64url') })
      .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct', k: Buffer.from(secret).toString('base64url') } as JWK })
      .sign(secret);
    expect((await refused(server().verify(dpop(hs)))).body.error).toBe('invalid_dpop_proof');
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    const bound = await issuer.sign(issuer.claims({ cnf: { jkt: (await dpopClient()).jkt } }));
    const leaky = await new SignJWT({ htm: 'GET', htu: URL_, iat: nowSeconds, jti: crypto.randomUUID(), ath: createHash('sha256').update(bound).digest('base64url') })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: privateJwk as JWK })
      .sign(privateKey);
    expect((await refused(server().verify({ method: 'GET', url: URL_, authorization: `DPoP ${bound}`, dpop: leaky }))).body.error).toBe('invalid_dpop_proof');
  });
});

describe('finding F4: a DPoP proof made for another API is refused, whatever Host the request carries', () => {
  // The adapters used to build the request URL from the Host header unless told `origin`: a proof
  // made for another API (https://billing.example.com/v1/orders), with a token whose aud names
  // both, passed when the replayer sent `Host: billing.example.com`. Now the URL's origin is
  // `origin`, else the audience's when it is an http(s) URL; with neither, bound tokens are refused.
  async function callWithHost(options: Partial<ResourceServerOptions>, hookOrigin: string | undefined, host: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
    const app = Fastify();
    app.get('/v1/orders', { preValidation: requireAccessToken(server(options), {}, { origin: hookOrigin }) }, () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const port = (app.server.address() as AddressInfo).port;
      return await new Promise((answered, failed) =>
        httpRequest({ host: '127.0.0.1', port, path: '/v1/orders', headers: { host, ...headers } }, (response) => {
          let body = '';
          response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          response.on('end', () => answered({ status: response.statusCode!, body }));
        })
          .on('error', failed)
          .end(),
      );
    } finally {
      await app.close();
    }
  }

  it('refuses a proof made for another host, whatever Host the request carries', async () => {
    const client = await dpopClient();
    const token = await issuer.sign(issuer.claims({ aud: ['https://billing.example.com', AUDIENCE], cnf: { jkt: client.jkt } }));
    // http: this test server speaks plain HTTP (behind TLS termination, request.protocol follows X-Forwarded-Proto with trustProxy).
    const proof = await client.proof({ method: 'GET', url: 'http://billing.example.com/v1/orders', accessToken: token });
    const answer = await callWithHost({}, undefined, 'billing.example.com', { authorization: `DPoP ${token}`, dpop: proof });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body).error).toBe('invalid_dpop_proof');
  });

  it("accepts a proof for the audience's origin without any origin option, whatever Host the proxy forwards", async () => {
    const client = await dpopClient();
    const token = await issuer.sign(issuer.claims({ cnf: { jkt: client.jkt } }));
    const proof = await client.proof({ method: 'GET', url: URL_, accessToken: token });
    expect((await callWithHost({}, undefined, '127.0.0.1', { authorization: `DPoP ${token}`, dpop: proof })).status).toBe(200);
  });

  it('refuses every bound token when the audience is not a URL and no origin is set, and says what to configure', async () => {
    const client = await dpopClient();
    const token = await issuer.sign(issuer.claims({ aud: 'urn:example:orders', cnf: { jkt: client.jkt } }));
    const proof = await client.proof({ method: 'GET', url: 'http://orders.internal/v1/orders', accessToken: token });
    const refusedAnswer = await callWithHost({ audience: 'urn:example:orders' }, undefined, 'orders.internal', { authorization: `DPoP ${token}`, dpop: proof });
    expect(refusedAnswer.status).toBe(401);
    expect(JSON.parse(refusedAnswer.body)).toMatchObject({ error: 'invalid_dpop_proof', error_description: expect.stringContaining('origin option') });
    // Told its origin, the same API accepts the same kind of request.
    const again = await client.proof({ method: 'GET', url: 'http://orders.internal/v1/orders', accessToken: token });
    expect((await callWithHost({ audience: 'urn:example:orders' }, 'http://orders.internal', 'anything.example', { authorization: `DPoP ${token}`, dpop: again })).status).toBe(200);
  });

  it('leaves bearer tokens alone when the audience is not a URL and no origin is set', async () => {
    const token = await issuer.sign(issuer.claims({ aud: 'urn:example:orders' }));
    expect((await callWithHost({ audience: 'urn:example:orders' }, undefined, 'orders.internal', { authorization: `Bearer ${token}` })).status).toBe(200);
  });
});
