import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import * as oauth from 'oauth4webapi';
import { type TestApp, startApp } from './support/test-app.js';
import { ROOT, tokenFor } from './support/oauth.js';
import { createOrganization } from './support/tenants.js';
import { freePort } from './support/server-process.js';

const REDIRECT = 'http://127.0.0.1:7777/callback';
const REALM = 'dcr-interop';

/**
 * Interop for Dynamic Client Registration: openid-client 6's `dynamicClientRegistration` and
 * oauth4webapi 3's `dynamicClientRegistrationRequest` find the registration endpoint in discovery,
 * register against the running server, and then use the client, for the server-wide issuer and a
 * realm's. Code we did not write checks the response (status 201, client_id, the metadata).
 */
describe('dynamic client registration with openid-client and oauth4webapi', () => {
  let gatehouse: TestApp;
  let issuer: string;
  let root: string;

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    gatehouse = await startApp({ env: { PUBLIC_URL: issuer } });
    await gatehouse.app.listen({ port, host: '127.0.0.1' });
    root = await tokenFor(gatehouse, ROOT);
    await createOrganization(gatehouse, { name: REALM, oauth_enabled: true, open_registration: true });
    expect((await gatehouse.http().put('/api/v1/organizations/default').set('Authorization', `Bearer ${root}`).send({ open_registration: true })).status).toBe(200);
  });
  afterAll(() => gatehouse.close());

  const serverUrl = (realm: string | undefined) => new URL(realm === undefined ? issuer : `${issuer}/auth/realms/${realm}`);

  /** An initial access token for the organization, issued by the root client. */
  async function initialAccessToken(realm: string | undefined): Promise<string> {
    const response = await gatehouse.http().post('/api/v1/oauth/registration-token').set('Authorization', `Bearer ${root}`).send({ name: 'interop', scopes: ['client:read'], organization: realm ?? 'default' });
    expect(response.status).toBe(201);
    return (response.body as { token: string }).token;
  }

  describe.each([
    ['the server-wide issuer', undefined],
    ['a realm issuer', REALM],
  ])('against %s', (_what, realm) => {
    it('openid-client 6 registers a confidential client with an initial access token, gets a client-credentials token, and reads its registration (RFC 7592)', async () => {
      const config = await oidc.dynamicClientRegistration(
        serverUrl(realm),
        { client_name: 'openid-client service', grant_types: ['client_credentials'], scope: 'client:read', token_endpoint_auth_method: 'client_secret_basic' },
        undefined,
        { initialAccessToken: await initialAccessToken(realm), execute: [oidc.allowInsecureRequests] },
      );
      const metadata = config.clientMetadata();
      expect(metadata).toMatchObject({ client_name: 'openid-client service', token_endpoint_auth_method: 'client_secret_basic', client_secret_expires_at: 0 });
      expect(metadata.registration_client_uri).toBe(`${config.serverMetadata().registration_endpoint}/${metadata.client_id}`);

      const tokens = await oidc.clientCredentialsGrant(config, { scope: 'client:read' });
      expect(tokens.scope).toBe('client:read');
      expect((await gatehouse.http().get('/api/v1/oauth/client').set('Authorization', `Bearer ${tokens.access_token}`)).status).toBe(200);

      const read = await fetch(String(metadata.registration_client_uri), { headers: { Authorization: `Bearer ${String(metadata.registration_access_token)}` } });
      expect(read.status).toBe(200);
      expect(await read.json()).toMatchObject({ client_id: metadata.client_id, client_name: 'openid-client service' });
    });

    it('openid-client 6 registers a public client by open registration, and its authorization URL is one the server takes', async () => {
      const config = await oidc.dynamicClientRegistration(serverUrl(realm), { redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], scope: 'openid' }, oidc.None(), {
        execute: [oidc.allowInsecureRequests],
      });
      expect(config.clientMetadata().client_secret).toBeUndefined();
      const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256', state: oidc.randomState() });
      expect(url.href.startsWith(config.serverMetadata().authorization_endpoint!)).toBe(true);
      // The client and its redirect URI are known: the server asks the user to sign in rather than refusing.
      const response = await fetch(url, { redirect: 'manual' });
      expect(response.status).toBe(302);
      expect(new URL(response.headers.get('location')!, issuer).pathname).toBe('/oauth2/sign-in');
    });

    it('oauth4webapi 3 registers a confidential client with an access token holding client:create, and gets a client-credentials token', async () => {
      const options = { [oauth.allowInsecureRequests]: true };
      const as = await oauth.processDiscoveryResponse(serverUrl(realm), await oauth.discoveryRequest(serverUrl(realm), { ...options, algorithm: 'oidc' }));
      expect(as.registration_endpoint).toBeDefined();
      const response = await oauth.dynamicClientRegistrationRequest(as, { client_name: 'oauth4webapi service', grant_types: ['client_credentials'], scope: 'client:read' }, { ...options, initialAccessToken: root });
      const client = await oauth.processDynamicClientRegistrationResponse(response);
      expect(client).toMatchObject({ client_name: 'oauth4webapi service', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'] });

      const tokenResponse = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(client.client_secret as string), new URLSearchParams({ scope: 'client:read' }), options);
      const tokens = await oauth.processClientCredentialsResponse(as, client, tokenResponse);
      expect(tokens.token_type.toLowerCase()).toBe('bearer');
      expect(tokens.scope).toBe('client:read');
    });

    it('oauth4webapi 3 reports RFC 7591 errors as the server sends them', async () => {
      const options = { [oauth.allowInsecureRequests]: true };
      const as = await oauth.processDiscoveryResponse(serverUrl(realm), await oauth.discoveryRequest(serverUrl(realm), { ...options, algorithm: 'oidc' }));
      const response = await oauth.dynamicClientRegistrationRequest(as, { redirect_uris: ['http://app.example.com/callback'], token_endpoint_auth_method: 'none' }, options);
      await expect(oauth.processDynamicClientRegistrationResponse(response)).rejects.toMatchObject({ error: 'invalid_redirect_uri', status: 400 });
    });
  });
});
