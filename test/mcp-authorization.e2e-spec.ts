// Gatehouse as the authorization server of an MCP server (the Model Context Protocol's
// authorization spec, revision 2025-06-18). The MCP server is a minimal one, inside this test: an
// HTTP server on 127.0.0.1 protected by the resource-server library, that answers a JSON-RPC
// `tools/list` with a token whose `aud` is the server, and a 401 naming its protected resource
// metadata without one. The client is openid-client 6 and oauth4webapi 3; it is told nothing but
// the MCP server's URL, and finds everything else from the 401.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Fastify, { type FastifyInstance } from 'fastify';
import * as oidc from 'openid-client';
import * as oauth from 'oauth4webapi';
import { accessTokenOf, ResourceServer } from '../packages/resource-server/src/index.js';
import { publishResourceMetadata, requireAccessToken } from '../packages/resource-server/src/fastify.js';
import { Browser, location } from './support/browser.js';
import { decodeJwt, ROOT, tokenFor } from './support/oauth.js';
import { createUser, type Person } from './support/principals.js';
import { freePort } from './support/server-process.js';
import { createOrganization } from './support/tenants.js';
import { type TestApp, startApp } from './support/test-app.js';
import { challengeOf } from './support/www-authenticate.js';

const REALM = 'acme';
/** A native MCP client's loopback redirect (RFC 8252 §7.3). */
const REDIRECT = 'http://127.0.0.1:7777/callback';
const TOOLS_LIST = { jsonrpc: '2.0', id: 1, method: 'tools/list' };

