import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChangeFeed } from '../src/change-feed/change-feed.js';
import { type TestApp, startApp } from './support/test-app.js';
import { Browser, location, pkce } from './support/browser.js';
import { basic, createClient, type Credentials } from './support/oauth.js';

const REDIRECT = 'https://app.example.com/callback';
/** Each race is run this many times: one lucky interleaving must not let the bug through. */
const ROUNDS = 5;

interface Tokens {
  access_token: string;
  refresh_token: string;
}

/**
 * A thief racing the rightful client (RFC 9700 §4.14.2, RFC 6749 §4.1.2): several redemptions of
 * one code, or several uses of one refresh token, at the same moment. Exactly one wins; every
 * other is refused as a replay, and whichever order the transactions commit in, no token of the
 * family survives: the winner's access token is refused and inactive, its refresh token fails.
 * Run on one instance and on two instances sharing the database.
 */
describe.each([
  ['one instance', false],
  ['two instances on one database', true],
])('replays racing the rightful use (%s)', (_name, twoInstances) => {
  let first: TestApp;
  let second: TestApp;
  let app: string;
  let resourceServer: Credentials;

  beforeAll(async () => {
    first = await startApp();
    second = twoInstances ? await startApp({ databaseUrl: first.databaseUrl }) : first;
    // No poll timers (the hook the app's shutdown calls stops them): `expectFamilyDead` polls each
    // instance itself, so that a poll that began before the replay cannot stand in for one after it.
    for (const instance of new Set([first, second])) await instance.app.get(ChangeFeed).onApplicationShutdown();
    app = (await createClient(first, { public: true, redirect_uris: [REDIRECT], scopes: ['openid', 'email'] })).client_id;
    resourceServer = await createClient(first, { scopes: ['token:introspect'] });
  });
  afterAll(async () => {
    if (second !== first) await second?.close();
    await first?.close();
  });

  /** Instance i of a burst: alternating between the two when there are two. */
  const instance = (i: number) => (i % 2 === 0 ? first : second);
  const tokenRequest = (target: TestApp, params: Record<string, string>) => target.http().post('/api/v1/oauth/token').type('form').send({ client_id: app, ...params });

  async function authorizationCode(): Promise<{ code: string; verifier: string }> {
    const { verifier, challenge } = pkce();
    const back = await new Browser(first).authorizeAndDecide({ response_type: 'code', client_id: app, redirect_uri: REDIRECT, scope: 'openid email', code_challenge: challenge, code_challenge_method: 'S256' });
    return { code: location(back).searchParams.get('code')!, verifier };
  }

  /** No instance accepts `tokens` once each has read the change feed (the other instance learns of a revocation only there). */
  async function expectFamilyDead(tokens: Tokens): Promise<void> {
    const alive = async (target: TestApp) => {
      const guarded = await target.http().get('/oauth2/userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
      const introspected = await target.http().post('/api/v1/oauth/introspect').set('Authorization', basic(resourceServer)).type('form').send({ token: tokens.access_token });
      return guarded.status !== 401 || (introspected.body as { active: boolean }).active;
    };
    for (const target of new Set([first, second])) {
      await target.app.get(ChangeFeed).poll();
      expect(await alive(target)).toBe(false);
    }
    const refreshed = await tokenRequest(first, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    expect(refreshed.status).toBe(400);
    expect(refreshed.body).toMatchObject({ error: 'invalid_grant' });
  }

  it('six parallel redemptions of one code: one wins, five are replays, and the family is dead', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { code, verifier } = await authorizationCode();
      const responses = await Promise.all(Array.from({ length: 6 }, (_, i) => tokenRequest(instance(i), { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT })));
      const winners = responses.filter((response) => response.status === 200);
      expect(winners).toHaveLength(1);
      for (const loser of responses.filter((response) => response.status !== 200)) {
        expect(loser.status).toBe(400);
        expect(loser.body).toEqual({ error: 'invalid_grant', error_description: 'The authorization code has been used already; the tokens issued from it are revoked' });
      }
      await expectFamilyDead(winners[0]!.body as Tokens);
    }
  });

  it('eight parallel uses of one refresh token: one wins, seven are reuses, and the family is dead', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { code, verifier } = await authorizationCode();
      const issued = await tokenRequest(first, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT });
      expect(issued.status).toBe(200);
      const { refresh_token } = issued.body as Tokens;
      const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => tokenRequest(instance(i), { grant_type: 'refresh_token', refresh_token })));
      const winners = responses.filter((response) => response.status === 200);
      expect(winners).toHaveLength(1);
      for (const loser of responses.filter((response) => response.status !== 200)) {
        expect(loser.status).toBe(400);
        expect(loser.body).toEqual({ error: 'invalid_grant', error_description: 'The refresh token has been used already; every token of its family is now revoked' });
      }
      await expectFamilyDead(winners[0]!.body as Tokens);
      await expectFamilyDead(issued.body as Tokens);
    }
  });
  it('a spent refresh token replayed while the current one is used: no server error, and the family is dead', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { code, verifier } = await authorizationCode();
      const issued = (await tokenRequest(first, { grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: REDIRECT })).body as Tokens;
      const current = (await tokenRequest(first, { grant_type: 'refresh_token', refresh_token: issued.refresh_token })).body as Tokens;
      const [replay, use] = await Promise.all([
        tokenRequest(first, { grant_type: 'refresh_token', refresh_token: issued.refresh_token }),
        tokenRequest(second, { grant_type: 'refresh_token', refresh_token: current.refresh_token }),
      ]);
      expect(replay.status).toBe(400);
      expect(replay.body).toEqual({ error: 'invalid_grant', error_description: 'The refresh token has been used already; every token of its family is now revoked' });
      // Three orders are real, each with its own answer: the rightful use commits first (tokens,
      // revoked since); it is checked after the revocation committed (its token is revoked); or it
      // is checked before and spends after (its token was spent meanwhile: a reuse).
      if (use.status === 200) await expectFamilyDead(use.body as Tokens);
      else {
        expect([use.status, use.body.error]).toEqual([400, 'invalid_grant']);
        expect(['The refresh token has been revoked', 'The refresh token has been used already; every token of its family is now revoked']).toContain(use.body.error_description);
      }
      await expectFamilyDead(current);
    }
  });
});
