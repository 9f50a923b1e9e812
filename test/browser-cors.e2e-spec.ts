import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestApp, startApp } from './support/test-app.js';
import { ROOT, tokenFor } from './support/oauth.js';
import { createClientIn, createOrganization } from './support/tenants.js';
import { createUser, userTokens } from './support/principals.js';

const SPA = 'https://spa.acme.test';
const OTHER = 'https://other.acme.test';
const GLOBEX = 'https://spa.globex.test';
const NOBODY = 'https://evil.example.com';

type Response = { status: number; headers: Record<string, string> };
const acao = (response: Response) => response.headers['access-control-allow-origin'];
const varies = (response: Response) => (response.headers.vary ?? '').split(',').map((part) => part.trim().toLowerCase()).includes('origin');

/** CORS for browser apps (public clients) at the origins of their registered redirect URIs, with no CORS_ORIGINS. */
describe('CORS for the origins of registered redirect URIs', () => {
  let gatehouse: TestApp;
  let spa: string;
  let other: string;
  let globexSpa: string;
  const person = { email: 'ada@acme.test', password: 'ada passphrase 123' };

  beforeAll(async () => {
    gatehouse = await startApp({ env: { CORS_ORIGINS: undefined } });
    await createOrganization(gatehouse, { name: 'acme', oauth_enabled: true });
    await createOrganization(gatehouse, { name: 'globex', oauth_enabled: true });
    // Not canonical as registered: the origin is https://spa.acme.test all the same.
    spa = (await createClientIn(gatehouse, 'acme', { public: true, redirect_uris: ['HTTPS://SPA.Acme.test:443/callback'], scopes: ['openid', 'email'] })).client_id;
    other = (await createClientIn(gatehouse, 'acme', { public: true, redirect_uris: [`${OTHER}/cb`], scopes: ['openid'] })).client_id;
    globexSpa = (await createClientIn(gatehouse, 'globex', { public: true, redirect_uris: [`${GLOBEX}/cb`], scopes: ['openid'] })).client_id;
    await createUser(gatehouse, person, 'acme', 'member');
  });
  afterAll(() => gatehouse.close());

  const get = (path: string, origin: string) => gatehouse.http().get(path).set('Origin', origin);
  const preflight = (path: string, origin: string, method = 'POST') => gatehouse.http().options(path).set('Origin', origin).set('Access-Control-Request-Method', method).set('Access-Control-Request-Headers', 'content-type');
  const token = (path: string, origin: string, body: Record<string, string>) => gatehouse.http().post(path).set('Origin', origin).type('form').send(body);

  it('lets any registered origin read the discovery documents and the JWKS, and a realm path only its own clients’ origins', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/.well-known/jwks.json']) {
      for (const origin of [SPA, GLOBEX]) {
        const response = await get(path, origin);
        expect([path, response.status, acao(response), varies(response)]).toEqual([path, 200, origin, true]);
      }
      const refused = await get(path, NOBODY);
      expect([path, refused.status, acao(refused), varies(refused)]).toEqual([path, 200, undefined, true]);
    }
    for (const path of ['/auth/realms/acme/.well-known/openid-configuration', '/.well-known/oauth-authorization-server/auth/realms/acme', '/auth/realms/acme/protocol/openid-connect/certs']) {
      expect([path, acao(await get(path, SPA))]).toEqual([path, SPA]);
      expect([path, acao(await get(path, GLOBEX))]).toEqual([path, undefined]);
    }
  });

  it('lets a registered origin read the end-session answer, a realm path only its own clients’ origins', async () => {
    const page = await get('/oauth2/logout', SPA);
    expect([page.status, acao(page), varies(page)]).toEqual([200, SPA, true]);
    expect(acao(await get('/oauth2/logout', NOBODY))).toBeUndefined();
    expect(acao(await get('/auth/realms/acme/protocol/openid-connect/logout', SPA))).toBe(SPA);
    expect(acao(await get('/auth/realms/acme/protocol/openid-connect/logout', GLOBEX))).toBeUndefined();
  });

  it('answers preflights for registered origins on the public client endpoints only, realm by realm', async () => {
    const allowed = await preflight('/auth/realms/acme/protocol/openid-connect/token', SPA);
    expect(allowed.status).toBe(204);
    expect(acao(allowed)).toBe(SPA);
    expect(allowed.headers['access-control-allow-methods']).toBe('POST');
    expect(allowed.headers['access-control-allow-headers']).toMatch(/content-type/i);
    // A browser app sends its DPoP proof in the DPoP header (RFC 9449).
    expect(allowed.headers['access-control-allow-headers']).toMatch(/\bDPoP\b/);
    expect(varies(allowed)).toBe(true);
    const userinfo = await preflight('/oauth2/userinfo', SPA, 'GET');
    expect([userinfo.status, acao(userinfo)]).toEqual([204, SPA]);
    expect(userinfo.headers['access-control-allow-methods']).toMatch(/GET.*POST|POST.*GET/);
    expect([(await preflight('/api/v1/oauth2/token', SPA)).status]).toEqual([204]);

    for (const [path, origin, method] of [
      ['/auth/realms/acme/protocol/openid-connect/token', NOBODY, 'POST'],
      ['/auth/realms/acme/protocol/openid-connect/token', GLOBEX, 'POST'],
      ['/auth/realms/acme/protocol/openid-connect/token', SPA, 'DELETE'],
      // Introspection is for resource servers, the admin API is not for browser apps.
      ['/api/v1/oauth/introspect', SPA, 'POST'],
      ['/api/v1/oauth/client', SPA, 'GET'],
      ['/api/v1/organizations/acme', SPA, 'PUT'],
    ] as const) {
      const response = await preflight(path, origin, method);
      expect([path, origin, method, acao(response), response.headers['access-control-allow-methods']]).toEqual([path, origin, method, undefined, undefined]);
    }
  });

  it('lets only the authenticating client’s origins read the token and revocation responses', async () => {
    const bogusCode = { grant_type: 'authorization_code', client_id: spa, code: 'not-a-code', code_verifier: 'v'.repeat(43), redirect_uri: `${SPA}/callback` };
    for (const path of ['/auth/realms/acme/protocol/openid-connect/token', '/api/v1/oauth/token', '/v1/oauth2/token']) {
      const own = await token(path, SPA, bogusCode);
      expect([path, own.status, (own.body as { error: string }).error, acao(own), varies(own)]).toEqual([path, 400, 'invalid_grant', SPA, true]);
      expect(own.headers['access-control-expose-headers']).toMatch(/WWW-Authenticate/);
      // ...and reads the nonce its next proof must carry.
      expect(own.headers['access-control-expose-headers']).toMatch(/DPoP-Nonce/);
      // Another client's origin, of the same realm: a preflight would pass, the response is not readable.
      const foreign = await token(path, OTHER, bogusCode);
      expect([path, foreign.status, acao(foreign), varies(foreign)]).toEqual([path, 400, undefined, true]);
      // No client authenticated: nobody's origin.
      const unknown = await token(path, SPA, { ...bogusCode, client_id: 'no-such-client' });
      expect([path, unknown.status, acao(unknown)]).toEqual([path, 401, undefined]);
    }
    const globexAtAcme = await token('/auth/realms/acme/protocol/openid-connect/token', GLOBEX, { ...bogusCode, client_id: globexSpa });
    expect([globexAtAcme.status, acao(globexAtAcme)]).toEqual([401, undefined]);

    const revoke = await token('/auth/realms/acme/protocol/openid-connect/revoke', SPA, { client_id: spa, token: 'not-a-token' });
    expect([revoke.status, acao(revoke)]).toEqual([200, SPA]);
    expect(acao(await token('/auth/realms/acme/protocol/openid-connect/revoke', OTHER, { client_id: spa, token: 'not-a-token' }))).toBeUndefined();
    expect(acao(await token('/api/v1/oauth/introspect', SPA, { client_id: spa, token: 'not-a-token' }))).toBeUndefined();
  });

  it('lets a single-page app push its authorization request (PAR) from its own origin, and only its own', async () => {
    const request = { client_id: spa, response_type: 'code', redirect_uri: 'HTTPS://SPA.Acme.test:443/callback', scope: 'openid', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };
    for (const path of ['/auth/realms/acme/protocol/openid-connect/ext/par/request', '/api/v1/oauth/par']) {
      const allowed = await preflight(path, SPA);
      expect([path, allowed.status, acao(allowed)]).toEqual([path, 204, SPA]);
      const own = await token(path, SPA, request);
      expect([path, own.status, typeof (own.body as { request_uri?: string }).request_uri, acao(own), varies(own)]).toEqual([path, 201, 'string', SPA, true]);
      const foreign = await token(path, OTHER, request);
      expect([path, foreign.status, acao(foreign)]).toEqual([path, 201, undefined]);
      // An error the app caused is its to read; an unknown client's is nobody's.
      const mistaken = await token(path, SPA, { ...request, redirect_uri: `${SPA}/elsewhere` });
      expect([path, mistaken.status, acao(mistaken)]).toEqual([path, 400, SPA]);
      const unknown = await token(path, SPA, { ...request, client_id: 'no-such-client' });
      expect([path, unknown.status, acao(unknown)]).toEqual([path, 401, undefined]);
    }
  });

  it("lets only the access token's client's origins read userinfo", async () => {
    const { access_token: accessToken } = await userTokens(gatehouse, { clientId: spa, scope: 'openid email', person, realm: 'acme' });
    for (const path of ['/auth/realms/acme/protocol/openid-connect/userinfo', '/oauth2/userinfo']) {
      const own = await get(path, SPA).set('Authorization', `Bearer ${accessToken}`);
      expect([path, own.status, acao(own)]).toEqual([path, 200, SPA]);
      const foreign = await get(path, OTHER).set('Authorization', `Bearer ${accessToken}`);
      expect([path, foreign.status, acao(foreign)]).toEqual([path, 200, undefined]);
      const anonymous = await get(path, SPA);
      expect([path, anonymous.status, acao(anonymous)]).toEqual([path, 401, undefined]);
    }
  });

  it('sends no CORS header on the admin API, even to a registered origin with a valid token', async () => {
    const root = await tokenFor(gatehouse, ROOT);
    for (const path of ['/api/v1/oauth/client', '/api/v1/organizations', '/api/v1/oauth/scope']) {
      const response = await get(path, SPA).set('Authorization', `Bearer ${root}`);
      expect([path, response.status, acao(response)]).toEqual([path, 200, undefined]);
    }
  });

  it('follows changes to the clients: a new redirect URI’s origin is allowed at once, a removed or disabled one no longer', async () => {
    const root = await tokenFor(gatehouse, ROOT);
    const moved = 'https://moved.acme.test';
    const changed = await gatehouse.http().put(`/api/v1/oauth/client/${other}`).set('Authorization', `Bearer ${root}`).send({ redirect_uris: [`${moved}/cb`] });
    expect(changed.status).toBe(200);
    expect(acao(await get('/.well-known/jwks.json', moved))).toBe(moved);
    expect(acao(await get('/.well-known/jwks.json', OTHER))).toBeUndefined();
    expect((await preflight('/auth/realms/acme/protocol/openid-connect/token', OTHER)).status).toBe(404);

    const disabled = await gatehouse.http().put(`/api/v1/oauth/client/${other}`).set('Authorization', `Bearer ${root}`).send({ disabled: true });
    expect(disabled.status).toBe(200);
    expect(acao(await get('/.well-known/jwks.json', moved))).toBeUndefined();
  });

  it('ignores an Origin that is not a serialized origin', async () => {
    for (const origin of [`${SPA}/`, `${SPA}/callback`, 'null', 'HTTPS://SPA.ACME.TEST', `${SPA}:443`]) {
      expect([origin, acao(await get('/.well-known/jwks.json', origin))]).toEqual([origin, undefined]);
    }
  });
});