/** The MCP server: one endpoint, `POST /mcp`, speaking JSON-RPC; its metadata at RFC 9728's path for it. */
async function startMcpServer(issuer: string): Promise<{ url: string; app: FastifyInstance }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/mcp`;
  const tokens = new ResourceServer({ issuer, audience: url, resourceMetadata: { name: 'Test MCP server', documentation: `http://127.0.0.1:${port}/docs` } });
  const app = Fastify();
  publishResourceMetadata(app, tokens);
  app.post('/mcp', { preValidation: requireAccessToken(tokens) }, async (request) => {
    const call = request.body as { jsonrpc: string; id: number; method: string };
    if (call.method !== 'tools/list') return { jsonrpc: '2.0', id: call.id, error: { code: -32601, message: 'Method not found' } };
    const token = accessTokenOf(request);
    return { jsonrpc: '2.0', id: call.id, result: { tools: [{ name: 'whoami', description: `Says who ${token.actor} is`, inputSchema: { type: 'object' } }] } };
  });
  await app.listen({ port, host: '127.0.0.1' });
  expect(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/mcp`).toBe(url);
  return { url, app };
}

const callMcp = (url: string, accessToken?: string) =>
  fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...(accessToken !== undefined && { Authorization: `Bearer ${accessToken}` }) }, body: JSON.stringify(TOOLS_LIST) });

describe('Gatehouse as the authorization server of an MCP server', () => {
  let gatehouse: TestApp;
  let issuer: string;
  let mcp: { url: string; app: FastifyInstance };
  const person: Person = { email: 'ada@acme.test', password: 'ada passphrase long enough' };

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    gatehouse = await startApp({ env: { PUBLIC_URL: issuer } });
    await gatehouse.app.listen({ port, host: '127.0.0.1' });
    await createOrganization(gatehouse, { name: REALM, oauth_enabled: true, open_registration: true });
    await createUser(gatehouse, person, REALM, 'member');
    mcp = await startMcpServer(`${issuer}/auth/realms/${REALM}`);
    // The organization registers the MCP server as one of its APIs: its URL is the tokens' aud.
    const root = await tokenFor(gatehouse, ROOT);
    const api = await gatehouse.http().post('/api/v1/apis').set('Authorization', `Bearer ${root}`).send({ organization: REALM, identifier: mcp.url, name: 'Test MCP server', scopes: [{ name: 'mcp:tools', description: 'Use the tools' }] });
    expect(api.status).toBe(201);
    // Two servers to start, a user's password to hash: more than one hook's usual time on a busy machine.
  }, 90_000);
  afterAll(async () => {
    await mcp?.app.close();
    await gatehouse?.close();
  });

  /** The client's side, from the 401 to the registered client: what an MCP client does before the user sees anything. */
  async function discoverAndRegister() {
    // 1. The MCP server answers 401; its challenge names its protected resource metadata (RFC 9728 §5.1).
    const refused = await callMcp(mcp.url);
    expect(refused.status).toBe(401);
    const challenge = await challengeOf(refused.headers.get('www-authenticate') ?? undefined);
    expect(challenge?.scheme).toBe('bearer');
    const resourceMetadataUrl = challenge?.parameters.resource_metadata;
    expect(resourceMetadataUrl).toBe(`${new URL(mcp.url).origin}/.well-known/oauth-protected-resource/mcp`);
    // 2. The metadata must name the server it was fetched for (RFC 9728 §3.3): oauth4webapi checks.
    const resource = await oauth.processResourceDiscoveryResponse(new URL(mcp.url), await fetch(resourceMetadataUrl!));
    expect(resource.authorization_servers).toEqual([`${issuer}/auth/realms/${REALM}`]);
    // 3. The authorization server's RFC 8414 metadata, then 4. dynamic client registration (RFC 7591), without credentials.
    const config = await oidc.dynamicClientRegistration(
      new URL(resource.authorization_servers![0]!),
      { client_name: 'MCP client', redirect_uris: [REDIRECT], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none' },
      oidc.None(),
      { algorithm: 'oauth2', execute: [oidc.allowInsecureRequests] },
    );
    expect(config.serverMetadata().code_challenge_methods_supported).toContain('S256');
    return config;
  }

  /** 5. Authorization code with PKCE and `resource` (RFC 8707), the user signing in and consenting on Gatehouse's own pages. */
  async function authorize(config: oidc.Configuration, resource: string | undefined) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      ...(resource !== undefined && { resource }),
    });
    const browser = new Browser(gatehouse);
    const back = await browser.authorizeAndDecide(Object.fromEntries(url.searchParams), 'allow', url.pathname, person);
    // The consent form's answer: 303 See Other, back to the client.
    expect(back.status).toBe(303);
    const callback = location(back);
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);
    // 6. The code for tokens, naming the resource again (RFC 8707 §2.2; MCP asks for it at both endpoints).
    return oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }, resource === undefined ? undefined : { resource });
  }

  it('discovers everything from the 401, registers, signs the user in with PKCE and resource, and calls the server with a token for it', async () => {
    const config = await discoverAndRegister();
    const tokens = await authorize(config, mcp.url);
    const claims = decodeJwt(tokens.access_token).payload;
    // The token is for the MCP server (with Gatehouse's own audience for userinfo, since it carries openid).
    expect(claims).toMatchObject({ iss: `${issuer}/auth/realms/${REALM}`, aud: [mcp.url, issuer], client_id: config.clientMetadata().client_id, sub_type: 'user' });

    // 7. The MCP server takes it.
    const listed = await callMcp(mcp.url, tokens.access_token);
    expect(listed.status).toBe(200);
    expect(await listed.json()).toMatchObject({ jsonrpc: '2.0', id: 1, result: { tools: [{ name: 'whoami' }] } });

    // A refresh keeps the audience, and cannot move the grant to another resource (RFC 8707 §2.2).
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!, { resource: mcp.url });
    expect(decodeJwt(refreshed.access_token).payload.aud).toEqual([mcp.url, issuer]);
    const widened = await oidc.refreshTokenGrant(config, refreshed.refresh_token!, { resource: issuer }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(widened).toBeInstanceOf(oidc.ResponseBodyError);
    expect((widened as oidc.ResponseBodyError).error).toBe('invalid_target');
  });

  it("refuses a token of the same user and client that names no resource: it is not the MCP server's", async () => {
    const config = await discoverAndRegister();
    const tokens = await authorize(config, undefined);
    expect(decodeJwt(tokens.access_token).payload.aud).not.toContain(mcp.url);
    const refused = await callMcp(mcp.url, tokens.access_token);
    expect(refused.status).toBe(401);
    expect((await challengeOf(refused.headers.get('www-authenticate') ?? undefined))?.parameters).toMatchObject({ error: 'invalid_token', resource_metadata: expect.stringContaining('/.well-known/oauth-protected-resource/mcp') });
  });
});
