import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestApp, startApp } from './support/test-app.js';
import { basic, createClient, ROOT } from './support/oauth.js';
import { from } from './support/source-address.js';
import { createClientIn, createOrganization } from './support/tenants.js';
import { Browser, location, pkce } from './support/browser.js';

/**
 * The findings of the security review of issue 17 (logout, ID token algorithms, form_post, CORS
 * for browser apps, Polar's alias paths, realm discovery, generated credentials), each as the
 * attack that reproduced it. Each `it` states the secure behaviour.
 */
describe('security review of issue 17', () => {
  describe('F1: the per-IP rate limit counts every path of an endpoint together', () => {
    const LIMIT = 3;
    let gatehouse: TestApp;
    let address = 10;
    beforeAll(async () => {
      gatehouse = await startApp({ env: { RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
    });
    afterAll(() => gatehouse.close());

    /** Each case from its own source address: a fresh budget. */
    const post = (ip: string, path: string, body: Record<string, string>) => gatehouse.http().post(path).agent(from(ip)).set('Authorization', basic({ ...ROOT, client_secret: 'wrong' })).type('form').send(body);

    // Polar's aliases (and Keycloak's two realm prefixes) are the same endpoint: a client guessing
    // secrets from one address used to get a fresh budget at each alias, three times the limit.
    for (const [endpoint, paths, body] of [
      ['token', ['/api/v1/oauth/token', '/api/v1/oauth2/token', '/v1/oauth2/token'], { grant_type: 'client_credentials' }],
      ['introspection', ['/api/v1/oauth/introspect', '/v1/oauth2/introspect'], { token: 'x' }],
      ['revocation', ['/api/v1/oauth/revoke', '/v1/oauth2/revoke'], { token: 'x' }],
      ['realm token', ['/auth/realms/default/protocol/openid-connect/token', '/realms/default/protocol/openid-connect/token'], { grant_type: 'client_credentials' }],
    ] as const) {
      it(`${endpoint}: once the limit is used up at one path, its aliases answer 429 too`, async () => {
        const ip = `127.0.17.${(address += 1)}`;
        const statuses: number[] = [];
        for (let index = 0; index < LIMIT; index += 1) statuses.push((await post(ip, paths[0], body)).status);
        expect(statuses.every((status) => status !== 429)).toBe(true);
        for (const alias of paths) expect([alias, (await post(ip, alias, body)).status]).toEqual([alias, 429]);
      });
    }

    it('keeps separate budgets for different endpoints, and for the realm paths apart from the server-wide ones', async () => {
      const ip = `127.0.17.${(address += 1)}`;
      for (let index = 0; index < LIMIT; index += 1) await post(ip, '/api/v1/oauth/token', { grant_type: 'client_credentials' });
      expect((await post(ip, '/api/v1/oauth/token', { grant_type: 'client_credentials' })).status).toBe(429);
      expect((await post(ip, '/api/v1/oauth/introspect', { token: 'x' })).status).not.toBe(429);
      expect((await post(ip, '/auth/realms/default/protocol/openid-connect/token', { grant_type: 'client_credentials' })).status).not.toBe(429);
    });
  });

  describe('F2: the per-IP rate limit counts an IPv6 caller by its /64, as the lockouts do', () => {
    let gatehouse: TestApp;
    beforeAll(async () => {
      gatehouse = await startApp({ env: { RATE_LIMIT_PER_MINUTE: '3', TRUST_PROXY: '127.0.0.1' } });
    });
    afterAll(() => gatehouse.close());

    // One subscriber usually holds a whole /64: counted per address, each of its 2^64 addresses
    // had a budget of its own, and the limit held nobody with IPv6 back.
    it('answers 429 to the next address of the same /64 once the limit is used up', async () => {
      const attempt = (address: string) =>
        gatehouse.http().post('/v1/oauth2/token').set('X-Forwarded-For', address).set('Authorization', basic({ ...ROOT, client_secret: 'wrong' })).type('form').send({ grant_type: 'client_credentials' });
      for (let host = 1; host <= 3; host += 1) expect((await attempt(`2001:db8:17:1::${host}`)).status).not.toBe(429);
      expect((await attempt('2001:db8:17:1::4')).status).toBe(429);
      expect((await attempt('2001:db8:17:1:ffff:ffff:ffff:ffff')).status).toBe(429);
      // Another /64 is another subscriber.
      expect((await attempt('2001:db8:17:2::1')).status).not.toBe(429);
    });
  });

  /** Attacks that failed: kept so that they keep failing. */
  describe('what held up', () => {
    const APP = 'https://app.example.com';
    const SIGNED_OUT = `${APP}/out`;
    let gatehouse: TestApp;
    let app: string;
    beforeAll(async () => {
      gatehouse = await startApp();
      app = (await createClient(gatehouse, { public: true, redirect_uris: [`${APP}/cb`], post_logout_redirect_uris: [SIGNED_OUT], scopes: ['openid', 'email'] })).client_id;
      await createOrganization(gatehouse, { name: 'acme', oauth_enabled: true });
      await createClientIn(gatehouse, 'acme', { public: true, redirect_uris: ['https://acme.example.com/cb'], post_logout_redirect_uris: ['https://acme.example.com/out'], scopes: ['openid'] });
    });
    afterAll(() => gatehouse.close());

    /** Signs in and consents (a client the user has not consented to yet: authorizeAndDecide expects the consent page). */
    async function signIn(responseMode?: string, state?: string, clientId = app) {
      const browser = new Browser(gatehouse);
      const { verifier, challenge } = pkce();
      const back = await browser.authorizeAndDecide({ response_type: 'code', client_id: clientId, scope: 'openid email', code_challenge: challenge, code_challenge_method: 'S256', ...(responseMode && { response_mode: responseMode }), ...(state && { state }) });
      return { browser, back, verifier };
    }

    it('post_logout_redirect_uri: no near miss of the registered URI, no client of another organization, no other client than the hint names', async () => {
      const { browser, back, verifier } = await signIn();
      const tokens = (await gatehouse.http().post('/v1/oauth2/token').type('form').send({ grant_type: 'authorization_code', client_id: app, code: location(back).searchParams.get('code')!, code_verifier: verifier })).body as { id_token: string };
      for (const uri of ['https://APP.example.com/out', 'https://app.example.com/out/', 'https://app.example.com/Out', 'https://app.example.com/%6Fut', 'https://app.example.com/out#x', 'https://evil.example.com@app.example.com/out', 'https://app.example.com.evil.example.com/out', ' https://app.example.com/out', 'https://acme.example.com/out']) {
        for (const query of [{ client_id: app }, { id_token_hint: tokens.id_token }]) {
          const response = await browser.agent.get('/oauth2/logout').query({ ...query, post_logout_redirect_uri: uri });
          expect([uri, response.status, response.headers.location]).toEqual([uri, 400, undefined]);
        }
      }
      // The hint names the app; client_id may not point the redirect at another client's URIs.
      const acmeClient = await gatehouse.http().get('/auth/realms/acme/protocol/openid-connect/logout').query({ id_token_hint: tokens.id_token, post_logout_redirect_uri: 'https://acme.example.com/out' });
      expect(acmeClient.status).toBe(400);
      const ok = await browser.agent.get('/oauth2/logout').query({ id_token_hint: tokens.id_token, post_logout_redirect_uri: SIGNED_OUT, state: 'a&b=c' });
      expect([ok.status, ok.headers.location]).toEqual([302, `${SIGNED_OUT}?state=a%26b%3Dc`]);
    });

    it('form_post: state is escaped in the page, the one script matches the CSP hash, nothing is cached', async () => {
      const formPostApp = (await createClient(gatehouse, { public: true, redirect_uris: [`${APP}/cb`], scopes: ['openid', 'email'] })).client_id;
      const { back } = await signIn('form_post', '"><script>alert(1)</script>\'', formPostApp);
      expect([back.status, back.status === 200 ? '' : back.text]).toEqual([200, '']);
      expect(back.text).not.toContain('<script>alert');
      expect(back.text).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#39;"');
      const scripts = [...back.text.matchAll(/<script>([^<]*)<\/script>/g)].map((match) => match[1]!);
      expect(scripts).toHaveLength(1);
      const { createHash } = await import('node:crypto');
      expect(back.headers['content-security-policy']).toContain(`'sha256-${createHash('sha256').update(scripts[0]!).digest('base64')}'`);
      expect(back.headers['cache-control']).toBe('no-store');
      const unregistered = await new Browser(gatehouse).authorize({ response_type: 'code', response_mode: 'form_post', client_id: app, redirect_uri: 'https://evil.example.com/cb' });
      expect([unregistered.status, unregistered.text.includes('evil.example.com')]).toEqual([400, false]);
    });

    it('CORS: spoofed, non-canonical and other-realm origins get nothing; admin routes and the authorization endpoint answer no browser app', async () => {
      for (const origin of ['null', `${APP}.evil.com`, `${APP}:444`, 'http://app.example.com', `${APP}/`, 'https://APP.example.com']) {
        const response = await gatehouse.http().get('/.well-known/openid-configuration').set('Origin', origin);
        expect([origin, response.headers['access-control-allow-origin']]).toEqual([origin, undefined]);
      }
      const otherRealm = await gatehouse.http().get('/.well-known/oauth-authorization-server/auth/realms/acme').set('Origin', APP);
      expect(otherRealm.headers['access-control-allow-origin']).toBeUndefined();
      for (const path of ['/api/v1/oauth/client', '/api/v1/organizations', '/v1/oauth2/authorize', '/oauth2/sign-in']) {
        expect((await gatehouse.http().get(path).set('Origin', APP)).headers['access-control-allow-origin']).toBeUndefined();
        const preflight = await gatehouse.http().options(path).set('Origin', APP).set('Access-Control-Request-Method', 'POST');
        expect([path, preflight.status, preflight.headers['access-control-allow-origin']]).toEqual([path, 404, undefined]);
      }
      const token = await gatehouse.http().post('/v1/oauth2/token').set('Origin', 'https://acme.example.com').type('form').send({ grant_type: 'authorization_code', client_id: app, code: 'x', code_verifier: 'v'.repeat(43) });
      expect(token.headers['access-control-allow-origin']).toBeUndefined();
      expect(token.headers['access-control-allow-credentials']).toBeUndefined();
    });

    it('realm discovery: unknown, miscased, encoded and traversing realm names are 4xx, never 500 or a redirect elsewhere', async () => {
      for (const path of ['/.well-known/openid-configuration/auth/realms/%2e%2e', '/.well-known/oauth-authorization-server/auth/realms/acme%2F..', '/realms/acme%2F..%2F/.well-known/openid-configuration', '/realms/%F0%9F%98%80/.well-known/openid-configuration', '/.well-known/oauth-authorization-server/auth/realms/ACME', '/realms//evil.com/.well-known/openid-configuration', '/realms/%zz/.well-known/openid-configuration']) {
        const response = await gatehouse.http().get(path);
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect(response.headers.location).toBeUndefined();
      }
    });
  });
});
