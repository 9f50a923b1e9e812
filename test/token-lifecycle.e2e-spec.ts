import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { SigningKeyService } from '../src/keys/signing-key.service.js';
import { type TestApp, startApp } from './support/test-app.js';
import { basic, createClient, type Credentials, decodeJwt, ROOT, tokenFor } from './support/oauth.js';
import { createClientIn, createOrganization, realmToken } from './support/tenants.js';

const INTROSPECT = '/api/v1/oauth/introspect';
const REVOKE = '/api/v1/oauth/revoke';
const CLIENTS = '/api/v1/oauth/client';

describe('token lifecycle: introspection, revocation, not-before, admin-issued tokens', () => {
  let gatehouse: TestApp;
  let resourceServer: Credentials;
  let root: string;

  const as = (token: string) => ({
    get: (path: string) => gatehouse.http().get(path).set('Authorization', `Bearer ${token}`),
    post: (path: string) => gatehouse.http().post(path).set('Authorization', `Bearer ${token}`),
    put: (path: string) => gatehouse.http().put(path).set('Authorization', `Bearer ${token}`),
  });
  const introspect = (token: string, caller: Credentials = resourceServer, path = INTROSPECT) =>
    gatehouse.http().post(path).set('Authorization', basic(caller)).type('form').send({ token });
  const revoke = (token: string, caller: Credentials, path = REVOKE) => gatehouse.http().post(path).type('form').send({ token, ...caller });
  const probe = (token: string) => as(token).get('/api/v1/oauth/scope');
  const count = async (table: string) => Number(((await gatehouse.app.get(DataSource).query(`SELECT COUNT(*) AS n FROM ${table}`)) as { n: number | string }[])[0].n);

  beforeAll(async () => {
    gatehouse = await startApp();
    resourceServer = await createClient(gatehouse, { scopes: ['token:introspect'] });
    root = await tokenFor(gatehouse, ROOT);
  });
  afterAll(() => gatehouse.close());

  describe('introspection (RFC 7662)', () => {
    it('describes an active token to a resource server of its organization', async () => {
      const client = await createClient(gatehouse, { scopes: ['scope:read', 'client:read'] });
      const token = await tokenFor(gatehouse, client, 'scope:read');
      const response = await introspect(token);
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      const claims = decodeJwt(token).payload;
      expect(response.body).toEqual({
        active: true,
        scope: 'scope:read',
        client_id: client.client_id,
        sub: client.client_id,
        exp: claims.exp,
        iat: claims.iat,
        iss: claims.iss,
        aud: claims.aud,
        jti: claims.jti,
        token_type: 'Bearer',
        org_id: claims.org_id,
        org: 'default',
      });
    });

    it('answers { active: false } and nothing else for expired, revoked, malformed, tampered and foreign-realm tokens', async () => {
      const client = await createClient(gatehouse, { scopes: ['scope:read'] });
      const valid = await tokenFor(gatehouse, client);
      const now = Math.floor(Date.now() / 1000);
      const expired = await gatehouse.app.get(SigningKeyService).sign({ ...decodeJwt(valid).payload, iat: now - 301, exp: now - 1 }, 'at+jwt');
      const revoked = await tokenFor(gatehouse, client);
      expect((await revoke(revoked, client)).status).toBe(200);
      const [header, , signature] = valid.split('.');
      const tampered = `${header}.${Buffer.from(JSON.stringify({ ...decodeJwt(valid).payload, scope: 'client:delete' })).toString('base64url')}.${signature}`;
      await createOrganization(gatehouse, { name: 'introspect-other', oauth_enabled: true });
      const foreignClient = await createClientIn(gatehouse, 'introspect-other', { scopes: ['scope:read'] });
      const foreign = await realmToken(gatehouse, 'introspect-other', foreignClient);
      for (const token of [expired, revoked, 'not-a-token', tampered, foreign, 'a'.repeat(4000)]) {
        const response = await introspect(token);
        expect(response.status).toBe(200);
        expect(response.body).toEqual({ active: false });
      }
      expect((await introspect(valid)).body).toMatchObject({ active: true });
    });

    it('works on the realm path for a resource server of that realm, and only for that realm', async () => {
      await createOrganization(gatehouse, { name: 'introspect-realm', oauth_enabled: true });
      const realmResourceServer = await createClientIn(gatehouse, 'introspect-realm', { scopes: ['token:introspect'] });
      const realmClient = await createClientIn(gatehouse, 'introspect-realm', { scopes: ['scope:read'] });
      const token = await realmToken(gatehouse, 'introspect-realm', realmClient);
      const path = '/auth/realms/introspect-realm/protocol/openid-connect/token/introspect';
      expect((await introspect(token, realmResourceServer, path)).body).toMatchObject({ active: true, org: 'introspect-realm', client_id: realmClient.client_id });
      // The default organization's resource server is a client of another realm here.
      expect((await introspect(token, resourceServer, path)).status).toBe(401);
      // And on its own endpoint the token is simply inactive.
      expect((await introspect(token, resourceServer)).body).toEqual({ active: false });
    });

    it('needs an authenticated client holding token:introspect, and a token parameter', async () => {
      const token = await tokenFor(gatehouse, resourceServer);
      const plain = await createClient(gatehouse, { scopes: ['scope:read'] });
      const unauthorized = await introspect(token, plain);
      expect(unauthorized.status).toBe(403);
      expect(unauthorized.body).toMatchObject({ error: 'insufficient_scope' });
      const badSecret = await introspect(token, { ...resourceServer, client_secret: 'wrong' });
      expect(badSecret.status).toBe(401);
      expect(badSecret.body).toMatchObject({ error: 'invalid_client' });
      expect(badSecret.headers['www-authenticate']).toContain('Basic');
      const anonymous = await gatehouse.http().post(INTROSPECT).type('form').send({ token });
      expect(anonymous.status).toBe(401);
      const missing = await gatehouse.http().post(INTROSPECT).set('Authorization', basic(resourceServer)).type('form').send({});
      expect(missing.status).toBe(400);
      expect(missing.body).toEqual({ error: 'invalid_request', error_description: 'The token parameter is missing' });
      const repeated = await gatehouse.http().post(INTROSPECT).set('Authorization', basic(resourceServer)).type('form').send('token=a&token=b');
      expect(repeated.status).toBe(400);
      expect(repeated.body).toMatchObject({ error: 'invalid_request' });
    });

    it('is listed in the discovery documents', async () => {
      const discovery = (await gatehouse.http().get('/.well-known/openid-configuration')).body as Record<string, unknown>;
      expect(discovery).toMatchObject({
        introspection_endpoint: 'http://localhost:8080/api/v1/oauth/introspect',
        revocation_endpoint: 'http://localhost:8080/api/v1/oauth/revoke',
        introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt'],
      });
      expect(discovery.scopes_supported).toEqual(expect.arrayContaining(['token:introspect', 'audit:read']));
      const realm = (await gatehouse.http().get('/auth/realms/default/.well-known/openid-configuration')).body as Record<string, unknown>;
      expect(realm).toMatchObject({
        introspection_endpoint: 'http://localhost:8080/auth/realms/default/protocol/openid-connect/token/introspect',
        revocation_endpoint: 'http://localhost:8080/auth/realms/default/protocol/openid-connect/revoke',
      });
    });
  });

  describe('revocation (RFC 7009)', () => {
    it('revokes a token of the calling client: refused by the bearer guard, inactive, recorded by jti only', async () => {
      const client = await createClient(gatehouse, { scopes: ['scope:read'] });
      const token = await tokenFor(gatehouse, client);
      const other = await tokenFor(gatehouse, client);
      expect((await probe(token)).status).toBe(200);
      const before = await count('revoked_token');

      const response = await revoke(token, client);
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');

      const refused = await probe(token);
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual({ error: 'invalid_token', error_description: 'The access token has been revoked' });
      expect((await introspect(token)).body).toEqual({ active: false });
      // Only that token: the client's other tokens keep working.
      expect((await probe(other)).status).toBe(200);
      expect(await count('revoked_token')).toBe(before + 1);
      const rows = (await gatehouse.app.get(DataSource).query('SELECT * FROM revoked_token WHERE jti = ?', [decodeJwt(token).payload.jti])) as Record<string, unknown>[];
      expect(rows).toHaveLength(1);
      expect(JSON.stringify(rows)).not.toContain(token.split('.')[2]);
    });

    it('answers 200 and writes nothing for unknown, malformed, expired and already revoked tokens', async () => {
      const client = await createClient(gatehouse, { scopes: ['scope:read'] });
      const token = await tokenFor(gatehouse, client);
      expect((await revoke(token, client)).status).toBe(200);
      const before = await count('revoked_token');
      const now = Math.floor(Date.now() / 1000);
      const expired = await gatehouse.app.get(SigningKeyService).sign({ ...decodeJwt(token).payload, jti: 'expired-one', iat: now - 301, exp: now - 1 }, 'at+jwt');
      for (const candidate of [token, 'garbage', expired, 'eyJhbGciOiJub25lIn0.e30.']) {
        const response = await revoke(candidate, client);
        expect(response.status).toBe(200);
      }
      expect(await count('revoked_token')).toBe(before);
    });

    it("refuses to revoke another client's token (unauthorized_client), which stays valid", async () => {
      const owner = await createClient(gatehouse, { scopes: ['scope:read'] });
      const stranger = await createClient(gatehouse, { scopes: ['scope:read'] });
      const token = await tokenFor(gatehouse, owner);
      const response = await revoke(token, stranger);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'unauthorized_client' });
      expect((await probe(token)).status).toBe(200);
    });

    it('authenticates the caller like the token endpoint, over Basic or the body, and on the realm path', async () => {
      const client = await createClient(gatehouse, { scopes: ['scope:read'] });
      const token = await tokenFor(gatehouse, client);
      expect((await revoke(token, { ...client, client_secret: 'wrong' })).status).toBe(401);
      expect((await gatehouse.http().post(REVOKE).type('form').send({ ...client })).body).toEqual({ error: 'invalid_request', error_description: 'The token parameter is missing' });
      expect((await probe(token)).status).toBe(200);
      const viaBasic = await gatehouse.http().post('/realms/default/protocol/openid-connect/revoke').set('Authorization', basic(client)).type('form').send({ token, token_type_hint: 'access_token' });
      expect(viaBasic.status).toBe(200);
      expect((await probe(token)).status).toBe(401);
    });
  });

  describe('not-before pushes', () => {
    it('per client: refuses every earlier token of the client, not later ones, and fills not-before-policy', async () => {
      const client = await createClient(gatehouse, { scopes: ['scope:read'] });
      const bystander = await createClient(gatehouse, { scopes: ['scope:read'] });
      const earlier = await tokenFor(gatehouse, client);
      const bystanderToken = await tokenFor(gatehouse, bystander);
      const pushed = await as(root).post(`${CLIENTS}/${client.client_id}/not-before`);
      expect(pushed.status).toBe(200);
      const policy = (pushed.body as { 'not-before-policy': number })['not-before-policy'];
      expect(Math.abs(policy - Date.now() / 1000)).toBeLessThan(5);

      expect((await probe(earlier)).status).toBe(401);
      expect((await probe(bystanderToken)).status).toBe(200);
      // A token issued right after the push, even within the same second, is good.
      const later = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', ...client });
      expect(later.body).toMatchObject({ 'not-before-policy': policy });
      expect((await probe((later.body as { access_token: string }).access_token)).status).toBe(200);
      expect((await as(root).get(`${CLIENTS}/${client.client_id}`)).body).toMatchObject({ not_before: (pushed.body as { not_before: string }).not_before });
    });

    it('per organization: refuses every earlier token of every client of it, and no other organization', async () => {
      await createOrganization(gatehouse, { name: 'nbf-org', oauth_enabled: true });
      await createOrganization(gatehouse, { name: 'nbf-other', oauth_enabled: true });
      const first = await createClientIn(gatehouse, 'nbf-org', { scopes: ['scope:read'] });
      const second = await createClientIn(gatehouse, 'nbf-org', { scopes: ['scope:read'] });
      const outsider = await createClientIn(gatehouse, 'nbf-other', { scopes: ['scope:read'] });
      const tokens = [await realmToken(gatehouse, 'nbf-org', first), await realmToken(gatehouse, 'nbf-org', second)];
      const outsiderToken = await realmToken(gatehouse, 'nbf-other', outsider);

      const pushed = await as(root).post('/api/v1/organizations/nbf-org/not-before');
      expect(pushed.status).toBe(200);
      for (const token of tokens) expect((await probe(token)).status).toBe(401);
      expect((await probe(outsiderToken)).status).toBe(200);
      expect((await probe(await realmToken(gatehouse, 'nbf-org', first))).status).toBe(200);
      expect((await as(root).get('/api/v1/organizations/nbf-org')).body).toMatchObject({ not_before: (pushed.body as { not_before: string }).not_before });
      expect((await as(root).post('/api/v1/organizations/no-such-org/not-before')).status).toBe(404);
    });

    it('needs client:update / organization:update, and stays within the caller organization', async () => {
      const client = await createClient(gatehouse, { scopes: ['scope:read'] });
      const reader = await tokenFor(gatehouse, await createClient(gatehouse, { scopes: ['client:read', 'organization:read'] }));
      expect((await as(reader).post(`${CLIENTS}/${client.client_id}/not-before`)).status).toBe(403);
      expect((await as(reader).post('/api/v1/organizations/default/not-before')).status).toBe(403);
      await createOrganization(gatehouse, { name: 'nbf-admin', oauth_enabled: true });
      const admin = await realmToken(gatehouse, 'nbf-admin', await createClientIn(gatehouse, 'nbf-admin', { permissions: ['administer-account'] }));
      expect((await as(admin).post(`${CLIENTS}/${client.client_id}/not-before`)).status).toBe(404);
      expect((await as(admin).post('/api/v1/organizations/default/not-before')).status).toBe(404);
      expect((await as(root).post(`${CLIENTS}/${ROOT.client_id}/not-before`)).status).toBe(403);
    });
  });

  describe('secret regeneration', () => {
    it('revokes earlier tokens by default', async () => {
      const client = await createClient(gatehouse, { scopes: ['scope:read'] });
      const token = await tokenFor(gatehouse, client);
      const regenerated = await as(root).post(`${CLIENTS}/${client.client_id}/secret`);
      expect(regenerated.status).toBe(200);
      expect((await probe(token)).status).toBe(401);
      expect((await probe(await tokenFor(gatehouse, regenerated.body as Credentials))).status).toBe(200);
    });

    it('with revoke_tokens=false lets earlier tokens live out their lifespan; only the old secret stops working', async () => {
      const client = await createClient(gatehouse, { scopes: ['scope:read'] });
      const token = await tokenFor(gatehouse, client);
      const regenerated = await as(root).post(`${CLIENTS}/${client.client_id}/secret?revoke_tokens=false`);
      expect(regenerated.status).toBe(200);
      expect((await probe(token)).status).toBe(200);
      const old = await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', ...client });
      expect(old.status).toBe(401);
    });

    it('refuses a revoke_tokens that is not true or false, changing nothing', async () => {
      const client = await createClient(gatehouse, { scopes: ['scope:read'] });
      const response = await as(root).post(`${CLIENTS}/${client.client_id}/secret?revoke_tokens=maybe`);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, message: 'revoke_tokens must be true or false' });
      expect((await gatehouse.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', ...client })).status).toBe(200);
    });
  });

  describe('admin-issued tokens', () => {
    it('gives a fresh token for a client without its secret, narrowed on request', async () => {
      const client = await createClient(gatehouse, { scopes: ['scope:read', 'client:read'] });
      const response = await as(root).post(`${CLIENTS}/${client.client_id}/token`).send({ scope: 'scope:read' });
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).toMatchObject({ token_type: 'Bearer', scope: 'scope:read' });
      const token = (response.body as { access_token: string }).access_token;
      expect(decodeJwt(token).payload).toMatchObject({ client_id: client.client_id, sub: client.client_id });
      expect((await probe(token)).status).toBe(200);
      const whole = await as(root).post(`${CLIENTS}/${client.client_id}/token`);
      expect(whole.body).toMatchObject({ scope: 'scope:read client:read' });
    });

    it('refuses a scope the client lacks, a disabled client, the root client, other organizations and callers holding less', async () => {
      const client = await createClient(gatehouse, { scopes: ['scope:read', 'client:delete'] });
      const narrow = await as(root).post(`${CLIENTS}/${client.client_id}/token`).send({ scope: 'key:rotate' });
      expect(narrow.status).toBe(400);
      expect(narrow.body).toMatchObject({ statusCode: 400, message: expect.stringContaining('key:rotate') });
      expect((await as(root).post(`${CLIENTS}/${client.client_id}/token`).send({ scope: 1 })).status).toBe(400);
      expect((await as(root).post(`${CLIENTS}/${client.client_id}/token`).send({ extra: 1 })).status).toBe(400);

      // A client administrator without client:delete cannot get a token that has it.
      const admin = await tokenFor(gatehouse, await createClient(gatehouse, { scopes: ['client:update', 'scope:read'] }));
      const escalation = await as(admin).post(`${CLIENTS}/${client.client_id}/token`);
      expect(escalation.status).toBe(403);
      expect(escalation.body).toMatchObject({ message: expect.stringContaining('client:delete') });
      expect((await as(root).post(`${CLIENTS}/${ROOT.client_id}/token`)).status).toBe(403);
      expect((await as(root).post(`${CLIENTS}/no-such-client/token`)).status).toBe(404);

      await createOrganization(gatehouse, { name: 'issue-other', oauth_enabled: true });
      const foreignAdmin = await realmToken(gatehouse, 'issue-other', await createClientIn(gatehouse, 'issue-other', { permissions: ['administer-clients'] }));
      expect((await as(foreignAdmin).post(`${CLIENTS}/${client.client_id}/token`)).status).toBe(404);

      await as(root).put(`${CLIENTS}/${client.client_id}`).send({ disabled: true });
      expect((await as(root).post(`${CLIENTS}/${client.client_id}/token`)).status).toBe(409);
    });
  });
});
