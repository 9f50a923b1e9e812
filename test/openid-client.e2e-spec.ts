import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { type TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, startApp } from './support/test-app.js';
import { Browser, location } from './support/browser.js';
import { createClient, ROOT, tokenFor } from './support/oauth.js';
import { createClientIn, createOrganization } from './support/tenants.js';
import { freePort } from './support/server-process.js';

const REDIRECT = 'http://127.0.0.1:7777/callback';


/**
 * Interop with openid-client (panva's certified relying-party library): discovery, the
 * authorization code flow with PKCE, ID token validation (signature from the JWKS, iss, aud,
 * nonce, at_hash), RFC 9207's iss check, refresh, and userinfo, all by code we did not write.
 */
describe('openid-client as the relying party', () => {
  let gatehouse: TestApp;
  let issuer: string;

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    gatehouse = await startApp({ env: { PUBLIC_URL: issuer } });
    await gatehouse.app.listen({ port, host: '127.0.0.1' });
  });
  afterAll(() => gatehouse.close());

  /** Runs the user's part in a cookie-keeping client and returns the URL the app was sent back to. */
  async function userApproves(authorizationUrl: URL, user?: { email: string; password: string }): Promise<URL> {
    const response = await new Browser(gatehouse).authorizeAndDecide(Object.fromEntries(authorizationUrl.searchParams), 'allow', authorizationUrl.pathname, user);
    return location(response);
  }

  it.each([
    ['the server-wide issuer', undefined],
    ['a realm issuer', 'interop'],
  ])('completes discovery, code + PKCE, refresh and userinfo against %s', async (_what, realm) => {
    let clientId: string;
    let user = { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, name: 'Administrator' };
    if (realm) {
      await createOrganization(gatehouse, { name: realm, oauth_enabled: true });
      clientId = (await createClientIn(gatehouse, realm, { public: true, redirect_uris: [REDIRECT], scopes: ['openid', 'email', 'profile'] })).client_id;
      // Another organization's apps serve its own members.
      user = { email: 'member@interop.test', password: 'interop member password', name: 'Interop Member' };
      const root = await tokenFor(gatehouse, ROOT);
      expect((await gatehouse.http().post('/api/v1/users').set('Authorization', `Bearer ${root}`).send({ ...user, organization: realm })).status).toBe(201);
    } else {
      clientId = (await createClient(gatehouse, { public: true, redirect_uris: [REDIRECT], scopes: ['openid', 'email', 'profile'] })).client_id;
    }
    const serverUrl = new URL(realm ? `${issuer}/auth/realms/${realm}` : issuer);
    const config = await oidc.discovery(serverUrl, clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    expect(config.serverMetadata().issuer).toBe(serverUrl.href.replace(/\/$/, ''));

    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const authorizationUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const callback = await userApproves(authorizationUrl, user);
    expect(callback.searchParams.get('code')).toBeTruthy();

    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ iss: config.serverMetadata().issuer, aud: clientId, nonce, email: user.email });
    expect(tokens.refresh_token).toMatch(/^gat_rt_/);

    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(userinfo).toMatchObject({ sub: claims.sub, email: user.email, name: user.name });

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.claims()?.sub).toBe(claims.sub);
    // The spent refresh token is refused, and openid-client reports the server's error.
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('rejects a state mismatch on the client side, as a relying party must', async () => {
    const clientId = (await createClient(gatehouse, { public: true, redirect_uris: [REDIRECT], scopes: ['openid'] })).client_id;
    const config = await oidc.discovery(new URL(issuer), clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'one' });
    const callback = await userApproves(url);
    const failure = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: 'another' }).then(
      () => undefined,
      (caught: unknown) => caught as Error & { cause?: { message?: string } },
    );
    // The grant must have been refused (undefined would mean it succeeded with the wrong state).
    expect(failure).toBeInstanceOf(Error);
    expect(`${failure!.message} ${failure!.cause?.message ?? ''}`).toMatch(/state/);
  });
});
