// The resource-server library (packages/resource-server) in the three frameworks it supports: a
// Fastify app, an Express app and a NestJS app (on @nestjs/platform-fastify), each protected by
// its adapter, called over HTTP with tokens of a real Gatehouse listening on 127.0.0.1, whose
// JWKS they fetch as any API would.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, HttpCode, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import express from 'express';
import Fastify from 'fastify';
import * as oauth from 'oauth4webapi';
import { accessTokenOf, EXPIRED_TOKEN_BODY, ResourceServer, type ResourceServerOptions, type VerifiedAccessToken } from '../packages/resource-server/src/index.js';
import { requireAccessToken as requireExpress } from '../packages/resource-server/src/express.js';
import { requireAccessToken as requireFastify } from '../packages/resource-server/src/fastify.js';
import { AccessToken, RequireOrganizationToken, RequireProject, RequireScopes, ResourceServerModule } from '../packages/resource-server/src/nestjs.js';
import { AUDIENCE, dpopClient, type DpopClient, NOW, PROJECT, startTestIssuer, type TestIssuer } from '../packages/resource-server/test/support.js';
import { SigningKeyService } from '../src/keys/signing-key.service.js';
import { type Credentials, decodeJwt, ROOT, tokenFor } from './support/oauth.js';
import { freePort } from './support/server-process.js';
import { createClientIn, createOrganization, createProject, type Project, realmToken } from './support/tenants.js';
import { type TestApp, startApp } from './support/test-app.js';

const TABLES_API = 'https://tables.example.com';

/** What each protected app answers: who called, for which project. */
const whoami = (token: VerifiedAccessToken, project?: string) => ({ actor: token.actor, organization: token.organizationId, project: token.projectId, asked: project });

/** One app per framework, with the same three routes: read a project's tables, write them, and an organization-wide route. */
interface ProtectedApp {
  url: string;
  close(): Promise<void>;
}

/**
 * The apps listen on 127.0.0.1 and are told so (`origin`): the audience names another host, and a
 * DPoP proof names the URL the client called. Without `origin` the adapters would take the audience's.
 */
const local = (port: number) => `http://127.0.0.1:${port}`;

async function fastifyApp(options: ResourceServerOptions, port: number): Promise<ProtectedApp> {
  const server = new ResourceServer(options);
  const fastifyHook = (s: ResourceServer, requirements: Parameters<typeof requireFastify>[1]) => requireFastify(s, requirements, { origin: local(port) });
  const app = Fastify();
  const project = (request: { params: unknown }) => (request.params as { project_id: string }).project_id;
  app.get('/v1/projects/:project_id/tables', { preHandler: fastifyHook(server, (request) => ({ scopes: ['table:read'], project: project(request) })) }, async (request) => whoami(accessTokenOf(request), project(request)));
  app.post('/v1/projects/:project_id/tables', { preValidation: fastifyHook(server, (request) => ({ scopes: ['table:write'], project: project(request) })) }, async (request) => whoami(accessTokenOf(request), project(request)));
  app.get('/v1/organization', { preHandler: fastifyHook(server, { scopes: ['table:read'], organizationOnly: true }) }, async (request) => whoami(accessTokenOf(request)));
  await app.listen({ port, host: '127.0.0.1' });
  return { url: local(port), close: () => app.close() };
}

async function expressApp(options: ResourceServerOptions, port: number): Promise<ProtectedApp> {
  const server = new ResourceServer(options);
  const expressHook = (s: ResourceServer, requirements: Parameters<typeof requireExpress>[1]) => requireExpress(s, requirements, { origin: local(port) });
  const app = express();
  const project = (request: express.Request) => String(request.params.project_id);
  // Mounted under a path, so the middleware sees the URL the client addressed through originalUrl.
  const tables = express.Router({ mergeParams: true });
  tables.get('/', expressHook(server, (request) => ({ scopes: ['table:read'], project: project(request) })), (request, response) => {
    response.json(whoami(accessTokenOf(request), project(request)));
  });
  tables.post('/', expressHook(server, (request) => ({ scopes: ['table:write'], project: project(request) })), (request, response) => {
    response.json(whoami(accessTokenOf(request), project(request)));
  });
  app.use('/v1/projects/:project_id/tables', tables);
  app.get('/v1/organization', expressHook(server, { scopes: ['table:read'], organizationOnly: true }), (request, response) => {
    response.json(whoami(accessTokenOf(request)));
  });
  const listening = app.listen(port, '127.0.0.1');
  await new Promise<void>((resolve) => listening.once('listening', () => resolve()));
  return {
    url: local(port),
    close: () => new Promise((closed) => listening.close(() => closed())),
  };
}

