import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { getRepositoryToken } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { InitialAccessTokenEntity } from '../src/client-registration/entities/initial-access-token.entity.js';
import { ClientRegistrationEntity } from '../src/client-registration/entities/client-registration.entity.js';
import { type TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, startApp } from './support/test-app.js';
import { basic, createClient, ROOT, tokenFor } from './support/oauth.js';
import { APP_REDIRECT, userTokens } from './support/principals.js';
import { createOrganization } from './support/tenants.js';
import { manualClock } from './support/clock.js';

const REGISTER = '/v1/oauth2/register';
const HOUR_MS = 3_600_000;
const OPEN_LIMIT = 4;

/**
 * Dynamic Client Registration (RFC 7591) and its management (RFC 7592) as Polar serves them:
 * who may register (a personal access token, an initial access token, nobody where the
 * organization allows it), what they may register (never more than they hold), and every refusal
 * in RFC 7591's error vocabulary.
 */
describe('dynamic client registration', () => {
  let gatehouse: TestApp;
  let root: string;
  let pat: string;
  let clock: { now(): number; advance(ms: number): void };

  const register = (body: unknown, token?: string, path = REGISTER) => {
    const request = gatehouse.http().post(path);
    if (token !== undefined) request.set('Authorization', `Bearer ${token}`);
    return request.send(body as object);
  };
  const manage = (method: 'get' | 'put' | 'delete', uri: string, token: string, body?: unknown) => {
    const request = gatehouse.http()[method](new URL(uri).pathname).set('Authorization', `Bearer ${token}`);
    return body === undefined ? request : request.send(body as object);
  };
  const setOrganization = (name: string, body: Record<string, unknown>) => gatehouse.http().put(`/api/v1/organizations/${name}`).set('Authorization', `Bearer ${root}`).send(body);
  /** Moves the clock on, and mints the root client's token anew (the old one may have expired). */
  const advance = async (ms: number) => {
    clock.advance(ms);
    root = await tokenFor(gatehouse, ROOT);
  };
  const asRoot = (method: 'get' | 'post' | 'delete', path: string) => gatehouse.http()[method](path).set('Authorization', `Bearer ${root}`);

  beforeAll(async () => {
    gatehouse = await startApp({ env: { OPEN_REGISTRATION_PER_HOUR: String(OPEN_LIMIT) } });
    clock = manualClock(gatehouse);
    root = await tokenFor(gatehouse, ROOT);
    // The administrator's personal access token, made as Polar's developers make theirs.
    const dashboard = await createClient(gatehouse, { name: 'Dashboard', public: true, redirect_uris: [APP_REDIRECT], scopes: ['openid', 'token:personal', 'client:create', 'client:read'] });
    const userToken = (await userTokens(gatehouse, { clientId: dashboard.client_id, scope: 'openid token:personal client:create client:read', person: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } })).access_token!;
    const created = await gatehouse.http().post('/api/v1/users/me/tokens').set('Authorization', `Bearer ${userToken}`).send({ name: 'registration', scopes: ['client:create', 'client:read'], expires_in_days: 7 });
    expect(created.status).toBe(201);
    pat = (created.body as { token: string }).token;
  });
  afterAll(() => gatehouse.close());

  it('publishes the registration endpoint in the discovery documents: Polar path for the server, Keycloak path for a realm', async () => {
    const server = await gatehouse.http().get('/.well-known/openid-configuration');
    expect(server.body.registration_endpoint).toBe(`${server.body.issuer}${REGISTER}`);
    expect((await gatehouse.http().get('/.well-known/oauth-authorization-server')).body.registration_endpoint).toBe(`${server.body.issuer}${REGISTER}`);
    const realm = await gatehouse.http().get('/auth/realms/default/.well-known/openid-configuration');
    expect(realm.body.registration_endpoint).toBe(`${realm.body.issuer}/clients-registrations/openid-connect`);
  });

  it('registers a confidential client with a personal access token, answers RFC 7591 §3.2.1, and the client gets tokens', async () => {
    const response = await register(
      {
        client_name: 'Nightly export',
        redirect_uris: ['https://export.example.com/callback'],
        client_uri: 'https://export.example.com',
        logo_uri: 'https://export.example.com/logo.png',
        tos_uri: 'https://export.example.com/tos',
        policy_uri: 'https://export.example.com/privacy',
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        response_types: ['code'],
        scope: 'openid client:read',
        default_sub_type: 'organization',
        software_statement_unknown_field: 'ignored',
      },
      pat,
    );
    expect(response.status).toBe(201);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = response.body as Record<string, unknown>;
    expect(body).toEqual({
      client_id: expect.any(String),
      client_secret: expect.any(String),
      client_id_issued_at: expect.any(Number),
      client_secret_expires_at: 0,
      registration_access_token: expect.stringMatching(/^gat_rat_[\w-]{43}$/),
      registration_client_uri: expect.stringMatching(new RegExp(`${REGISTER}/${String(body.client_id)}$`)),
      client_name: 'Nightly export',
      redirect_uris: ['https://export.example.com/callback'],
      client_uri: 'https://export.example.com',
      logo_uri: 'https://export.example.com/logo.png',
      tos_uri: 'https://export.example.com/tos',
      policy_uri: 'https://export.example.com/privacy',
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types: ['code'],
      scope: 'openid client:read',
      default_sub_type: 'organization',
      post_logout_redirect_uris: [],
      id_token_signed_response_alg: 'RS256',
      require_pushed_authorization_requests: false,
      dpop_bound_access_tokens: false,
    });
    expect(Math.abs(Number(body.client_id_issued_at) - clock.now() / 1000)).toBeLessThan(2);

    const token = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: body.client_id, client_secret: body.client_secret, scope: 'client:read' });
    expect(token.status).toBe(200);
    expect((await gatehouse.http().get('/api/v1/oauth/client').set('Authorization', `Bearer ${token.body.access_token}`)).status).toBe(200);

    // The client API shows it like any other, in the personal access token's organization.
    const shown = await asRoot('get', `/api/v1/oauth/client/${String(body.client_id)}`);
    expect(shown.body).toMatchObject({ name: 'Nightly export', client_uri: 'https://export.example.com', public: false });
    const audit = await asRoot('get', `/api/v1/audit?target=${String(body.client_id)}`);
    expect((audit.body.events as { action: string }[]).map((event) => event.action).sort()).toEqual(['client.created', 'client.registered']);
    expect(JSON.stringify(audit.body)).not.toContain(String(body.registration_access_token));
  });

  it('serves the /api/v1 form of the path too, defaults RFC 7591 grant and response types, and registers a public client with method none', async () => {
    const response = await register({ redirect_uris: ['http://127.0.0.1:8123/cb'], token_endpoint_auth_method: 'none' }, pat, `/api${REGISTER}`);
    expect(response.status).toBe(201);
    expect(response.body.client_secret).toBeUndefined();
    expect(response.body.client_secret_expires_at).toBeUndefined();
    expect(response.body).toMatchObject({ token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], response_types: ['code'], scope: 'openid' });
  });

  it('registers the OpenID Connect logout and ID token settings, and refuses bad ones as invalid_client_metadata', async () => {
    const response = await register({ redirect_uris: [APP_REDIRECT], post_logout_redirect_uris: ['https://app.example.com/signed-out'], id_token_signed_response_alg: 'ES256' }, pat);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ post_logout_redirect_uris: ['https://app.example.com/signed-out'], id_token_signed_response_alg: 'ES256' });
    const read = await manage('get', response.body.registration_client_uri, response.body.registration_access_token);
    expect(read.body).toMatchObject({ post_logout_redirect_uris: ['https://app.example.com/signed-out'], id_token_signed_response_alg: 'ES256' });
    // RFC 7592 §2.2: an update that omits them returns them to their defaults.
    const updated = await manage('put', response.body.registration_client_uri, response.body.registration_access_token, { client_id: response.body.client_id, redirect_uris: [APP_REDIRECT] });
    expect([updated.status, updated.body.post_logout_redirect_uris, updated.body.id_token_signed_response_alg]).toEqual([200, [], 'RS256']);
    for (const bad of [{ id_token_signed_response_alg: 'HS256' }, { id_token_signed_response_alg: 'none' }, { post_logout_redirect_uris: 'https://app.example.com/out' }, { post_logout_redirect_uris: ['not a uri'] }]) {
      const refused = await register({ redirect_uris: [APP_REDIRECT], ...bad }, pat);
      expect([JSON.stringify(bad), refused.status, refused.body.error]).toEqual([JSON.stringify(bad), 400, 'invalid_client_metadata']);
    }
  });

  it("applies Polar's default_sub_type when an authorization request names no sub_type", async () => {
    const registered = await register({ redirect_uris: ['https://orgs.example.com/cb'], token_endpoint_auth_method: 'none', scope: 'openid', default_sub_type: 'organization' }, pat);
    expect(registered.status).toBe(201);
    const authorize = (extra: Record<string, string>) =>
      gatehouse
        .http()
        .get('/oauth2/authorize')
        .query({ response_type: 'code', client_id: registered.body.client_id, redirect_uri: 'https://orgs.example.com/cb', scope: 'openid', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', ...extra });
    // An organization token carries no identity scope: with only openid, the default makes the request fail.
    const asOrganization = await authorize({});
    expect(asOrganization.status).toBe(302);
    expect(new URL(asOrganization.headers.location!).searchParams.get('error')).toBe('invalid_scope');
    const asUser = await authorize({ sub_type: 'user' });
    expect(asUser.status).toBe(302);
    expect(new URL(asUser.headers.location!, 'http://gatehouse').pathname).toBe('/oauth2/sign-in');
    expect((await asRoot('get', `/api/v1/oauth/client/${String(registered.body.client_id)}`)).body.default_sub_type).toBe('organization');
  });

  it('refuses without a token (open registration off), with a bad token, and a token without client:create', async () => {
    const metadata = { redirect_uris: ['https://app.example.com/cb'], token_endpoint_auth_method: 'none' };
    const none = await register(metadata);
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer /);
    const bad = await register(metadata, 'gat_pat_notarealtoken');
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe('invalid_token');
    expect(bad.headers['www-authenticate']).toContain('error="invalid_token"');
    const reader = await createClient(gatehouse, { scopes: ['client:read'] });
    const weak = await register(metadata, await tokenFor(gatehouse, reader));
    expect(weak.status).toBe(403);
    expect(weak.body.error).toBe('insufficient_scope');
  });

  it('never grants more than the registrant holds: invalid_client_metadata, and no client is made', async () => {
    const before = (await asRoot('get', '/api/v1/oauth/client?size=100')).body.total as number;
    const response = await register({ grant_types: ['client_credentials'], scope: 'client:read key:read' }, pat);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_client_metadata');
    expect(response.body.error_description).toContain('key:read');
    expect(response.headers['cache-control']).toBe('no-store');
    expect((await asRoot('get', '/api/v1/oauth/client?size=100')).body.total).toBe(before);
  });

  it.each([
    ['a cleartext redirect off loopback', { redirect_uris: ['http://app.example.com/cb'] }, 'invalid_redirect_uri'],
    ['a redirect with a fragment', { redirect_uris: ['https://app.example.com/cb#x'] }, 'invalid_redirect_uri'],
    ['no redirect URI for the code grant', { grant_types: ['authorization_code'] }, 'invalid_redirect_uri'],
    ['redirect_uris not a list', { redirect_uris: 'https://app.example.com/cb' }, 'invalid_redirect_uri'],
    ['an unknown auth method', { grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata'],
    ['an unsupported grant', { grant_types: ['implicit'], redirect_uris: ['https://app.example.com/cb'] }, 'invalid_client_metadata'],
    ['a response type beyond code', { response_types: ['token'], redirect_uris: ['https://app.example.com/cb'] }, 'invalid_client_metadata'],
    ['grant and response types that disagree', { grant_types: ['client_credentials'], response_types: ['code'] }, 'invalid_client_metadata'],
    ['a public client with client_credentials', { grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' }, 'invalid_client_metadata'],
    ['a bad logo_uri', { grant_types: ['client_credentials'], logo_uri: 'javascript:alert(1)' }, 'invalid_client_metadata'],
    ['an unknown scope', { grant_types: ['client_credentials'], scope: 'no-such-scope' }, 'invalid_client_metadata'],
    ['a bad default_sub_type', { grant_types: ['client_credentials'], default_sub_type: 'robot' }, 'invalid_client_metadata'],
    ['a body that is not an object', ['client_name'], 'invalid_client_metadata'],
    ['duplicate redirect URIs', { redirect_uris: ['https://app.example.com/cb', 'https://app.example.com/cb'] }, 'invalid_redirect_uri'],
    ['more redirect URIs than a client holds', { redirect_uris: Array.from({ length: 11 }, (_, n) => `https://app.example.com/cb${n}`) }, 'invalid_redirect_uri'],
    ['a client_name too long', { grant_types: ['client_credentials'], client_name: 'x'.repeat(201) }, 'invalid_client_metadata'],
    ['a client_name that is not a string', { grant_types: ['client_credentials'], client_name: 7 }, 'invalid_client_metadata'],
    ['a scope name with a quote', { grant_types: ['client_credentials'], scope: 'a"b' }, 'invalid_client_metadata'],
  ])('refuses %s with %s', async (_what, metadata, error) => {
    const response = await register(metadata, pat);
    expect(response.status).toBe(400);
    expect(response.body.error).toBe(error);
  });

  it('answers a body that is not JSON with an OAuth error body', async () => {
    const response = await gatehouse.http().post(REGISTER).set('Authorization', `Bearer ${pat}`).set('Content-Type', 'application/json').send('{not json');
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_request');
  });

  it('reads, updates (rotating the registration access token) and deletes a client with its registration access token only', async () => {
    const created = (await register({ client_name: 'Managed', redirect_uris: ['https://m.example.com/cb'], grant_types: ['authorization_code', 'client_credentials'], scope: 'openid client:read' }, pat)).body as Record<string, string>;
    const other = (await register({ client_name: 'Other', grant_types: ['client_credentials'] }, pat)).body as Record<string, string>;
    const uri = created.registration_client_uri!;
    const token = created.registration_access_token!;

    const read = await manage('get', uri, token);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ client_id: created.client_id, client_name: 'Managed', scope: 'openid client:read', token_endpoint_auth_method: 'client_secret_basic', registration_client_uri: uri });
    expect(read.body.client_secret).toBeUndefined();
    expect(read.body.registration_access_token).toBeUndefined();

    // A token for one client never opens another; nor does a missing, malformed or absent one.
    for (const [what, response] of [
      ['another client', await manage('get', uri, other.registration_access_token!)],
      ['its own token on the other client', await manage('get', other.registration_client_uri!, token)],
      ['a made-up token', await manage('get', uri, 'gat_rat_madeup')],
      ['the personal access token', await manage('get', uri, pat)],
      ['a client that does not exist', await manage('get', `${uri}-missing`, token)],
    ] as const) {
      expect([what, response.status, response.body.error]).toEqual([what, 401, 'invalid_token']);
      expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
    }
    expect((await gatehouse.http().get(new URL(uri).pathname)).status).toBe(401);

    // Update: the body replaces the metadata; the scopes stay within what was granted.
    const beyond = await manage('put', uri, token, { client_id: created.client_id, redirect_uris: ['https://m.example.com/cb'], grant_types: ['authorization_code', 'client_credentials'], scope: 'openid client:read client:create' });
    expect(beyond.status).toBe(400);
    expect(beyond.body.error).toBe('invalid_client_metadata');
    expect((await manage('put', uri, token, { client_id: other.client_id, grant_types: ['client_credentials'] })).body.error).toBe('invalid_client_metadata');
    expect((await manage('put', uri, token, { client_id: created.client_id, client_secret: 'wrong', grant_types: ['client_credentials'] })).body.error).toBe('invalid_client_metadata');
    expect((await manage('put', uri, token, { client_id: created.client_id, redirect_uris: ['https://m.example.com/cb'], token_endpoint_auth_method: 'none' })).body.error).toBe('invalid_client_metadata');
    const updated = await manage('put', uri, token, { client_id: created.client_id, client_secret: created.client_secret, client_name: 'Renamed', grant_types: ['client_credentials'], scope: 'client:read' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ client_name: 'Renamed', grant_types: ['client_credentials'], response_types: [], scope: 'client:read' });
    expect(updated.body.redirect_uris).toEqual([]);
    const rotated = updated.body.registration_access_token as string;
    expect(rotated).toMatch(/^gat_rat_/);
    expect(rotated).not.toBe(token);
    expect((await manage('get', uri, token)).status).toBe(401);
    expect((await manage('get', uri, rotated)).body.client_name).toBe('Renamed');
    // The secret did not change.
    expect((await gatehouse.http().post('/api/v1/oauth/token').set('Authorization', basic({ client_id: created.client_id!, client_secret: created.client_secret! })).type('form').send({ grant_type: 'client_credentials' })).status).toBe(200);

    const deleted = await manage('delete', uri, rotated);
    expect(deleted.status).toBe(204);
    expect((await manage('get', uri, rotated)).status).toBe(401);
    expect((await asRoot('get', `/api/v1/oauth/client/${created.client_id}`)).status).toBe(404);
    const audit = await asRoot('get', `/api/v1/audit?target=${created.client_id}`);
    expect((audit.body.events as { action: string }[]).map((event) => event.action)).toEqual(expect.arrayContaining(['client.registered', 'client.updated', 'client.deleted']));
  });

  it('rotates a registration access token once, when updates race with it', async () => {
    const created = (await register({ client_name: 'Raced', grant_types: ['client_credentials'] }, pat)).body as Record<string, string>;
    // A barrier: every update reads the registration (the token still good) before any of them rotates it.
    const repository = gatehouse.app.get<Repository<ClientRegistrationEntity>>(getRepositoryToken(ClientRegistrationEntity), { strict: false });
    const read = repository.findOneBy.bind(repository);
    let arrived = 0;
    let release!: () => void;
    const barrier = new Promise<void>((resolve) => (release = resolve));
    const spy = jest.spyOn(repository, 'findOneBy').mockImplementation(async (where) => {
      const row = await read(where);
      if (++arrived === 3) release();
      await barrier;
      return row;
    });
    const results = await Promise.all([1, 2, 3].map((n) => manage('put', created.registration_client_uri!, created.registration_access_token!, { client_id: created.client_id, client_name: `update ${n}`, grant_types: ['client_credentials'] })));
    spy.mockRestore();
    expect(results.map((response) => response.status).sort()).toEqual([200, 401, 401]);
    const winner = results.find((response) => response.status === 200)!;
    expect((await manage('get', created.registration_client_uri!, winner.body.registration_access_token as string)).body.client_name).toBe(winner.body.client_name);
  });

  it('issues initial access tokens: bounded scopes, limited uses, expiry, revocation, listed without the secret', async () => {
    const reader = await createClient(gatehouse, { scopes: ['client:read'] });
    // Nobody issues one for scopes they do not hold.
    const refused = await gatehouse.http().post('/api/v1/oauth/registration-token').set('Authorization', `Bearer ${pat}`).send({ name: 'too much', scopes: ['key:read'] });
    expect(refused.status).toBe(403);
    expect((await gatehouse.http().post('/api/v1/oauth/registration-token').set('Authorization', `Bearer ${await tokenFor(gatehouse, reader)}`).send({ name: 'x', scopes: [] })).status).toBe(403);

    const issued = await gatehouse.http().post('/api/v1/oauth/registration-token').set('Authorization', `Bearer ${pat}`).send({ name: 'Partner', scopes: ['openid', 'client:read'], max_uses: 1, expires_in: 600 });
    expect(issued.status).toBe(201);
    const iat = issued.body as { id: string; token: string };
    expect(iat.token).toMatch(/^gat_iat_[\w-]{43}$/);

    // Beyond its scopes: refused, and the use is not spent.
    const beyond = await register({ grant_types: ['client_credentials'], scope: 'client:create' }, iat.token);
    expect(beyond.status).toBe(400);
    expect(beyond.body.error).toBe('invalid_client_metadata');
    const first = await register({ grant_types: ['client_credentials'], scope: 'client:read' }, iat.token);
    expect(first.status).toBe(201);
    const usedUp = await register({ grant_types: ['client_credentials'], scope: 'client:read' }, iat.token);
    expect(usedUp.status).toBe(401);
    expect(usedUp.body.error).toBe('invalid_token');
    expect(usedUp.body.error_description).toContain('used up');

    const listed = await asRoot('get', '/api/v1/oauth/registration-token');
    expect(listed.status).toBe(200);
    const row = (listed.body as Record<string, unknown>[]).find((token) => token.id === iat.id)!;
    expect(row).toMatchObject({ name: 'Partner', uses: 1, max_uses: 1, scopes: ['openid', 'client:read'] });
    expect(JSON.stringify(listed.body)).not.toContain(iat.token);

    const short = (await gatehouse.http().post('/api/v1/oauth/registration-token').set('Authorization', `Bearer ${root}`).send({ name: 'Short', scopes: [], max_uses: 5, expires_in: 60 })).body as { id: string; token: string };
    clock.advance(61_000);
    const expired = await register({ grant_types: ['client_credentials'] }, short.token);
    expect(expired.status).toBe(401);
    expect(expired.body.error_description).toContain('expired');

    const revocable = (await gatehouse.http().post('/api/v1/oauth/registration-token').set('Authorization', `Bearer ${root}`).send({ name: 'Revocable', scopes: [], max_uses: 5 })).body as { id: string; token: string };
    expect((await asRoot('delete', `/api/v1/oauth/registration-token/${revocable.id}`)).status).toBe(204);
    expect((await register({ grant_types: ['client_credentials'] }, revocable.token)).status).toBe(401);
    expect((await asRoot('delete', `/api/v1/oauth/registration-token/${revocable.id}`)).status).toBe(404);
  });

  it('spends the last use of an initial access token once, when registrations race for it', async () => {
    const issued = (await gatehouse.http().post('/api/v1/oauth/registration-token').set('Authorization', `Bearer ${root}`).send({ name: 'Race', scopes: [], max_uses: 1 })).body as { id: string; token: string };
    // A barrier: every request reads the token (one use left) before any of them registers.
    const repository = gatehouse.app.get<Repository<InitialAccessTokenEntity>>(getRepositoryToken(InitialAccessTokenEntity), { strict: false });
    const read = repository.findOneBy.bind(repository);
    let arrived = 0;
    let release!: () => void;
    const barrier = new Promise<void>((resolve) => (release = resolve));
    const spy = jest.spyOn(repository, 'findOneBy').mockImplementation(async (where) => {
      const row = await read(where);
      if (++arrived === 4) release();
      await barrier;
      return row;
    });
    const results = await Promise.all(Array.from({ length: 4 }, (_, n) => register({ client_name: `racer ${n}`, grant_types: ['client_credentials'] }, issued.token)));
    spy.mockRestore();
    expect(results.map((response) => response.status).sort()).toEqual([201, 401, 401, 401]);
    const listed = (await asRoot('get', '/api/v1/oauth/registration-token')).body as { id: string; uses: number }[];
    expect(listed.find((token) => token.id === issued.id)!.uses).toBe(1);
  });

  it('an initial access token for a realm registers there only', async () => {
    await createOrganization(gatehouse, { name: 'iat-realm', oauth_enabled: true });
    const issued = (await gatehouse.http().post('/api/v1/oauth/registration-token').set('Authorization', `Bearer ${root}`).send({ name: 'Realm', scopes: [], max_uses: 2, organization: 'iat-realm' })).body as { token: string };
    expect((await register({ grant_types: ['client_credentials'] }, issued.token, '/auth/realms/default/clients-registrations/openid-connect')).status).toBe(401);
    const registered = await register({ grant_types: ['client_credentials'] }, issued.token, '/auth/realms/iat-realm/clients-registrations/openid-connect');
    expect(registered.status).toBe(201);
    expect(registered.body.registration_client_uri).toMatch(/\/auth\/realms\/iat-realm\/clients-registrations\/openid-connect\//);
    const organization = (await asRoot('get', '/api/v1/organizations/iat-realm')).body as { id: string };
    expect((await asRoot('get', `/api/v1/oauth/client/${String(registered.body.client_id)}`)).body.organization_id).toBe(organization.id);
  });

  describe('open registration', () => {
    const mcp = { client_name: 'MCP client', redirect_uris: ['http://127.0.0.1:33418/callback'], grant_types: ['authorization_code', 'refresh_token'] };

    it('is off by default; when on, anyone registers public clients only, with identity scopes only', async () => {
      expect((await register(mcp)).status).toBe(401);
      expect((await setOrganization('default', { open_registration: true })).body.open_registration).toBe(true);
      await advance(HOUR_MS);

      const registered = await register(mcp);
      expect(registered.status).toBe(201);
      expect(registered.body).toMatchObject({ token_endpoint_auth_method: 'none', scope: 'openid', grant_types: ['authorization_code', 'refresh_token'] });
      expect(registered.body.client_secret).toBeUndefined();
      const audit = await asRoot('get', `/api/v1/audit?target=${String(registered.body.client_id)}&action=client.registered`);
      expect(audit.body.events[0].details).toMatchObject({ by: 'open_registration' });

      const confidential = await register({ ...mcp, token_endpoint_auth_method: 'client_secret_basic' });
      expect(confidential.status).toBe(400);
      expect(confidential.body.error).toBe('invalid_client_metadata');
      const greedy = await register({ ...mcp, scope: 'openid client:read' });
      expect(greedy.status).toBe(400);
      expect(greedy.body.error).toBe('invalid_client_metadata');
      // A token still registers confidential clients.
      expect((await register({ grant_types: ['client_credentials'] }, pat)).status).toBe(201);
    });

    it(`allows ${OPEN_LIMIT} anonymous registrations per address per hour, then 429 with Retry-After until the hour is over`, async () => {
      await advance(HOUR_MS);
      for (let n = 0; n < OPEN_LIMIT; n++) expect((await register(mcp)).status).toBe(201);
      const limited = await register(mcp);
      expect(limited.status).toBe(429);
      expect(limited.body.error).toBe('temporarily_unavailable');
      expect(Number(limited.headers['retry-after'])).toBe(3600);
      // Registrations with a token are not anonymous and not counted.
      expect((await register({ grant_types: ['client_credentials'] }, pat)).status).toBe(201);
      await advance(HOUR_MS - 1000);
      expect((await register(mcp)).status).toBe(429);
      await advance(1000);
      expect((await register(mcp)).status).toBe(201);
    });

    it("is each organization's own: a realm's endpoint registers into the realm when it allows it", async () => {
      await advance(HOUR_MS);
      await createOrganization(gatehouse, { name: 'closed', oauth_enabled: true });
      const open = await createOrganization(gatehouse, { name: 'mcp', oauth_enabled: true, open_registration: true });
      expect((await register(mcp, undefined, '/auth/realms/closed/clients-registrations/openid-connect')).status).toBe(401);
      const registered = await register(mcp, undefined, '/realms/mcp/clients-registrations/openid-connect');
      expect(registered.status).toBe(201);
      const shown = await asRoot('get', `/api/v1/oauth/client/${String(registered.body.client_id)}`);
      expect([shown.status, shown.body.organization_id]).toEqual([200, open.id]);
      expect((await register(mcp, undefined, '/auth/realms/nowhere/clients-registrations/openid-connect')).status).toBe(404);
      // Managed at the realm's path only.
      const uri = registered.body.registration_client_uri as string;
      expect((await manage('get', uri, registered.body.registration_access_token as string)).status).toBe(200);
      expect((await gatehouse.http().get(`${REGISTER}/${String(registered.body.client_id)}`).set('Authorization', `Bearer ${String(registered.body.registration_access_token)}`)).status).toBe(200);
      expect((await gatehouse.http().get(`/auth/realms/closed/clients-registrations/openid-connect/${String(registered.body.client_id)}`).set('Authorization', `Bearer ${String(registered.body.registration_access_token)}`)).status).toBe(401);
    });
  });
});
