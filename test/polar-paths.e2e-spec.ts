import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestApp, startApp } from './support/test-app.js';
import { Browser, location } from './support/browser.js';
import { basic, createClient, type Credentials, ROOT } from './support/oauth.js';

/** The Polar seed's redirect URI, as its curl lines send it. */
const REDIRECT = 'https://example.com/callback';

/** Each canonical route with Polar's paths for it (the seed's, and Polar's current /v1/oauth2/ API). */
const TOKEN = ['/api/v1/oauth/token', '/api/v1/oauth2/token', '/v1/oauth2/token'];
const USERINFO = ['/oauth2/userinfo', '/api/v1/oauth2/userinfo', '/v1/oauth2/userinfo'];
const INTROSPECT = ['/api/v1/oauth/introspect', '/v1/oauth2/introspect'];
const REVOKE = ['/api/v1/oauth/revoke', '/v1/oauth2/revoke'];
const AUTHORIZE = ['/oauth2/authorize', '/v1/oauth2/authorize'];

/** What a client sees of a response, for comparing an alias with its canonical route. */
function seen(response: { status: number; body: unknown; text: string; headers: Record<string, string> }) {
  return { status: response.status, body: response.body as unknown, text: response.text, cacheControl: response.headers['cache-control'], wwwAuthenticate: response.headers['www-authenticate'], contentType: response.headers['content-type'] };
}

describe("Polar's OAuth paths, aliases of the canonical endpoints", () => {
  let gatehouse: TestApp;
  let app: Credentials;
  let introspector: Credentials;

  beforeAll(async () => {
    gatehouse = await startApp();
    app = await createClient(gatehouse, { name: 'Polar-style app', redirect_uris: [REDIRECT], scopes: ['openid', 'email'] });
    introspector = await createClient(gatehouse, { scopes: ['token:introspect'] });
  });
  afterAll(() => gatehouse.close());

  /** The seed's flow: the browser at `authorize`, then its curl line for the code exchange, verbatim but for the host and path. */
  async function codeFlow(authorize: string, token: string): Promise<Record<string, unknown>> {
    const browser = new Browser(gatehouse);
    const redirect = await browser.authorizeAndDecide({ response_type: 'code', client_id: app.client_id, redirect_uri: REDIRECT, scope: 'openid email', state: 's' }, 'allow', authorize);
    const code = location(redirect).searchParams.get('code');
    // 303 from the consent form, or 302 straight away once the user has consented.
    expect([authorize, code === null, redirect.headers.location?.startsWith(REDIRECT)]).toEqual([authorize, false, true]);
    const response = await gatehouse
      .http()
      .post(token)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(`grant_type=authorization_code&code=${code}&client_id=${app.client_id}&client_secret=${app.client_secret}&redirect_uri=${REDIRECT}`);
    expect([token, response.status]).toEqual([token, 200]);
    expect(response.headers['cache-control']).toBe('no-store');
    return response.body as Record<string, unknown>;
  }

  it("runs the seed's authorization code flow at every pairing of Polar's and the canonical authorize and token paths", async () => {
    for (const authorize of AUTHORIZE) {
      for (const token of TOKEN) {
        const body = await codeFlow(authorize, token);
        expect(body).toMatchObject({ token_type: 'Bearer', scope: 'openid email' });
        expect(typeof body.id_token).toBe('string');
      }
    }
  });

  it('answers userinfo the same at each path (GET and POST), and refuses the same without a token', async () => {
    const { access_token: token } = (await codeFlow('/v1/oauth2/authorize', '/api/v1/oauth2/token')) as { access_token: string };
    const expected = seen(await gatehouse.http().get(USERINFO[0]!).set('Authorization', `Bearer ${token}`));
    expect(expected.status).toBe(200);
    expect(expected.body).toMatchObject({ email: 'admin@example.com' });
    const refused = seen(await gatehouse.http().get(USERINFO[0]!));
    expect(refused.status).toBe(401);
    for (const path of USERINFO.slice(1)) {
      // The seed's curl line.
      expect(seen(await gatehouse.http().get(path).set('Authorization', `Bearer ${token}`))).toEqual(expected);
      expect(seen(await gatehouse.http().post(path).set('Authorization', `Bearer ${token}`))).toEqual(expected);
      expect(seen(await gatehouse.http().get(path))).toEqual(refused);
    }
  });

  it('answers token errors the same at each path', async () => {
    const cases = [
      (path: string) => gatehouse.http().post(path).type('form').send({ client_id: app.client_id, client_secret: app.client_secret }),
      (path: string) => gatehouse.http().post(path).type('form').send({ grant_type: 'password', client_id: app.client_id, client_secret: app.client_secret }),
      (path: string) => gatehouse.http().post(path).set('Authorization', basic({ client_id: app.client_id, client_secret: 'wrong' })).type('form').send({ grant_type: 'client_credentials' }),
    ];
    for (const request of cases) {
      const expected = seen(await request(TOKEN[0]!));
      expect(expected.status).toBeGreaterThanOrEqual(400);
      for (const path of TOKEN.slice(1)) expect(seen(await request(path))).toEqual(expected);
    }
    const success = await gatehouse.http().post(TOKEN[2]!).set('Authorization', basic(ROOT)).type('form').send({ grant_type: 'client_credentials', scope: 'scope:read' });
    expect([success.status, (success.body as { scope: string }).scope]).toEqual([200, 'scope:read']);
  });

  it('introspects and revokes at each path the same way', async () => {
    const { access_token: token } = (await codeFlow('/oauth2/authorize', '/v1/oauth2/token')) as { access_token: string };
    const introspect = (path: string, by: Credentials) => gatehouse.http().post(path).set('Authorization', basic(by)).type('form').send({ token });
    const active = seen(await introspect(INTROSPECT[0]!, introspector));
    expect((active.body as { active: boolean }).active).toBe(true);
    const forbidden = seen(await introspect(INTROSPECT[0]!, app));
    expect(forbidden.status).toBe(403);
    expect(seen(await introspect(INTROSPECT[1]!, introspector))).toEqual(active);
    expect(seen(await introspect(INTROSPECT[1]!, app))).toEqual(forbidden);

    const noToken = (path: string) => gatehouse.http().post(path).set('Authorization', basic(app)).type('form').send({});
    const missing = seen(await noToken(REVOKE[0]!));
    expect(missing.status).toBe(400);
    expect(seen(await noToken(REVOKE[1]!))).toEqual(missing);
    const revoked = await gatehouse.http().post(REVOKE[1]!).set('Authorization', basic(app)).type('form').send({ token });
    expect(revoked.status).toBe(200);
    expect(((await introspect(INTROSPECT[1]!, introspector)).body as { active: boolean }).active).toBe(false);
  });

  it('answers a bad authorization request the same at each authorize path, and signs in back to the path it came from', async () => {
    const bad = { response_type: 'code', client_id: 'no-such-client', redirect_uri: REDIRECT };
    const expected = seen(await gatehouse.http().get(AUTHORIZE[0]!).query(bad));
    expect(expected.status).toBe(400);
    expect(seen(await gatehouse.http().get(AUTHORIZE[1]!).query(bad))).toEqual(expected);
    const toSignIn = await new Browser(gatehouse).authorize({ response_type: 'code', client_id: app.client_id, redirect_uri: REDIRECT, scope: 'openid' }, AUTHORIZE[1]);
    expect(toSignIn.status).toBe(302);
    expect(location(toSignIn).searchParams.get('return_to')).toMatch(/^\/v1\/oauth2\/authorize\?/);
  });
});
