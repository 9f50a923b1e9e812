import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWTHeaderParameters, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';
import { type TestApp, startApp } from './support/test-app.js';
import { createClient, type Credentials, decodeJwt, ROOT, tokenFor } from './support/oauth.js';
import { Browser, location, pkce } from './support/browser.js';
import { freePort } from './support/server-process.js';
import { proof, proofKey, type ProofKey } from './support/dpop-proofs.js';

const TOKEN_PATH = '/api/v1/oauth/token';
/** A guarded route of Gatehouse's own API that a client holding scope:read may call. */
const PROBE_PATH = '/api/v1/oauth/scope';
const REDIRECT = 'https://app.example.com/cb';

const ath = async (token: string) => Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token))).toString('base64url');

/**
 * RFC 9449 sender-constrained tokens, against the running server: oauth4webapi 3 and
 * openid-client 6 on the client side, and proofs built by hand for each way a proof can be wrong.
 */
describe('DPoP (RFC 9449)', () => {
  let gatehouse: TestApp;
  let issuer: string;
  let service: Credentials;
  let as: oauth.AuthorizationServer;
  const insecure = { [oauth.allowInsecureRequests]: true };

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    gatehouse = await startApp({ env: { PUBLIC_URL: issuer } });
    await gatehouse.app.listen({ port, host: '127.0.0.1' });
    service = await createClient(gatehouse, { scopes: ['scope:read'] });
    as = await oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), insecure));
  }, 120_000);
  afterAll(() => gatehouse.close());

  /** A client-credentials token request with a DPoP header, through supertest (whose Host header is not the public URL). */
  const tokenRequest = (credentials: Credentials, dpop: string | undefined, body: Record<string, string> = { grant_type: 'client_credentials' }) => {
    const call = gatehouse.http().post(TOKEN_PATH).type('form').send({ ...body, ...credentials });
    return dpop === undefined ? call : call.set('DPoP', dpop);
  };
  const probe = (authorization: string, dpop?: string) => {
    const call = gatehouse.http().get(PROBE_PATH).set('Authorization', authorization);
    return dpop === undefined ? call : call.set('DPoP', dpop);
  };
  async function boundToken(key: ProofKey, credentials = service): Promise<string> {
    const response = await tokenRequest(credentials, await proof(key, { htm: 'POST', htu: `${issuer}${TOKEN_PATH}` }));
    expect(response.status).toBe(200);
    return (response.body as { access_token: string }).access_token;
  }
  const probeProof = async (key: ProofKey, token: string, claims: Partial<Parameters<typeof proof>[1]> = {}) => proof(key, { htm: 'GET', htu: `${issuer}${PROBE_PATH}`, ath: await ath(token), ...claims });

  it('publishes the proof algorithms in both discovery documents, asymmetric ones only', async () => {
    for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration', '/auth/realms/default/.well-known/openid-configuration']) {
      const algorithms = (await gatehouse.http().get(path)).body.dpop_signing_alg_values_supported as string[];
      expect(algorithms).toEqual(expect.arrayContaining(['ES256', 'EdDSA', 'RS256', 'PS256']));
      expect(algorithms.some((alg) => alg.startsWith('HS') || alg === 'none')).toBe(false);
    }
  });

  describe('oauth4webapi', () => {
    it('gets a DPoP-bound client-credentials token, calls the API with it, and the token is refused as a bearer token', async () => {
      const client: oauth.Client = { client_id: service.client_id };
      const keyPair = await oauth.generateKeyPair('ES256');
      const DPoP = oauth.DPoP(client, keyPair);
      const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretPost(service.client_secret), new URLSearchParams({ scope: 'scope:read' }), { DPoP, ...insecure });
      const tokens = await oauth.processClientCredentialsResponse(as, client, response);
      expect(tokens.token_type).toBe('dpop');
      const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey));
      expect(decodeJwt(tokens.access_token).payload.cnf).toEqual({ jkt });

      const called = await oauth.protectedResourceRequest(tokens.access_token, 'GET', new URL(`${issuer}${PROBE_PATH}`), undefined, undefined, { DPoP, ...insecure });
      expect(called.status).toBe(200);

      const asBearer = await probe(`Bearer ${tokens.access_token}`);
      expect(asBearer.status).toBe(401);
      expect(asBearer.body).toMatchObject({ error: 'invalid_token' });
      expect(asBearer.headers['www-authenticate']).toMatch(/^DPoP algs="[^"]*ES256[^"]*", error="invalid_token"/);
      // Without a proof, under the DPoP scheme.
      const withoutProof = await probe(`DPoP ${tokens.access_token}`);
      expect(withoutProof.status).toBe(401);
      expect(withoutProof.body).toMatchObject({ error: 'invalid_dpop_proof' });
      expect(withoutProof.headers['www-authenticate']).toMatch(/^DPoP .*error="invalid_dpop_proof"/);
    });

    it('runs the authorization code flow of a public client with DPoP, whose refresh token only the same key can use', async () => {
      const app = await createClient(gatehouse, { public: true, redirect_uris: [REDIRECT], scopes: ['scope:read'] });
      const client: oauth.Client = { client_id: app.client_id };
      const keyPair = await oauth.generateKeyPair('ES256');
      const DPoP = oauth.DPoP(client, keyPair);
      const { verifier, challenge } = pkce();
      const back = await new Browser(gatehouse).authorizeAndDecide({ response_type: 'code', client_id: app.client_id, redirect_uri: REDIRECT, scope: 'scope:read', code_challenge: challenge, code_challenge_method: 'S256' });
      const callback = oauth.validateAuthResponse(as, client, new URL(`${REDIRECT}${location(back).search}`), oauth.skipStateCheck);
      const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), callback, REDIRECT, verifier, { DPoP, ...insecure }));
      expect(tokens.token_type).toBe('dpop');
      const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey));
      expect(decodeJwt(tokens.access_token).payload.cnf).toEqual({ jkt });
      const refreshToken = tokens.refresh_token!;

      // Neither without a proof nor with another key's: and neither attempt spends the refresh token.
      const bare = await gatehouse.http().post(TOKEN_PATH).type('form').send({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: app.client_id });
      expect(bare.status).toBe(400);
      expect(bare.body).toMatchObject({ error: 'invalid_dpop_proof' });
      const thief = await proofKey();
      const stolen = await gatehouse.http().post(TOKEN_PATH).type('form').set('DPoP', await proof(thief, { htm: 'POST', htu: `${issuer}${TOKEN_PATH}` })).send({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: app.client_id });
      expect(stolen.status).toBe(400);
      expect(stolen.body).toMatchObject({ error: 'invalid_grant' });

      const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshToken, { DPoP, ...insecure }));
      expect(refreshed.token_type).toBe('dpop');
      expect(decodeJwt(refreshed.access_token).payload.cnf).toEqual({ jkt });
      const called = await oauth.protectedResourceRequest(refreshed.access_token, 'GET', new URL(`${issuer}${PROBE_PATH}`), undefined, undefined, { DPoP, ...insecure });
      expect(called.status).toBe(200);
    });

    it('binds an authorization code to the key named by dpop_jkt (RFC 9449 §10)', async () => {
      const app = await createClient(gatehouse, { public: true, redirect_uris: [REDIRECT], scopes: ['scope:read'] });
      const key = await proofKey();
      const other = await proofKey();
      const { verifier, challenge } = pkce();
      const back = await new Browser(gatehouse).authorizeAndDecide({ response_type: 'code', client_id: app.client_id, redirect_uri: REDIRECT, scope: 'scope:read', code_challenge: challenge, code_challenge_method: 'S256', dpop_jkt: key.jkt });
      const code = location(back).searchParams.get('code')!;
      const redeem = async (dpop: string | undefined) => tokenRequest({ client_id: app.client_id } as Credentials, dpop, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT });
      const htu = `${issuer}${TOKEN_PATH}`;
      expect((await redeem(undefined)).body).toMatchObject({ error: 'invalid_dpop_proof' });
      expect((await redeem(await proof(other, { htm: 'POST', htu }))).body).toMatchObject({ error: 'invalid_grant' });
      const redeemed = await redeem(await proof(key, { htm: 'POST', htu }));
      expect(redeemed.status).toBe(200);
      expect(redeemed.body).toMatchObject({ token_type: 'DPoP' });
      expect(decodeJwt((redeemed.body as { access_token: string }).access_token).payload.cnf).toEqual({ jkt: key.jkt });

      const malformed = await new Browser(gatehouse).authorizeAndDecide({ response_type: 'code', client_id: app.client_id, redirect_uri: REDIRECT, scope: 'scope:read', code_challenge: challenge, code_challenge_method: 'S256', dpop_jkt: 'not a thumbprint' });
      expect(location(malformed).searchParams.get('error')).toBe('invalid_request');
    });
  });

  it('openid-client 6: getDPoPHandle for the client-credentials grant and the API call', async () => {
    const config = await oidc.discovery(new URL(issuer), service.client_id, service.client_secret, undefined, { execute: [oidc.allowInsecureRequests] });
    const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'scope:read' }, { DPoP });
    expect(tokens.token_type).toBe('dpop');
    expect(decodeJwt(tokens.access_token).payload.cnf).toEqual({ jkt: expect.any(String) });
    const called = await oidc.fetchProtectedResource(config, tokens.access_token, new URL(`${issuer}${PROBE_PATH}`), 'GET', undefined, undefined, { DPoP });
    expect(called.status).toBe(200);
  });

  it('keeps plain bearer tokens working as before', async () => {
    const token = await tokenFor(gatehouse, service);
    expect(decodeJwt(token).payload.cnf).toBeUndefined();
    expect((await probe(`Bearer ${token}`)).status).toBe(200);
    // A bearer token cannot be passed off as a DPoP one.
    const key = await proofKey();
    const asDpop = await probe(`DPoP ${token}`, await probeProof(key, token));
    expect(asDpop.status).toBe(401);
    expect(asDpop.body).toMatchObject({ error: 'invalid_token' });
  });

  it('answers introspection with cnf and token_type DPoP for a bound token', async () => {
    const key = await proofKey();
    const token = await boundToken(key);
    const introspected = await gatehouse.http().post('/api/v1/oauth/introspect').type('form').send({ token, ...ROOT });
    expect(introspected.status).toBe(200);
    expect(introspected.body).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: key.jkt } });
    const plain = await gatehouse.http().post('/api/v1/oauth/introspect').type('form').send({ token: await tokenFor(gatehouse, service), ...ROOT });
    expect(plain.body).toMatchObject({ active: true, token_type: 'Bearer' });
    expect(plain.body.cnf).toBeUndefined();
  });

  describe('refuses a proof', () => {
    const htu = () => `${issuer}${TOKEN_PATH}`;
    const refused = async (dpop: string | Promise<string>, description: RegExp) => {
      const response = await tokenRequest(service, await dpop);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'invalid_dpop_proof', error_description: expect.stringMatching(description) });
    };

    it('used once already (jti)', async () => {
      const key = await proofKey();
      const dpop = await proof(key, { htm: 'POST', htu: htu() });
      expect((await tokenRequest(service, dpop)).status).toBe(200);
      await refused(dpop, /used already/);
    });

    it('for another URL or method, or a URL rebuilt from the Host header', async () => {
      const key = await proofKey();
      await refused(proof(key, { htm: 'POST', htu: `${issuer}/api/v1/oauth/introspect` }), /another URL/);
      await refused(proof(key, { htm: 'POST', htu: `http://evil.example${TOKEN_PATH}` }), /another URL/);
      await refused(proof(key, { htm: 'GET', htu: htu() }), /another HTTP method/);
      // The Host header names the URL the request was sent to, as the server sees it: the public URL decides instead.
      const viaHost = await tokenRequest(service, await proof(key, { htm: 'POST', htu: `http://gatehouse.internal${TOKEN_PATH}` })).set('Host', 'gatehouse.internal');
      expect(viaHost.status).toBe(400);
      expect(viaHost.body).toMatchObject({ error: 'invalid_dpop_proof', error_description: expect.stringMatching(/another URL/) });
    });

    it('taking the URL in normal form, without its query', async () => {
      const key = await proofKey();
      const variant = `${issuer.replace('http://', 'HTTP://')}:80${TOKEN_PATH}?x=1#f`.replace(/:(\d+):80/, ':$1');
      expect((await tokenRequest(service, await proof(key, { htm: 'POST', htu: variant }))).status).toBe(200);
    });

    it('too old or from the future (iat)', async () => {
      const key = await proofKey();
      const now = Math.floor(Date.now() / 1000);
      await refused(proof(key, { htm: 'POST', htu: htu(), iat: now - 120 }), /iat/);
      await refused(proof(key, { htm: 'POST', htu: htu(), iat: now + 120 }), /iat/);
    });

    it('signed with a symmetric algorithm, carrying a private key, or not a DPoP proof', async () => {
      const secret = new TextEncoder().encode('0123456789abcdef0123456789abcdef');
      const symmetric = await new SignJWT({ jti: randomUUID(), iat: Math.floor(Date.now() / 1000), htm: 'POST', htu: htu() })
        .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct', k: Buffer.from(secret).toString('base64url') } } as unknown as JWTHeaderParameters)
        .sign(secret);
      await refused(symmetric, /must be signed with one of/);
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      const privateJwk = await exportJWK(privateKey);
      const leaking = await new SignJWT({ jti: randomUUID(), iat: Math.floor(Date.now() / 1000), htm: 'POST', htu: htu() }).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: privateJwk }).sign(privateKey);
      await refused(leaking, /public jwk/);
      const key = await proofKey();
      const wrongType = await new SignJWT({ jti: randomUUID(), iat: Math.floor(Date.now() / 1000), htm: 'POST', htu: htu() }).setProtectedHeader({ alg: 'ES256', typ: 'JWT', jwk: key.jwk }).sign(key.privateKey);
      await refused(wrongType, /typ/);
      // The public half of this key was just imported (and is kept for its next proofs): its private JWK is refused all the same.
      const leakingKnown = await new SignJWT({ jti: randomUUID(), iat: Math.floor(Date.now() / 1000), htm: 'POST', htu: htu() }).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(key.privateKey) }).sign(key.privateKey);
      await refused(leakingKnown, /public jwk/);
      await refused('not.a.proof', /well-formed/);
    });

    it('on the API: without ath or with another token\'s, signed by another key than cnf.jkt, or replayed', async () => {
      const key = await proofKey();
      const token = await boundToken(key);
      const refusedHere = async (dpop: string, description: RegExp) => {
        const response = await probe(`DPoP ${token}`, dpop);
        expect(response.status).toBe(401);
        expect(response.body).toMatchObject({ error: 'invalid_dpop_proof', error_description: expect.stringMatching(description) });
        expect(response.headers['www-authenticate']).toMatch(/^DPoP algs="[^"]+", error="invalid_dpop_proof"/);
      };
      await refusedHere(await proof(key, { htm: 'GET', htu: `${issuer}${PROBE_PATH}` }), /ath/);
      await refusedHere(await probeProof(key, token, { ath: await ath('another token') }), /ath/);
      await refusedHere(await probeProof(await proofKey(), token), /another key/);
      await refusedHere(await probeProof(key, token, { htm: 'POST' }), /HTTP method/);
      await refusedHere(await probeProof(key, token, { htu: `${issuer}/api/v1/oauth/client` }), /another URL/);
      const good = await probeProof(key, token);
      expect((await probe(`DPoP ${token}`, good)).status).toBe(200);
      await refusedHere(good, /used already/);
    });
  });

  describe('a client with dpop_bound_access_tokens', () => {
    it('is set and read through the clients API, and gets tokens only with a proof', async () => {
      const root = await tokenFor(gatehouse, ROOT);
      const created = await gatehouse.http().post('/api/v1/oauth/client').set('Authorization', `Bearer ${root}`).send({ scopes: ['scope:read'], dpop_bound_access_tokens: true });
      expect(created.status).toBe(201);
      const credentials = created.body as Credentials;
      expect((await gatehouse.http().get(`/api/v1/oauth/client/${credentials.client_id}`).set('Authorization', `Bearer ${root}`)).body).toMatchObject({ dpop_bound_access_tokens: true });
      const refused = await tokenRequest(credentials, undefined);
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: 'invalid_dpop_proof' });
      expect((await tokenRequest(credentials, await proof(await proofKey(), { htm: 'POST', htu: `${issuer}${TOKEN_PATH}` }))).body).toMatchObject({ token_type: 'DPoP' });

      const updated = await gatehouse.http().put(`/api/v1/oauth/client/${credentials.client_id}`).set('Authorization', `Bearer ${root}`).send({ dpop_bound_access_tokens: false });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ dpop_bound_access_tokens: false });
      expect((await tokenRequest(credentials, undefined)).body).toMatchObject({ token_type: 'Bearer' });
      expect((await gatehouse.http().post('/api/v1/oauth/client').set('Authorization', `Bearer ${root}`).send({ scopes: ['scope:read'], dpop_bound_access_tokens: 'yes' })).status).toBe(400);
    });

    it('is registered by dynamic client registration (RFC 7591 metadata)', async () => {
      const root = await tokenFor(gatehouse, ROOT);
      const registered = await gatehouse.http().post('/v1/oauth2/register').set('Authorization', `Bearer ${root}`).send({ grant_types: ['client_credentials'], scope: 'scope:read', dpop_bound_access_tokens: true });
      expect(registered.status).toBe(201);
      expect(registered.body).toMatchObject({ dpop_bound_access_tokens: true });
      const credentials = { client_id: registered.body.client_id as string, client_secret: registered.body.client_secret as string };
      expect((await tokenRequest(credentials, undefined)).body).toMatchObject({ error: 'invalid_dpop_proof' });
      const plain = await gatehouse.http().post('/v1/oauth2/register').set('Authorization', `Bearer ${root}`).send({ grant_types: ['client_credentials'], scope: 'scope:read' });
      expect(plain.body).toMatchObject({ dpop_bound_access_tokens: false });
      const invalid = await gatehouse.http().post('/v1/oauth2/register').set('Authorization', `Bearer ${root}`).send({ grant_types: ['client_credentials'], scope: 'scope:read', dpop_bound_access_tokens: 'yes' });
      expect(invalid.status).toBe(400);
      expect(invalid.body).toMatchObject({ error: 'invalid_client_metadata' });
    });
  });
});