async function nestApp(options: ResourceServerOptions, port: number): Promise<ProtectedApp> {
  @Controller('v1/projects/:project_id/tables')
  @RequireProject('project_id')
  class TablesController {
    @Get()
    @RequireScopes('table:read')
    list(@AccessToken() token: VerifiedAccessToken, @Param('project_id') project: string) {
      return whoami(token, project);
    }

    @Post()
    @HttpCode(200)
    @RequireScopes('table:write')
    create(@AccessToken() token: VerifiedAccessToken, @Param('project_id') project: string) {
      return whoami(token, project);
    }
  }

  @Controller('v1/organization')
  @RequireScopes('table:read')
  class OrganizationController {
    @Get()
    @RequireOrganizationToken()
    show(@AccessToken() token: VerifiedAccessToken) {
      return whoami(token);
    }
  }

  @Module({ imports: [ResourceServerModule.forRoot({ ...options, origin: local(port) })], controllers: [TablesController, OrganizationController] })
  class ApiModule {}

  const app = await NestFactory.create<NestFastifyApplication>(ApiModule, new FastifyAdapter(), { logger: false });
  await app.listen(port, '127.0.0.1');
  return { url: local(port), close: () => app.close() };
}

describe.each([
  ['Fastify (preHandler / preValidation hook)', fastifyApp],
  ['Express (middleware)', expressApp],
  ['NestJS on Fastify (guard, @RequireScopes)', nestApp],
])('the resource-server library in %s, with tokens of a running Gatehouse', (_name, build) => {
  let gatehouse: TestApp;
  let issuer: string;
  let client: Credentials;
  let reader: Credentials;
  let foreignClient: Credentials;
  let project: Project;
  let other: Project;
  let api: ProtectedApp;

  beforeAll(async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    gatehouse = await startApp({ env: { PUBLIC_URL: base, OAUTH_TOKEN_AUDIENCE: TABLES_API } });
    await gatehouse.app.listen({ port, host: '127.0.0.1' });
    await createOrganization(gatehouse, { name: 'imply', oauth_enabled: true });
    await createOrganization(gatehouse, { name: 'initech', oauth_enabled: true });
    client = await createClientIn(gatehouse, 'imply', { client_id: 'MPS-test', scopes: ['table:read', 'table:write'] });
    reader = await createClientIn(gatehouse, 'imply', { client_id: 'MPS-reader', scopes: ['table:read'] });
    foreignClient = await createClientIn(gatehouse, 'initech', { scopes: ['table:read'] });
    project = await createProject(gatehouse, 'imply', 'seed-project');
    other = await createProject(gatehouse, 'imply', 'other-project');
    issuer = `${base}/auth/realms/imply`;
    // No JWKS cooldown, so the rotation below is seen at once (the cooldown has its own test in packages/resource-server).
    api = await build({ issuer, audience: TABLES_API, requireProjectScopedTokens: true, jwks: { cooldownSeconds: 0 } }, await freePort());
  });
  afterAll(async () => {
    await api?.close();
    await gatehouse?.close();
  });

  const call = async (method: string, path: string, token?: string) => {
    const response = await fetch(`${api.url}${path}`, { method, headers: token === undefined ? {} : { Authorization: `Bearer ${token}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown>, challenge: response.headers.get('www-authenticate') };
  };
  const tables = (p: Project) => `/v1/projects/${p.id}/tables`;

  it("accepts the realm's project-scoped token on its project and hands the route the verified token", async () => {
    const token = await realmToken(gatehouse, 'imply', client, `table:read table:write ${project.scope}`);
    const organizationId = decodeJwt(token).payload.org_id;
    expect(await call('GET', tables(project), token)).toMatchObject({ status: 200, body: { actor: 'MPS-test', organization: organizationId, project: project.id, asked: project.id } });
    expect((await call('POST', tables(project), token)).status).toBe(200);
  });

  it('no token: 401 invalid_request with a bare Bearer challenge', async () => {
    expect(await call('GET', tables(project))).toEqual({
      status: 401,
      body: { error: 'invalid_request', error_description: 'This endpoint requires an access token: send "Authorization: Bearer <access_token>"' },
      challenge: `Bearer realm="${TABLES_API}"`,
    });
  });

  it('a token without the scope: 403 insufficient_scope naming it', async () => {
    const token = await realmToken(gatehouse, 'imply', reader, `table:read ${project.scope}`);
    expect(await call('POST', tables(project), token)).toEqual({
      status: 403,
      body: { error: 'insufficient_scope', error_description: 'This request requires the scope "table:write", which the access token does not have', scope: 'table:write' },
      challenge: `Bearer realm="${TABLES_API}", error="insufficient_scope", error_description="This request requires the scope table:write, which the access token does not have", scope="table:write"`,
    });
  });

  it("another project's token, or an organization token where project-scoped tokens are required: 403", async () => {
    const projectToken = await realmToken(gatehouse, 'imply', client, `table:read ${project.scope}`);
    expect(await call('GET', tables(other), projectToken)).toMatchObject({ status: 403, body: { statusCode: 403, error: 'Forbidden', message: `This access token is scoped to project ${project.id}, not ${other.id}` } });
    const organizationToken = await realmToken(gatehouse, 'imply', client, 'table:read');
    const refused = await call('GET', tables(project), organizationToken);
    expect(refused).toMatchObject({ status: 403, body: { message: `This project requires a project-scoped token: request one with scope=project-${project.id}` } });
    expect(refused.challenge).toBe(`Bearer realm="${TABLES_API}", error="insufficient_scope", error_description="This project requires a project-scoped token: request one with scope=project-${project.id}", scope="project-${project.id}"`);
    // The organization-wide route takes the organization token, and refuses the project's.
    const organizationWide = await call('GET', '/v1/organization', organizationToken);
    expect(organizationWide).toMatchObject({ status: 200, body: { actor: 'MPS-test' } });
    expect(organizationWide.body.project).toBeUndefined();
    expect((await call('GET', '/v1/organization', projectToken)).status).toBe(403);
  });

  it('a DPoP-bound token of the realm, as oauth4webapi requests and sends it: accepted with its proof, refused as a bearer token', async () => {
    const insecure = { [oauth.allowInsecureRequests]: true };
    const as = await oauth.processDiscoveryResponse(new URL(issuer), await oauth.discoveryRequest(new URL(issuer), insecure));
    const dpopClient: oauth.Client = { client_id: client.client_id };
    const DPoP = oauth.DPoP(dpopClient, await oauth.generateKeyPair('ES256'));
    const grant = await oauth.clientCredentialsGrantRequest(as, dpopClient, oauth.ClientSecretPost(client.client_secret), new URLSearchParams({ scope: `table:read ${project.scope}` }), { DPoP, ...insecure });
    const { access_token: token, token_type: type } = await oauth.processClientCredentialsResponse(as, dpopClient, grant);
    expect(type).toBe('dpop');
    const response = await oauth.protectedResourceRequest(token, 'GET', new URL(`${api.url}${tables(project)}`), undefined, undefined, { DPoP, ...insecure });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ actor: 'MPS-test', project: project.id });
    const asBearer = await call('GET', tables(project), token);
    expect(asBearer).toMatchObject({ status: 401, body: { error: 'invalid_token' }, challenge: expect.stringMatching(/^DPoP /) });
  });

  it("another realm's token: 401 invalid_token", async () => {
    const foreign = await realmToken(gatehouse, 'initech', foreignClient, 'table:read');
    expect(await call('GET', '/v1/organization', foreign)).toEqual({
      status: 401,
      body: { error: 'invalid_token', error_description: 'The access token was issued by another issuer' },
      challenge: `Bearer realm="${TABLES_API}", error="invalid_token", error_description="The access token was issued by another issuer"`,
    });
  });

  it("an expired token: 401 with Polaris's body", async () => {
    const valid = decodeJwt(await realmToken(gatehouse, 'imply', client, `table:read ${project.scope}`)).payload;
    const now = Math.floor(Date.now() / 1000);
    const expired = await gatehouse.app.get(SigningKeyService).sign({ ...valid, iat: now - 301, exp: now - 1, jti: 'expired' }, 'at+jwt');
    expect(await call('GET', tables(project), expired)).toEqual({
      status: 401,
      body: EXPIRED_TOKEN_BODY,
      challenge: `Bearer realm="${TABLES_API}", error="invalid_token", error_description="The access token expired"`,
    });
  });

  it('a key rotation: a token signed with the new key is accepted (the JWKS is fetched again for its kid)', async () => {
    const before = await realmToken(gatehouse, 'imply', client, `table:read ${project.scope}`);
    expect((await call('GET', tables(project), before)).status).toBe(200);
    const rotated = await gatehouse.http().post('/api/v1/oauth/keys/rotate').set('Authorization', `Bearer ${await tokenFor(gatehouse, ROOT)}`);
    expect(rotated.status).toBe(200);
    const after = await realmToken(gatehouse, 'imply', client, `table:read ${project.scope}`);
    expect(decodeJwt(after).header.kid).toBe((rotated.body as { kid: string }).kid);
    expect(decodeJwt(after).header.kid).not.toBe(decodeJwt(before).header.kid);
    expect((await call('GET', tables(project), after)).status).toBe(200);
    expect((await call('GET', tables(project), before)).status).toBe(200);
  });
});

/**
 * DPoP-bound tokens through each adapter, signed by a stand-in issuer (the library's own test
 * support) so that the proofs can be made by hand (Gatehouse's own DPoP-bound tokens are used
 * above). What this checks beyond the core's unit tests is the URL each adapter hands the core for
 * the proof's `htu`.
 */
describe.each([
  ['Fastify', fastifyApp],
  ['Express (a router mounted under a path)', expressApp],
  ['NestJS on Fastify', nestApp],
])('DPoP-bound tokens through the %s adapter', (_name, build) => {
  let issuer: TestIssuer;
  let api: ProtectedApp;
  let client: DpopClient;
  let token: string;

  beforeAll(async () => {
    issuer = await startTestIssuer();
    api = await build({ issuer: issuer.issuer, audience: AUDIENCE, jwksUri: issuer.jwksUri, now: () => NOW }, await freePort());
    client = await dpopClient();
    token = await issuer.sign(issuer.claims({ scope: `table:read project-${PROJECT}`, project_id: PROJECT, cnf: { jkt: client.jkt } }));
  });
  afterAll(async () => {
    await api?.close();
    await issuer?.close();
  });

  const path = `/v1/projects/${PROJECT}/tables`;
  const call = async (proof: string | undefined, query = '') => {
    const response = await fetch(`${api.url}${path}${query}`, { headers: { Authorization: `DPoP ${token}`, ...(proof !== undefined && { DPoP: proof }) } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown>, challenge: response.headers.get('www-authenticate') };
  };

  it('accepts a proof for the URL the client called (query left out), once', async () => {
    const proof = await client.proof({ method: 'GET', url: `${api.url}${path}`, accessToken: token });
    expect(await call(proof, '?page=2')).toMatchObject({ status: 200, body: { project: PROJECT } });
    expect(await call(proof)).toMatchObject({ status: 401, body: { error: 'invalid_dpop_proof', error_description: 'The DPoP proof was used already (jti)' }, challenge: expect.stringMatching(/^DPoP realm=/) });
  });

  it('refuses a missing proof, and a proof for another path or method', async () => {
    expect(await call(undefined)).toMatchObject({ status: 401, body: { error: 'invalid_dpop_proof' } });
    expect((await call(await client.proof({ method: 'GET', url: `${api.url}/v1/organization`, accessToken: token }))).body).toMatchObject({ error_description: 'The DPoP proof is for another URL (htu)' });
    expect((await call(await client.proof({ method: 'POST', url: `${api.url}${path}`, accessToken: token }))).body).toMatchObject({ error_description: 'The DPoP proof is for another HTTP method (htm must be GET)' });
  });
});
