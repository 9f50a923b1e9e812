import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { Browser, hiddenFields, location, pkce } from './support/browser.js';
import { createClient } from './support/oauth.js';
import { type TestApp, isMariaDb, startApp } from './support/test-app.js';

const REDIRECT = 'https://app.example.com/callback';

/**
 * Taking back a consent deletes it and revokes the refresh and access tokens that go with it, in
 * one unit of work. A database trigger makes the last write (the access tokens' revocation)
 * fail: nothing before it may stay written.
 */
describe('consent revocation', () => {
  let gatehouse: TestApp;
  let app: string;
  let dataSource: DataSource;

  beforeAll(async () => {
    gatehouse = await startApp();
    dataSource = gatehouse.app.get(DataSource);
    app = (await createClient(gatehouse, { name: 'Dashboard', public: true, redirect_uris: [REDIRECT], scopes: ['openid', 'email'] })).client_id;
  });
  afterAll(() => gatehouse.close());

  const count = async (sql: string, ...parameters: unknown[]) => Number(((await dataSource.query(sql, parameters)) as { n: number | string }[])[0]!.n);
  const refuseRevokedTokens = () =>
    dataSource.query(
      isMariaDb()
        ? "CREATE TRIGGER refuse_revoked_token BEFORE INSERT ON revoked_token FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'"
        : "CREATE TRIGGER refuse_revoked_token BEFORE INSERT ON revoked_token BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
    );

  it('leaves the consent and every token as they were when a later step fails, and revokes them all once it can', async () => {
    const browser = new Browser(gatehouse);
    const { verifier, challenge } = pkce();
    const back = await browser.authorizeAndDecide({ response_type: 'code', client_id: app, scope: 'openid email', code_challenge: challenge, code_challenge_method: 'S256' });
    const tokens = (await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'authorization_code', client_id: app, code: location(back).searchParams.get('code')!, code_verifier: verifier }))
      .body as Record<string, string>;
    const userinfo = () => gatehouse.http().get('/oauth2/userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
    const revoke = async () => {
      const page = await browser.agent.get('/oauth2/account');
      return browser.agent.post('/oauth2/account/consents/revoke').type('form').send({ csrf_token: hiddenFields(page.text).csrf_token, client_id: app, confirm: 'yes' });
    };
    const consentsOfApp = () => count('SELECT COUNT(*) AS n FROM consent WHERE client_id = ?', app);
    const liveRefreshTokens = () => count('SELECT COUNT(*) AS n FROM refresh_token WHERE client_id = ? AND revoked_at IS NULL', app);
    const revocationEvents = () => count("SELECT COUNT(*) AS n FROM audit_event WHERE action IN ('consent.revoked', 'refresh_token.revoked')");
    const revokedFamilies = () => count('SELECT COUNT(*) AS n FROM revoked_family');

    expect(await consentsOfApp()).toBe(1);
    expect(await liveRefreshTokens()).toBe(1);
    // Allowing the app was a change of its own, audited.
    expect(await count("SELECT COUNT(*) AS n FROM audit_event WHERE action = 'consent.granted' AND target_id = ?", app)).toBe(1);
    const [eventsBefore, familiesBefore] = [await revocationEvents(), await revokedFamilies()];

    await refuseRevokedTokens();
    try {
      expect((await revoke()).status).toBe(500);
    } finally {
      await dataSource.query('DROP TRIGGER refuse_revoked_token');
    }
    // Nothing of the failed revocation stayed: the consent, the refresh token, its family and the access token are as they were.
    expect(await consentsOfApp()).toBe(1);
    expect(await liveRefreshTokens()).toBe(1);
    expect(await revokedFamilies()).toBe(familiesBefore);
    expect(await revocationEvents()).toBe(eventsBefore);
    expect((await userinfo()).status).toBe(200);
    expect((await browser.agent.get('/oauth2/account')).text).toContain('<strong>Dashboard</strong>');

    expect((await revoke()).status).toBe(303);
    expect(await consentsOfApp()).toBe(0);
    expect(await liveRefreshTokens()).toBe(0);
    expect(await revocationEvents()).toBe(eventsBefore + 2);
    expect((await userinfo()).status).toBe(401);
    const refreshed = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'refresh_token', client_id: app, refresh_token: tokens.refresh_token });
    expect(refreshed.body.error).toBe('invalid_grant');
  });

  it('also ends the authorization codes issued under the consent and not yet redeemed', async () => {
    const browser = new Browser(gatehouse);
    const { verifier, challenge } = pkce();
    const back = await browser.authorizeAndDecide({ response_type: 'code', client_id: app, scope: 'openid email', code_challenge: challenge, code_challenge_method: 'S256' });
    const code = location(back).searchParams.get('code')!;
    const page = await browser.agent.get('/oauth2/account');
    expect((await browser.agent.post('/oauth2/account/consents/revoke').type('form').send({ csrf_token: hiddenFields(page.text).csrf_token, client_id: app, confirm: 'yes' })).status).toBe(303);
    // The code was issued before the user took the consent back: redeeming it now would bring the access back.
    const redeemed = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'authorization_code', client_id: app, code, code_verifier: verifier });
    expect(redeemed.status).toBe(400);
    expect(redeemed.body.error).toBe('invalid_grant');
  });
});