/**
 * Two instances on one database, both requiring server nonces: a nonce from either is good at the
 * other, a proof used at one is refused at the other, and the client libraries retry on
 * `use_dpop_nonce` with the nonce the error carried.
 */
describe('DPoP nonces and replay across instances', () => {
  let first: TestApp;
  let second: TestApp;
  let issuer: string;
  let service: Credentials;
  const insecure = { [oauth.allowInsecureRequests]: true };

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    const env = { PUBLIC_URL: issuer, DPOP_NONCE: 'required' };
    first = await startApp({ env });
    second = await startApp({ env, databaseUrl: first.databaseUrl });
    await first.app.listen({ port, host: '127.0.0.1' });
    service = await createClient(first, { scopes: ['scope:read'] });
  }, 180_000);
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  const tokenRequest = (app: TestApp, dpop: string) => app.http().post(TOKEN_PATH).type('form').set('DPoP', dpop).send({ grant_type: 'client_credentials', ...service });

  it('asks for a nonce, and takes one issued by either instance at the other', async () => {
    const key = await proofKey();
    const htu = `${issuer}${TOKEN_PATH}`;
    const first400 = await tokenRequest(first, await proof(key, { htm: 'POST', htu }));
    expect(first400.status).toBe(400);
    expect(first400.body).toMatchObject({ error: 'use_dpop_nonce' });
    const nonce = first400.headers['dpop-nonce']!;
    expect(nonce).toMatch(/^[\x21\x23-\x5B\x5D-\x7E]+$/);
    const accepted = await tokenRequest(second, await proof(key, { htm: 'POST', htu, nonce }));
    expect(accepted.status).toBe(200);
    expect(accepted.headers['dpop-nonce']).toBeDefined();
    // A nonce that is not the server's is refused with a fresh one.
    const forged = await tokenRequest(first, await proof(key, { htm: 'POST', htu, nonce: 'made-up' }));
    expect(forged.body).toMatchObject({ error: 'use_dpop_nonce' });
    expect(forged.headers['dpop-nonce']).toBe(nonce);
  });

  it('refuses at one instance a proof already used at the other', async () => {
    const key = await proofKey();
    const nonce = (await tokenRequest(first, await proof(key, { htm: 'POST', htu: `${issuer}${TOKEN_PATH}` }))).headers['dpop-nonce']!;
    const dpop = await proof(key, { htm: 'POST', htu: `${issuer}${TOKEN_PATH}`, nonce });
    expect((await tokenRequest(first, dpop)).status).toBe(200);
    const replayed = await tokenRequest(second, dpop);
    expect(replayed.status).toBe(400);
    expect(replayed.body).toMatchObject({ error: 'invalid_dpop_proof', error_description: expect.stringMatching(/used already/) });
  });

  it('oauth4webapi retries with the nonce of use_dpop_nonce, at the token endpoint and on the API', async () => {
    const as = await oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), insecure));
    const client: oauth.Client = { client_id: service.client_id };
    // A fresh handle knows no nonce: its first attempt is refused, and it keeps the nonce the refusal carried.
    const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const grant = () => oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretPost(service.client_secret), new URLSearchParams(), { DPoP, ...insecure });
    let tokens: oauth.TokenEndpointResponse;
    try {
      tokens = await oauth.processClientCredentialsResponse(as, client, await grant());
      throw new Error('the first attempt should have been refused for want of a nonce');
    } catch (error) {
      expect(oauth.isDPoPNonceError(error)).toBe(true);
      tokens = await oauth.processClientCredentialsResponse(as, client, await grant());
    }
    expect(tokens.token_type).toBe('dpop');
    const called = await oauth.protectedResourceRequest(tokens.access_token, 'GET', new URL(`${issuer}${PROBE_PATH}`), undefined, undefined, { DPoP, ...insecure });
    expect(called.status).toBe(200);

  });

  it('asks for the nonce on the API too: 401 use_dpop_nonce with a DPoP challenge', async () => {
    const key = await proofKey();
    const htu = `${issuer}${TOKEN_PATH}`;
    const nonce = (await tokenRequest(first, await proof(key, { htm: 'POST', htu }))).headers['dpop-nonce']!;
    const token = (await tokenRequest(first, await proof(key, { htm: 'POST', htu, nonce }))).body.access_token as string;
    const call = async (claims: { nonce?: string }) =>
      second.http().get(PROBE_PATH).set('Authorization', `DPoP ${token}`).set('DPoP', await proof(key, { htm: 'GET', htu: `${issuer}${PROBE_PATH}`, ath: await ath(token), ...claims }));
    const refused = await call({});
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: 'use_dpop_nonce' });
    expect(refused.headers['www-authenticate']).toMatch(/^DPoP .*error="use_dpop_nonce"/);
    expect((await call({ nonce: refused.headers['dpop-nonce']! })).status).toBe(200);
  });

  it('openid-client 6 retries by itself', async () => {
    const config = await oidc.discovery(new URL(issuer), service.client_id, service.client_secret, undefined, { execute: [oidc.allowInsecureRequests] });
    const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair('ES256'));
    const tokens = await oidc.clientCredentialsGrant(config, {}, { DPoP });
    expect(tokens.token_type).toBe('dpop');
    const called = await oidc.fetchProtectedResource(config, tokens.access_token, new URL(`${issuer}${PROBE_PATH}`), 'GET', undefined, undefined, { DPoP });
    expect(called.status).toBe(200);
  });
});
