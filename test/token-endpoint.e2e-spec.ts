import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { type TestApp, startApp } from './support/test-app.js';
import { basic, createClient, type Credentials, decodeJwt, ROOT, tokenFor } from './support/oauth.js';

const TOKEN = '/api/v1/oauth/token';

describe('token lifespan', () => {
  it('follows OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES, and a client\'s own access_token_lifespan wins', async () => {
    const gatehouse = await startApp({ env: { OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES: '5' } });
    try {
      const plain = await createClient(gatehouse, { scopes: [] });
      const own = await createClient(gatehouse, { scopes: [], access_token_lifespan: 42 });
      for (const [client, seconds] of [[plain, 300], [own, 42]] as const) {
        const response = await gatehouse.http().post(TOKEN).type('form').send({ grant_type: 'client_credentials', ...client });
        expect((response.body as { expires_in: number }).expires_in).toBe(seconds);
        const { payload } = decodeJwt((response.body as { access_token: string }).access_token);
        expect((payload.exp as number) - (payload.iat as number)).toBe(seconds);
      }
    } finally {
      await gatehouse.close();
    }
  });
});

describe('POST /api/v1/oauth/token (client credentials)', () => {
  let gatehouse: TestApp;
  let reader: Credentials;

  beforeAll(async () => {
    gatehouse = await startApp();
    reader = await createClient(gatehouse, { scopes: ['client:read', 'scope:read'], name: 'reader' });
  });
  afterAll(() => gatehouse.close());

  const post = () => gatehouse.http().post(TOKEN);

  it('issues a token for credentials in a form body, with the documented response fields', async () => {
    const response = await post().type('form').send({ grant_type: 'client_credentials', ...reader });
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = response.body as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_at', 'expires_in', 'not-before-policy', 'refresh_expires_in', 'scope', 'token_type']);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'client:read scope:read', refresh_expires_in: 0, 'not-before-policy': 0 });
    // Seconds since the epoch, as OAuth client libraries (authlib, oauthlib, Go's oauth2) read a
    // field of this name: the token's own `exp`.
    expect(Number.isInteger(body.expires_at)).toBe(true);
    expect(Math.abs((body.expires_at as number) - (Date.now() / 1000 + 3600))).toBeLessThan(5);
    expect(body.expires_at).toBe(decodeJwt(body.access_token as string).payload.exp);
  });

  it('issues a token for credentials in a JSON body', async () => {
    const response = await post().send({ grant_type: 'client_credentials', ...reader });
    expect(response.status).toBe(200);
    expect((response.body as { scope: string }).scope).toBe('client:read scope:read');
  });

  it('issues a token for HTTP Basic credentials (client_secret_basic)', async () => {
    const response = await post().set('Authorization', basic(reader)).type('form').send({ grant_type: 'client_credentials' });
    expect(response.status).toBe(200);
  });

  it('accepts Basic credentials that are form-urlencoded before base64 (RFC 6749 §2.3.1)', async () => {
    const encoded = `Basic ${Buffer.from(`${encodeURIComponent(reader.client_id)}:${encodeURIComponent(reader.client_secret)}`).toString('base64')}`;
    const response = await post().set('Authorization', encoded).type('form').send({ grant_type: 'client_credentials' });
    expect(response.status).toBe(200);
  });

  it('signs an RFC 9068 JWT that verifies against the published JWKS', async () => {
    const token = await tokenFor(gatehouse, reader);
    const jwks = (await gatehouse.http().get('/.well-known/jwks.json')).body as { keys: Record<string, unknown>[] };
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks as never), {
      issuer: 'http://localhost:8080',
      audience: 'http://localhost:8080',
      typ: 'at+jwt',
    });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(jwks.keys.map((key) => key.kid)).toContain(protectedHeader.kid);
    expect(payload).toMatchObject({ sub: reader.client_id, client_id: reader.client_id, scope: 'client:read scope:read' });
    expect(typeof payload.jti).toBe('string');
    expect(payload.exp! - payload.iat!).toBe(3600);
    const other = decodeJwt(await tokenFor(gatehouse, reader)).payload;
    expect(other.jti).not.toBe(payload.jti);
  });

  it('narrows the token to the requested scopes', async () => {
    const response = await post().type('form').send({ grant_type: 'client_credentials', scope: 'scope:read', ...reader });
    expect(response.status).toBe(200);
    expect((response.body as { scope: string }).scope).toBe('scope:read');
    expect(decodeJwt((response.body as { access_token: string }).access_token).payload.scope).toBe('scope:read');
  });

  it('refuses a scope the client does not hold with invalid_scope', async () => {
    const response = await post().type('form').send({ grant_type: 'client_credentials', scope: 'scope:read client:create', ...reader });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: 'invalid_scope', error_description: 'The client may not request: client:create' });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('refuses a malformed or over-long scope parameter', async () => {
    const quoted = await post().type('form').send({ grant_type: 'client_credentials', scope: 'scope:"read"', ...reader });
    expect(quoted.status).toBe(400);
    expect((quoted.body as { error: string }).error).toBe('invalid_scope');
    const long = await post().type('form').send({ grant_type: 'client_credentials', scope: 'a'.repeat(5000), ...reader });
    expect(long.status).toBe(400);
    expect((long.body as { error: string }).error).toBe('invalid_request');
  });

  it('gives the root client every scope', async () => {
    const token = await tokenFor(gatehouse, ROOT);
    const scopes = (decodeJwt(token).payload.scope as string).split(' ');
    expect(scopes).toEqual(expect.arrayContaining(['client:create', 'client:read', 'client:update', 'client:delete', 'scope:read', 'key:read', 'key:rotate']));
  });

  describe('client authentication failures', () => {
    it('answers an unknown client and a wrong secret identically', async () => {
      const unknown = await post().type('form').send({ grant_type: 'client_credentials', client_id: 'no-such-client', client_secret: reader.client_secret });
      const wrong = await post().type('form').send({ grant_type: 'client_credentials', client_id: reader.client_id, client_secret: 'wrong' });
      for (const response of [unknown, wrong]) {
        expect(response.status).toBe(401);
        expect(response.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
        expect(response.headers['www-authenticate']).toBeUndefined();
      }
    });

    it('challenges with WWW-Authenticate: Basic when Basic was tried', async () => {
      const response = await post().set('Authorization', basic({ ...reader, client_secret: 'wrong' })).type('form').send({ grant_type: 'client_credentials' });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
      expect(response.headers['www-authenticate']).toMatch(/^Basic realm="gatehouse"/);
    });

    it('refuses malformed Basic credentials', async () => {
      const response = await post().set('Authorization', 'Basic !!!notbase64').type('form').send({ grant_type: 'client_credentials' });
      expect(response.status).toBe(401);
      expect((response.body as { error: string }).error).toBe('invalid_client');
      expect(response.headers['www-authenticate']).toMatch(/^Basic/);
    });

    it('refuses a request without any client credentials', async () => {
      const response = await post().type('form').send({ grant_type: 'client_credentials' });
      expect(response.status).toBe(401);
      expect((response.body as { error: string }).error).toBe('invalid_client');
    });

    it('refuses two authentication methods at once', async () => {
      const response = await post().set('Authorization', basic(reader)).type('form').send({ grant_type: 'client_credentials', client_secret: reader.client_secret });
      expect(response.status).toBe(400);
      expect((response.body as { error: string }).error).toBe('invalid_request');
    });

    it('refuses a body client_id that differs from the Basic one', async () => {
      const response = await post().set('Authorization', basic(reader)).type('form').send({ grant_type: 'client_credentials', client_id: ROOT.client_id });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: 'invalid_request', error_description: 'The client_id in the body differs from the one in the HTTP Basic credentials' });
    });

    it('accepts a body client_id equal to the Basic one', async () => {
      const response = await post().set('Authorization', basic(reader)).type('form').send({ grant_type: 'client_credentials', client_id: reader.client_id });
      expect(response.status).toBe(200);
    });
  });

  describe('malformed requests', () => {
    it('refuses a missing grant_type', async () => {
      const response = await post().type('form').send({ ...reader });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: 'invalid_request', error_description: 'The grant_type parameter is missing' });
    });

    it('refuses an unknown grant_type', async () => {
      const response = await post().type('form').send({ grant_type: 'password', ...reader });
      expect(response.status).toBe(400);
      expect((response.body as { error: string }).error).toBe('unsupported_grant_type');
    });

    it('refuses repeated parameters (RFC 6749 §3.2)', async () => {
      const response = await post().type('form').send(`grant_type=client_credentials&client_id=${reader.client_id}&client_id=${reader.client_id}&client_secret=${reader.client_secret}`);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: 'invalid_request', error_description: 'The parameter client_id is repeated; send each parameter once' });
    });

    it('refuses a JSON body that repeats a parameter', async () => {
      const response = await post().set('Content-Type', 'application/json').send(`{"grant_type":"client_credentials","client_id":"${reader.client_id}","client_id":"other","client_secret":"${reader.client_secret}"}`);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: 'invalid_request', error_description: "The JSON body repeats the key 'client_id'" });
    });

    it('refuses non-string JSON values', async () => {
      const response = await post().send({ grant_type: 'client_credentials', client_id: reader.client_id, client_secret: 12345 });
      expect(response.status).toBe(400);
      expect((response.body as { error: string }).error).toBe('invalid_request');
    });

    it('refuses malformed JSON in the RFC 6749 error format', async () => {
      const response = await post().set('Content-Type', 'application/json').send('{"grant_type": ');
      expect(response.status).toBe(400);
      expect((response.body as { error: string }).error).toBe('invalid_request');
      expect(typeof (response.body as { error_description: string }).error_description).toBe('string');
    });

    it('refuses JSON with a __proto__ key', async () => {
      const response = await post().set('Content-Type', 'application/json').send(`{"grant_type":"client_credentials","__proto__":{"admin":true}}`);
      expect(response.status).toBe(400);
      expect((response.body as { error: string }).error).toBe('invalid_request');
    });

    it('refuses an unsupported content type', async () => {
      const response = await post().set('Content-Type', 'application/xml').send('<grant_type>client_credentials</grant_type>');
      expect(response.status).toBe(415);
      expect((response.body as { error: string }).error).toBe('invalid_request');
    });

    it('refuses a body over 64 KiB', async () => {
      const response = await post().type('form').send({ grant_type: 'client_credentials', padding: 'x'.repeat(70 * 1024) });
      expect(response.status).toBe(413);
      expect((response.body as { error: string }).error).toBe('invalid_request');
    });
  });
});
