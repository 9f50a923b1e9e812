import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import * as oauth from 'oauth4webapi';
import { Clock } from '../src/common/clock.js';
import { type TestApp, startApp } from './support/test-app.js';
import { basic, type Credentials, ROOT, tokenFor } from './support/oauth.js';
import { manualClock } from './support/clock.js';
import { freePort, runServer } from './support/server-process.js';
import { createOrganization } from './support/tenants.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ENCRYPTION_KEY = randomBytes(32).toString('base64');
const REALM = 'assertions';

interface KeyPair {
  readonly privateKey: CryptoKey;
  readonly jwk: JWK;
}

async function keyPair(alg: string, kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A JWKS served on 127.0.0.1, as a client would serve its keys: what it serves can change, and it counts connections and requests. */
class JwksServer {
  keys: JWK[] = [];
  requests = 0;
  connections = 0;
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((_request, response) => {
      this.requests += 1;
      response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: this.keys }));
    });
    this.server.on('connection', () => (this.connections += 1));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}/jwks.json`;
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * private_key_jwt and client_secret_jwt (RFC 7523 §2.2, OpenID Connect Core §9) at the token,
 * introspection and revocation endpoints, through openid-client 6 and oauth4webapi 3 (code we did
 * not write signs the assertions), then every way an assertion is refused, each as
 * `invalid_client` without saying why.
 */
describe('client authentication with JWT assertions', () => {
  let app: TestApp;
  let issuer: string;
  let root: string;
  const jwks = new JwksServer();
  const env = { JWKS_URI_ALLOW_PRIVATE_ADDRESSES: 'true', CLIENT_SECRET_ENCRYPTION_KEY: ENCRYPTION_KEY, BRUTE_FORCE_MAX_FAILURES: '1000', BRUTE_FORCE_MAX_FAILURES_OVERALL: '1000' };

  beforeAll(async () => {
    await jwks.start();
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    app = await startApp({ env: { ...env, PUBLIC_URL: issuer } });
    await app.app.listen({ port, host: '127.0.0.1' });
    root = await tokenFor(app, ROOT);
    await createOrganization(app, { name: REALM, oauth_enabled: true });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await jwks.close();
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  const createClient = async (body: Record<string, unknown>) => app.http().post('/api/v1/oauth/client').set('Authorization', `Bearer ${root}`).send({ scopes: ['token:introspect', 'scope:read'], grant_types: ['client_credentials'], ...body });
  async function created(body: Record<string, unknown>): Promise<{ client_id: string; client_secret?: string }> {
    const response = await createClient(body);
    expect(response.status).toBe(201);
    return response.body as { client_id: string; client_secret?: string };
  }

  /** An assertion as a client signs one; `claims` override or (undefined) drop the defaults. */
  async function assertion(clientId: string, key: CryptoKey | Uint8Array, options: { alg?: string; kid?: string; claims?: Record<string, unknown> } = {}): Promise<string> {
    const now = Math.floor(app.app.get(Clock).now() / 1000);
    const claims: Record<string, unknown> = { iss: clientId, sub: clientId, aud: issuer, jti: randomUUID(), iat: now, exp: now + 60, ...options.claims };
    for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
    return new SignJWT(claims).setProtectedHeader({ alg: options.alg ?? 'ES256', ...(options.kid !== undefined && { kid: options.kid }) }).sign(key);
  }

  const tokenRequest = (fields: Record<string, string>, path = '/api/v1/oauth/token') => app.http().post(path).type('form').send({ grant_type: 'client_credentials', ...fields });
  const withAssertion = (value: string, extra: Record<string, string> = {}) => tokenRequest({ client_assertion_type: ASSERTION_TYPE, client_assertion: value, ...extra });
  const refused = { error: 'invalid_client', error_description: 'Client authentication failed' };

  it('client_secret_jwt needs CLIENT_SECRET_ENCRYPTION_KEY: without it, creating such a client is refused', async () => {
    // Runs first: while no client_secret_jwt client exists, a server without the key starts.
    const keyless = await startApp({ env: { CLIENT_SECRET_ENCRYPTION_KEY: undefined }, databaseUrl: app.databaseUrl });
    try {
      const keylessRoot = await tokenFor(keyless, ROOT);
      const response = await keyless.http().post('/api/v1/oauth/client').set('Authorization', `Bearer ${keylessRoot}`).send({ scopes: [], grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_jwt' });
      expect(response.status).toBe(400);
      expect(JSON.stringify(response.body)).toContain('CLIENT_SECRET_ENCRYPTION_KEY');
    } finally {
      await keyless.close();
    }
  }, 120_000);

  describe('through the client libraries', () => {
    it('openid-client 6: private_key_jwt (inline jwks) gets a token, introspects it and revokes it', async () => {
      const key = await keyPair('ES256', 'oc-1');
      const client = await created({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.jwk] } });
      expect(client.client_secret).toBeUndefined();
      const config = await oidc.discovery(new URL(issuer), client.client_id, undefined, oidc.PrivateKeyJwt({ key: key.privateKey, kid: 'oc-1' }), { execute: [oidc.allowInsecureRequests] });
      const tokens = await oidc.clientCredentialsGrant(config, { scope: 'scope:read' });
      expect(tokens.scope).toBe('scope:read');
      expect(await oidc.tokenIntrospection(config, tokens.access_token)).toMatchObject({ active: true, client_id: client.client_id });
      await oidc.tokenRevocation(config, tokens.access_token);
      expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    });

    it("openid-client 6: client_secret_jwt gets a token, introspects and revokes it, on a realm's issuer", async () => {
      const realmRoot = await tokenFor(app, ROOT);
      const response = await app.http().post('/api/v1/oauth/client').set('Authorization', `Bearer ${realmRoot}`).send({ organization: REALM, scopes: ['token:introspect'], grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_jwt' });
      expect(response.status).toBe(201);
      const client = response.body as Credentials;
      const realmIssuer = new URL(`${issuer}/auth/realms/${REALM}`);
      const config = await oidc.discovery(realmIssuer, client.client_id, undefined, oidc.ClientSecretJwt(client.client_secret), { execute: [oidc.allowInsecureRequests] });
      const tokens = await oidc.clientCredentialsGrant(config, { scope: 'token:introspect' });
      expect(await oidc.tokenIntrospection(config, tokens.access_token)).toMatchObject({ active: true, client_id: client.client_id });
      await oidc.tokenRevocation(config, tokens.access_token);
      expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
      // Another realm's path does not take it, and does not use up the assertion's jti there.
      const secretKey = new TextEncoder().encode(client.client_secret);
      const jti = randomUUID();
      const elsewhere = await app.http().post('/auth/realms/default/protocol/openid-connect/token').type('form').send({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion(client.client_id, secretKey, { alg: 'HS256', claims: { jti, aud: `${issuer}/auth/realms/default` } }) });
      expect(elsewhere.body).toEqual(refused);
      const home = await app.http().post(`/auth/realms/${REALM}/protocol/openid-connect/token`).type('form').send({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion(client.client_id, secretKey, { alg: 'HS256', claims: { jti, aud: realmIssuer.href } }) });
      expect(home.status).toBe(200);
      // The secret itself is no password for this client: only assertions signed with it are.
      expect((await tokenRequest({ ...client }, `/auth/realms/${REALM}/protocol/openid-connect/token`)).status).toBe(401);
    });

    it('oauth4webapi 3: private_key_jwt with a jwks_uri (RS256) at the token, introspection and revocation endpoints', async () => {
      const key = await keyPair('RS256', 'o4w-1');
      jwks.keys = [key.jwk];
      const client = await created({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: jwks.url, token_endpoint_auth_signing_alg: 'RS256' });
      const options = { [oauth.allowInsecureRequests]: true };
      const as = await oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), options));
      const auth = oauth.PrivateKeyJwt({ key: key.privateKey, kid: 'o4w-1' });
      const oauthClient = { client_id: client.client_id };
      const tokens = await oauth.processClientCredentialsResponse(as, oauthClient, await oauth.clientCredentialsGrantRequest(as, oauthClient, auth, new URLSearchParams({ scope: 'scope:read' }), options));
      const introspected = await oauth.processIntrospectionResponse(as, oauthClient, await oauth.introspectionRequest(as, oauthClient, auth, tokens.access_token, options));
      expect(introspected).toMatchObject({ active: true, client_id: client.client_id });
      await oauth.processRevocationResponse(await oauth.revocationRequest(as, oauthClient, auth, tokens.access_token, options));
      expect((await oauth.processIntrospectionResponse(as, oauthClient, await oauth.introspectionRequest(as, oauthClient, auth, tokens.access_token, options))).active).toBe(false);
    });

    it('oauth4webapi 3: client_secret_jwt at the token, introspection and revocation endpoints', async () => {
      const client = (await created({ token_endpoint_auth_method: 'client_secret_jwt' })) as Credentials;
      const options = { [oauth.allowInsecureRequests]: true };
      const as = await oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), options));
      const oauthClient = { client_id: client.client_id };
      const auth = oauth.ClientSecretJwt(client.client_secret);
      const tokens = await oauth.processClientCredentialsResponse(as, oauthClient, await oauth.clientCredentialsGrantRequest(as, oauthClient, auth, new URLSearchParams(), options));
      expect((await oauth.processIntrospectionResponse(as, oauthClient, await oauth.introspectionRequest(as, oauthClient, auth, tokens.access_token, options))).active).toBe(true);
      await oauth.processRevocationResponse(await oauth.revocationRequest(as, oauthClient, auth, tokens.access_token, options));
      expect((await oauth.processIntrospectionResponse(as, oauthClient, await oauth.introspectionRequest(as, oauthClient, auth, tokens.access_token, options))).active).toBe(false);
    });
  });

  it('token_endpoint_auth_signing_alg narrows a client to one algorithm', async () => {
    const client = (await created({ token_endpoint_auth_method: 'client_secret_jwt', token_endpoint_auth_signing_alg: 'HS512' })) as Credentials;
    const secret = new TextEncoder().encode(client.client_secret);
    expect((await withAssertion(await assertion(client.client_id, secret, { alg: 'HS256' }))).body).toEqual(refused);
    expect((await withAssertion(await assertion(client.client_id, secret, { alg: 'HS512' }))).status).toBe(200);
  });

  describe('the server-side rules', () => {
    let key: KeyPair;
    let client: { client_id: string };

    beforeAll(async () => {
      key = await keyPair('ES256', 'rules-1');
      client = await created({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.jwk] } });
    });

    it('accepts aud as the issuer, the token endpoint, or an array naming one of them', async () => {
      for (const aud of [issuer, `${issuer}/api/v1/oauth/token`, ['https://elsewhere.example', issuer]]) {
        expect((await withAssertion(await assertion(client.client_id, key.privateKey, { claims: { aud } }))).status).toBe(200);
      }
    });

    it('refuses a replayed assertion, even when the first use failed nowhere else', async () => {
      const once = await assertion(client.client_id, key.privateKey);
      expect((await withAssertion(once)).status).toBe(200);
      const again = await withAssertion(once);
      expect(again.status).toBe(401);
      expect(again.body).toEqual(refused);
    });

    it.each([
      ['a wrong aud', { aud: 'https://other.example.com' }],
      ['no aud', { aud: undefined }],
      ['an expired exp', { exp: Math.floor(Date.now() / 1000) - 120 }],
      ['no exp', { exp: undefined }],
      ['an exp too far off', { exp: Math.floor(Date.now() / 1000) + 3600 }],
      ['no jti', { jti: undefined }],
      ['an iat in the future', { iat: Math.floor(Date.now() / 1000) + 600 }],
      ['an nbf in the future', { nbf: Math.floor(Date.now() / 1000) + 600 }],
      ['iss differing from sub', { iss: 'someone-else' }],
    ])('refuses %s as invalid_client', async (_what, claims) => {
      const response = await withAssertion(await assertion(client.client_id, key.privateKey, { claims }));
      expect(response.status).toBe(401);
      expect(response.body).toEqual(refused);
    });

    it("a refused assertion does not use up its jti: the client's own, sent next, works", async () => {
      const jti = randomUUID();
      expect((await withAssertion(await assertion(client.client_id, key.privateKey, { claims: { jti, aud: 'https://other.example.com' } }))).status).toBe(401);
      expect((await withAssertion(await assertion(client.client_id, key.privateKey, { claims: { jti } }))).status).toBe(200);
    });

    it('refuses alg none, an HMAC assertion for a private_key_jwt client, and a key that is not the registered one', async () => {
      const now = Math.floor(Date.now() / 1000);
      const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const none = `${encode({ alg: 'none' })}.${encode({ iss: client.client_id, sub: client.client_id, aud: issuer, jti: randomUUID(), exp: now + 60 })}.`;
      // HMAC keyed with the public key's own bytes: the classic algorithm confusion.
      const hmac = await assertion(client.client_id, new TextEncoder().encode(JSON.stringify(key.jwk)), { alg: 'HS256', kid: 'rules-1' });
      const stranger = await keyPair('ES256', 'rules-1');
      const wrongKey = await assertion(client.client_id, stranger.privateKey, { kid: 'rules-1' });
      for (const value of [none, hmac, wrongKey, 'not.a.jwt', 'x']) {
        const response = await withAssertion(value);
        expect({ status: response.status, body: response.body }).toEqual({ status: 401, body: refused });
      }
    });

    it('takes exactly one method: an assertion with a secret or with HTTP Basic is invalid_request; a client_id must be the assertion’s sub', async () => {
      const other = (await created({})) as Credentials;
      const withSecret = await withAssertion(await assertion(client.client_id, key.privateKey), { client_secret: other.client_secret });
      expect(withSecret.status).toBe(400);
      expect(withSecret.body.error).toBe('invalid_request');
      const withBasic = await app.http().post('/api/v1/oauth/token').set('Authorization', basic(other)).type('form').send({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion(client.client_id, key.privateKey) });
      expect(withBasic.status).toBe(400);
      expect(withBasic.body.error).toBe('invalid_request');
      const mismatched = await withAssertion(await assertion(client.client_id, key.privateKey), { client_id: other.client_id });
      expect(mismatched.body).toEqual(refused);
      expect((await withAssertion(await assertion(client.client_id, key.privateKey), { client_id: client.client_id })).status).toBe(200);
      const wrongType = await tokenRequest({ client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer', client_assertion: await assertion(client.client_id, key.privateKey) });
      expect(wrongType.body.error).toBe('invalid_client');
    });

    it('a secret-based client cannot use an assertion, nor a private_key_jwt client a secret', async () => {
      const secretClient = (await created({})) as Credentials;
      const hmac = await assertion(secretClient.client_id, new TextEncoder().encode(secretClient.client_secret), { alg: 'HS256' });
      expect((await withAssertion(hmac)).body).toEqual(refused);
      expect((await tokenRequest({ client_id: client.client_id, client_secret: '' })).status).toBe(401);
    });

    it('failed assertions count towards the client lockout', async () => {
      const fresh = await created({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.jwk] } });
      await withAssertion(await assertion(fresh.client_id, key.privateKey, { claims: { aud: 'https://other.example.com' } }));
      const status = await app.http().get(`/api/v1/oauth/client/${fresh.client_id}/lockout`).set('Authorization', `Bearer ${root}`);
      expect(status.body.failures).toBe(1);
    });

    it('the assertion never reaches the log; the reason does', async () => {
      const { Logger } = await import('@nestjs/common');
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      const value = await assertion(client.client_id, key.privateKey, { claims: { aud: 'https://other.example.com' } });
      await withAssertion(value);
      const logged = warn.mock.calls.map((call) => String(call[0])).join('\n');
      expect(logged).toContain('Client assertion refused');
      expect(logged).toContain(client.client_id);
      expect(logged).not.toContain(value.split('.')[2]);
    });
  });

  describe('jwks_uri', () => {
    it('is fetched once and cached; an unknown kid refetches it, at most every 30 s', async () => {
      const first = await keyPair('ES256', 'rot-1');
      jwks.keys = [first.jwk];
      const client = await created({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: jwks.url });
      const before = jwks.requests;
      for (let i = 0; i < 3; i++) expect((await withAssertion(await assertion(client.client_id, first.privateKey, { kid: 'rot-1' }))).status).toBe(200);
      expect(jwks.requests - before).toBe(1);

      const second = await keyPair('ES256', 'rot-2');
      jwks.keys = [first.jwk, second.jwk];
      const clock = manualClock(app);
      // Just fetched: a kid it lacks is refused without another fetch (no one can make it fetch at will).
      expect((await withAssertion(await assertion(client.client_id, second.privateKey, { kid: 'rot-2' }))).body).toEqual(refused);
      expect(jwks.requests - before).toBe(1);
      clock.advance(31_000);
      expect((await withAssertion(await assertion(client.client_id, second.privateKey, { kid: 'rot-2' }))).status).toBe(200);
      expect(jwks.requests - before).toBe(2);
      // Both keys work now without a fetch.
      expect((await withAssertion(await assertion(client.client_id, first.privateKey, { kid: 'rot-1' }))).status).toBe(200);
      expect(jwks.requests - before).toBe(2);
    });

    it('must be https unless private addresses are allowed; a jwks with a private key, or keys without the method, are refused', async () => {
      const key = await keyPair('ES256', 'v-1');
      const privateJwk = await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [privateJwk] } }, /public keys only/],
        [{ token_endpoint_auth_method: 'private_key_jwt' }, /jwks or jwks_uri/],
        [{ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.jwk] }, jwks_uri: jwks.url }, /jwks or jwks_uri/],
        [{ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://keys.example.com/jwks.json' }, /https/],
        [{ jwks: { keys: [key.jwk] } }, /private_key_jwt/],
        [{ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.jwk] }, token_endpoint_auth_signing_alg: 'HS256' }, /does not fit/],
        [{ public: true, token_endpoint_auth_method: 'client_secret_basic', redirect_uris: ['https://app.example.com/cb'], grant_types: ['authorization_code'] }, /token_endpoint_auth_method none/],
      ];
      for (const [body, message] of cases) {
        const response = await createClient(body);
        expect({ body, status: response.status }).toEqual({ body, status: 400 });
        expect(JSON.stringify(response.body)).toMatch(message);
      }
    });
  });

  it('GET shows the method and keys, never a secret copy; the secret regenerates for client_secret_jwt, not for private_key_jwt', async () => {
    const key = await keyPair('EdDSA', 'show-1');
    const pkj = await created({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.jwk] } });
    const shown = await app.http().get(`/api/v1/oauth/client/${pkj.client_id}`).set('Authorization', `Bearer ${root}`);
    expect(shown.body).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.jwk] }, jwks_uri: null, token_endpoint_auth_signing_alg: null, public: false });
    expect((await app.http().post(`/api/v1/oauth/client/${pkj.client_id}/secret`).set('Authorization', `Bearer ${root}`)).status).toBe(409);
    // An EdDSA assertion verifies with the inline key.
    expect((await withAssertion(await assertion(pkj.client_id, key.privateKey, { alg: 'EdDSA', kid: 'show-1' }))).status).toBe(200);

    const csj = (await created({ token_endpoint_auth_method: 'client_secret_jwt' })) as Credentials;
    const csjShown = await app.http().get(`/api/v1/oauth/client/${csj.client_id}`).set('Authorization', `Bearer ${root}`);
    expect(JSON.stringify(csjShown.body)).not.toContain(csj.client_secret);
    expect(JSON.stringify(csjShown.body)).not.toMatch(/ciphertext|aes-256-gcm/);
    const regenerated = (await app.http().post(`/api/v1/oauth/client/${csj.client_id}/secret`).set('Authorization', `Bearer ${root}`).expect(200)).body as Credentials;
    const secretKey = (secret: string) => new TextEncoder().encode(secret);
    expect((await withAssertion(await assertion(csj.client_id, secretKey(csj.client_secret), { alg: 'HS256' }))).status).toBe(401);
    expect((await withAssertion(await assertion(csj.client_id, secretKey(regenerated.client_secret), { alg: 'HS256' }))).status).toBe(200);
  });

  it('dynamic client registration (RFC 7591) registers a private_key_jwt client with its jwks, and refuses a private key', async () => {
    const key = await keyPair('PS256', 'dcr-1');
    const register = (body: Record<string, unknown>) => app.http().post('/v1/oauth2/register').set('Authorization', `Bearer ${root}`).send({ grant_types: ['client_credentials'], scope: 'scope:read', ...body });
    const registered = await register({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.jwk] }, token_endpoint_auth_signing_alg: 'PS256' });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.jwk] }, token_endpoint_auth_signing_alg: 'PS256' });
    expect(registered.body.client_secret).toBeUndefined();
    const clientId = (registered.body as Credentials).client_id;
    expect((await withAssertion(await assertion(clientId, key.privateKey, { alg: 'PS256', kid: 'dcr-1' }))).status).toBe(200);
    // Its method is fixed: an RFC 7592 update cannot turn it into a secret-based client.
    const update = await app.http().put(`/v1/oauth2/register/${clientId}`).set('Authorization', `Bearer ${String(registered.body.registration_access_token)}`).send({ client_id: clientId, grant_types: ['client_credentials'], scope: 'scope:read', token_endpoint_auth_method: 'client_secret_basic' });
    expect(update.status).toBe(400);
    expect(update.body.error).toBe('invalid_client_metadata');

    const privateJwk = await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
    const refusedRegistration = await register({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [privateJwk] } });
    expect(refusedRegistration.status).toBe(400);
    expect(refusedRegistration.body).toMatchObject({ error: 'invalid_client_metadata' });
    expect(refusedRegistration.body.error_description).toContain('public keys only');
  });

  it('discovery lists what is accepted, for the server and a realm alike', async () => {
    for (const path of ['/.well-known/openid-configuration', `/auth/realms/${REALM}/.well-known/openid-configuration`]) {
      const metadata = (await app.http().get(path)).body as Record<string, string[]>;
      expect(metadata.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none']));
      expect(metadata.introspection_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['private_key_jwt', 'client_secret_jwt']));
      expect(metadata.revocation_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['private_key_jwt', 'client_secret_jwt']));
      for (const field of ['token_endpoint_auth_signing_alg_values_supported', 'introspection_endpoint_auth_signing_alg_values_supported', 'revocation_endpoint_auth_signing_alg_values_supported']) {
        expect(metadata[field]).toEqual(expect.arrayContaining(['RS256', 'PS256', 'ES256', 'EdDSA', 'HS256']));
        expect(metadata[field]).not.toContain('none');
      }
    }
  });

  it('a jti used at one instance is refused at another on the same database', async () => {
    const key = await keyPair('ES256', 'x-1');
    const client = await created({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.jwk] } });
    const second = await startApp({ env: { ...env, PUBLIC_URL: issuer }, databaseUrl: app.databaseUrl });
    try {
      const once = await assertion(client.client_id, key.privateKey);
      expect((await withAssertion(once)).status).toBe(200);
      const replayed = await second.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: once });
      expect(replayed.status).toBe(401);
      expect(replayed.body).toEqual(refused);
      // The second instance takes a fresh one.
      expect((await second.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion(client.client_id, key.privateKey) })).status).toBe(200);
    } finally {
      await second.close();
    }
  }, 120_000);

  it('without JWKS_URI_ALLOW_PRIVATE_ADDRESSES, a jwks_uri on a loopback address or a name resolving to one is never connected to', async () => {
    const guarded = await startApp({ env: { CLIENT_SECRET_ENCRYPTION_KEY: ENCRYPTION_KEY, PUBLIC_URL: issuer }, databaseUrl: app.databaseUrl });
    try {
      const key = await keyPair('ES256', 'p-1');
      jwks.keys = [key.jwk];
      const guardedRoot = await tokenFor(guarded, ROOT);
      // http to loopback is refused at registration; https passes registration, and is refused when fetched.
      expect((await guarded.http().post('/api/v1/oauth/client').set('Authorization', `Bearer ${guardedRoot}`).send({ scopes: [], grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks_uri: jwks.url })).status).toBe(400);
      for (const host of ['127.0.0.1', 'localhost', '[::ffff:127.0.0.1]']) {
        const registered = await guarded.http().post('/api/v1/oauth/client').set('Authorization', `Bearer ${guardedRoot}`).send({ scopes: [], grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks_uri: `https://${host}:${jwks.port}/jwks.json` });
        expect(registered.status).toBe(201);
        const clientId = (registered.body as Credentials).client_id;
        const connections = jwks.connections;
        const response = await guarded.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: await assertion(clientId, key.privateKey, { kid: 'p-1' }) });
        expect({ host, status: response.status, body: response.body }).toEqual({ host, status: 401, body: refused });
        expect(jwks.connections).toBe(connections);
      }
    } finally {
      await guarded.close();
    }
  }, 120_000);


  it('the server will not start without CLIENT_SECRET_ENCRYPTION_KEY while a client_secret_jwt client exists', async () => {
    const server = runServer({ DATABASE_URL: app.databaseUrl, OAUTH_ROOT_CLIENT_ID: ROOT.client_id, OAUTH_ROOT_CLIENT_SECRET: ROOT.client_secret });
    expect(await server.exited).toBe(1);
    expect(server.stderr() + server.stdout()).toContain('CLIENT_SECRET_ENCRYPTION_KEY must be set');
  }, 120_000);
});
