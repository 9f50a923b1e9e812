import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oauth from 'oauth4webapi';
import { type TestApp, startApp } from './support/test-app.js';
import { createClient, tokenFor } from './support/oauth.js';
import { challengeOf } from './support/www-authenticate.js';

const ISSUER = 'http://localhost:8080';
const METADATA_PATH = '/.well-known/oauth-protected-resource';


/** As a client checks it (RFC 9728 §3.3): the document must name the resource whose metadata was asked for. */
async function processed(gatehouse: TestApp, path: string, resource: string) {
  const response = await gatehouse.http().get(path);
  return oauth.processResourceDiscoveryResponse(new URL(resource), new Response(response.text, { status: response.status, headers: { 'Content-Type': String(response.headers['content-type']) } }));
}

/** Gatehouse's own API as an RFC 9728 protected resource: its metadata, and the 401s that point to it. */
describe('protected resource metadata (RFC 9728) of Gatehouse itself', () => {
  describe('with the issuer as the audience (the default)', () => {
    let gatehouse: TestApp;
    beforeAll(async () => {
      gatehouse = await startApp();
    });
    afterAll(() => gatehouse.close());

    it('publishes the resource, its authorization server, scopes, bearer methods and documentation', async () => {
      const metadata = await processed(gatehouse, METADATA_PATH, ISSUER);
      expect(metadata).toMatchObject({ resource: ISSUER, authorization_servers: [ISSUER], bearer_methods_supported: ['header'], resource_documentation: `${ISSUER}/docs`, resource_name: 'Gatehouse' });
      expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['client:read', 'scope:read', 'openid']));
      // The authorization server it names publishes the same scopes (RFC 8414).
      const server = (await gatehouse.http().get('/.well-known/oauth-authorization-server')).body as { issuer: string; scopes_supported: string[] };
      expect(server.issuer).toBe(ISSUER);
      expect([...(metadata.scopes_supported ?? [])].sort()).toEqual([...server.scopes_supported].sort());
    });

    it('describes no other resource: a path-inserted suffix that is not the audience path is 404', async () => {
      for (const path of [`${METADATA_PATH}/api`, `${METADATA_PATH}/auth/realms/gatehouse`, `${METADATA_PATH}/`]) {
        const response = await gatehouse.http().get(path);
        expect([path, response.status]).toEqual([path, 404]);
      }
    });

    it('names the metadata in every Bearer challenge of a guarded route, keeping error, error_description and scope', async () => {
      const client = await createClient(gatehouse, { scopes: ['client:read', 'scope:read'] });
      const missing = await gatehouse.http().get('/api/v1/oauth/scope');
      expect(missing.status).toBe(401);
      expect(await challengeOf(missing.headers['www-authenticate'])).toEqual({ scheme: 'bearer', parameters: { realm: 'gatehouse', resource_metadata: `${ISSUER}${METADATA_PATH}` } });

      const invalid = await gatehouse.http().get('/api/v1/oauth/scope').set('Authorization', 'Bearer not-a-jwt');
      expect(invalid.status).toBe(401);
      expect((await challengeOf(invalid.headers['www-authenticate']))?.parameters).toMatchObject({ error: 'invalid_token', resource_metadata: `${ISSUER}${METADATA_PATH}` });

      const narrow = await tokenFor(gatehouse, client, 'client:read');
      const forbidden = await gatehouse.http().get('/api/v1/oauth/scope').set('Authorization', `Bearer ${narrow}`);
      expect(forbidden.status).toBe(403);
      expect((await challengeOf(forbidden.headers['www-authenticate']))?.parameters).toMatchObject({ error: 'insufficient_scope', scope: 'scope:read', resource_metadata: `${ISSUER}${METADATA_PATH}` });
    });

    it('leaves the registration endpoint alone: its tokens are not tokens of the API', async () => {
      const response = await gatehouse.http().post('/v1/oauth2/register').send({ redirect_uris: ['https://app.example.com/cb'] });
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).not.toContain('resource_metadata');
    });
  });

  describe('with an audience that has a path', () => {
    const AUDIENCE = 'https://api.example.com/gatehouse/v1';
    let gatehouse: TestApp;
    beforeAll(async () => {
      gatehouse = await startApp({ env: { OAUTH_TOKEN_AUDIENCE: AUDIENCE } });
    });
    afterAll(() => gatehouse.close());

    it('serves the metadata at the path-inserted URL (RFC 9728 §3.1) and names that one in its challenges', async () => {
      const path = `${METADATA_PATH}/gatehouse/v1`;
      expect(await processed(gatehouse, path, AUDIENCE)).toMatchObject({ resource: AUDIENCE, authorization_servers: [ISSUER] });
      expect((await gatehouse.http().get(METADATA_PATH)).status).toBe(404);
      const missing = await gatehouse.http().get('/api/v1/oauth/scope');
      expect((await challengeOf(missing.headers['www-authenticate']))?.parameters.resource_metadata).toBe(`${ISSUER}${path}`);
    });
  });
});
