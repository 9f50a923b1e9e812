import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import { SigningKeyService } from '../src/keys/signing-key.service.js';
import { type Credentials, decodeJwt } from './support/oauth.js';
import { freePort, runNodeProcess, type ServerProcess } from './support/server-process.js';
import { dpopClient } from '../packages/resource-server/test/support.js';
import { createClientIn, createOrganization, createProject, type Project, realmToken } from './support/tenants.js';
import { type TestApp, startApp } from './support/test-app.js';

const run = promisify(execFile);
const RESOURCE_SERVER = resolve('examples/resource-server/server.mjs');
const VERIFY_NODE = resolve('examples/snippets/verify-token.mjs');
const VERIFY_PYTHON = resolve('examples/snippets/verify_token.py');
/** Debian's python3, with python3-requests and python3-jwt (which .ci/run installs); else whatever python3 is on PATH. */
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const POLARIS_EXPIRED = { message: 'Token claims invalid: ["exp"]="token expired"' };

const ORDERS_API = 'https://orders.example.com';
const ORGANIZATION = '6f3a8a53-5a0e-4d55-9d8e-2f0a3c1b7e01';
const OTHER_ORGANIZATION = '0b7e4c1a-9f2d-4b8e-8c3a-5d6e7f809a12';
const PROJECT = '45c024f4-1254-4b58-8207-4111d2c0ffee';
const OTHER_PROJECT = '018afcd5-817e-74e2-a3e2-fd76e44e3737';

/** Starts the example as its own process (`node examples/resource-server/server.mjs`), as an operator would. */
async function startResourceServer(env: Record<string, string>): Promise<{ process: ServerProcess; url: string }> {
  const server = runNodeProcess(RESOURCE_SERVER, { PORT: '0', LOG_LEVEL: 'silent', ...env }, /Resource server listening on port (\d+)/);
  return { process: server, url: `http://127.0.0.1:${await server.listening}` };
}

interface TestIssuer {
  issuer: string;
  /** Signs `claims` as an access token with the published key, or with what `header` and `key` say. */
  sign(claims: JWTPayload, options?: { header?: Record<string, unknown>; key?: CryptoKey }): Promise<string>;
  /** A key pair that is not in the JWKS. */
  unpublished: CryptoKey;
  /** The paths the resource servers asked the issuer for. */
  requested: string[];
  close(): Promise<void>;
}

/**
 * A stand-in for a Gatehouse realm on 127.0.0.1: its discovery document and JWKS at Gatehouse's
 * paths, and a key that signs what the tests ask, including tokens Gatehouse would never issue.
 */
async function startTestIssuer(realm: string, port = 0): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const unpublished = (await generateKeyPair('ES256')).privateKey;
  const kid = `${realm}-key-1`;
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const requested: string[] = [];
  let issuer = '';
  const server: Server = createServer((request, response) => {
    requested.push(request.url ?? '');
    const send = (status: number, body: unknown) => response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    if (request.url === `/auth/realms/${realm}/.well-known/openid-configuration`) return send(200, { issuer, jwks_uri: `${issuer}/protocol/openid-connect/certs` });
    if (request.url === `/auth/realms/${realm}/protocol/openid-connect/certs`) return send(200, { keys: [jwk] });
    return send(404, { error: 'not found' });
  });
  await new Promise<void>((listening) => server.listen(port, '127.0.0.1', listening));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/auth/realms/${realm}`;
  return {
    issuer,
    unpublished,
    requested,
    sign: (claims, { header = {}, key = privateKey } = {}) => new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid, ...header }).sign(key),
    close: () => new Promise((closed) => server.close(() => closed())),
  };
}

/** What a test asks a token for: Gatehouse's client credentials grant with `resource`, in claims. */
interface TokenRequest {
  audience: string;
  scope: string;
  organizationId?: string;
  projectId?: string;
  clientId?: string;
  expiresIn?: number;
}

describe('the example resource server (a separate process) with tokens of a stand-in issuer', () => {
  let realm: TestIssuer;
  let otherRealm: TestIssuer;
  /** Requires project-scoped tokens (the default, as for Polaris's new projects). */
  let strict: string;
  /** Accepts organization tokens on projects (REQUIRE_PROJECT_SCOPED_TOKENS=false). */
  let legacy: string;
  const servers: ServerProcess[] = [];

  /**
   * THE token source of the tests below that need a good token: the claims Gatehouse's
   * AccessTokenIssuer writes (iss, sub, aud, client_id, iat, exp, jti, scope, org_id, org,
   * project_id), signed by the stand-in realm. Once Gatehouse registers APIs and honours
   * `resource`/`audience` (issue 16), this becomes a realm token request for `request.audience`;
   * the tests of forged tokens (wrong iss, typ, key) keep the stand-in issuer.
   */
  async function accessToken(request: TokenRequest): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const clientId = request.clientId ?? 'orders-client';
    const scope = [request.scope, ...(request.projectId ? [`project-${request.projectId}`] : [])].filter(Boolean).join(' ');
    return realm.sign({
      iss: realm.issuer,
      sub: clientId,
      aud: request.audience,
      client_id: clientId,
      iat: now,
      exp: now + (request.expiresIn ?? 300),
      jti: crypto.randomUUID(),
      scope,
      org_id: request.organizationId ?? ORGANIZATION,
      org: 'imply',
      ...(request.projectId && { project_id: request.projectId }),
    });
  }

  /** Good claims for `forged` tokens to start from. */
  const claims = (overrides: JWTPayload = {}): JWTPayload => {
    const now = Math.floor(Date.now() / 1000);
    return { iss: realm.issuer, sub: 'orders-client', aud: ORDERS_API, client_id: 'orders-client', iat: now, exp: now + 300, jti: crypto.randomUUID(), scope: 'orders:read', org_id: ORGANIZATION, ...overrides };
  };

  const call = (base: string, method: string, path: string, token?: string, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { ...(token !== undefined && { Authorization: `Bearer ${token}` }), ...(body !== undefined && { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const answer = async (response: Response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown>, challenge: response.headers.get('www-authenticate') });

  beforeAll(async () => {
    realm = await startTestIssuer('imply');
    otherRealm = await startTestIssuer('initech');
    for (const extra of [{}, { REQUIRE_PROJECT_SCOPED_TOKENS: 'false' }] as Record<string, string>[]) {
      const started = await startResourceServer({ GATEHOUSE_ISSUER: realm.issuer, API_IDENTIFIER: ORDERS_API, ...extra });
      servers.push(started.process);
    }
    strict = `http://127.0.0.1:${await servers[0].listening}`;
    legacy = `http://127.0.0.1:${await servers[1].listening}`;
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await realm.close();
    await otherRealm.close();
  });

  describe('the orders API (issue 16)', () => {
    it('accepts a token with orders:read for GET and refuses it for POST with 403 insufficient_scope', async () => {
      const reader = await accessToken({ audience: ORDERS_API, scope: 'orders:read' });
      const listed = await answer(await call(strict, 'GET', '/v1/orders', reader));
      expect(listed).toMatchObject({ status: 200, body: { values: [] } });
      const refused = await answer(await call(strict, 'POST', '/v1/orders', reader, { item: 'koala food', quantity: 2 }));
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ error: 'insufficient_scope', error_description: 'This request requires the scope "orders:write", which the access token does not have', scope: 'orders:write' });
      expect(refused.challenge).toMatch(/^Bearer .*error="insufficient_scope".*scope="orders:write"/);
    });

    it('creates an order with orders:write and lists it, per organization', async () => {
      const writer = await accessToken({ audience: ORDERS_API, scope: 'orders:read orders:write', clientId: 'shop' });
      const created = await answer(await call(strict, 'POST', '/v1/orders', writer, { item: 'eucalyptus', quantity: 3 }));
      expect(created).toMatchObject({ status: 201, body: { item: 'eucalyptus', quantity: 3, created_by: 'shop' } });
      expect((await answer(await call(strict, 'GET', '/v1/orders', writer))).body.values).toEqual([created.body]);
      const elsewhere = await accessToken({ audience: ORDERS_API, scope: 'orders:read', organizationId: OTHER_ORGANIZATION });
      expect((await answer(await call(strict, 'GET', '/v1/orders', elsewhere))).body).toEqual({ values: [] });
    });

    it('refuses bad order bodies with 400 and writes nothing', async () => {
      const writer = await accessToken({ audience: ORDERS_API, scope: 'orders:read orders:write', organizationId: OTHER_ORGANIZATION });
      for (const body of [{ item: 'x' }, { item: 'x', quantity: 0 }, { item: 'x', quantity: '2' }, { item: null, quantity: 1 }, { item: 'x', quantity: 1, price: 3 }]) {
        const refused = await answer(await call(strict, 'POST', '/v1/orders', writer, body));
        expect([body, refused.status, refused.body.statusCode, refused.body.error]).toEqual([body, 400, 400, 'Bad Request']);
      }
      expect((await answer(await call(strict, 'GET', '/v1/orders', writer))).body).toEqual({ values: [] });
    });

    it('refuses a project-scoped token: orders belong to the organization', async () => {
      const token = await accessToken({ audience: ORDERS_API, scope: 'orders:read', projectId: PROJECT });
      expect(await answer(await call(strict, 'GET', '/v1/orders', token))).toMatchObject({ status: 403, body: { statusCode: 403, error: 'Forbidden', message: expect.stringContaining(`scoped to project ${PROJECT}`) } });
    });
  });

  describe('tokens it refuses with 401 invalid_token', () => {
    const refusedWith = async (token: string, description: string) => {
      const refused = await answer(await call(strict, 'GET', '/v1/orders', token));
      expect(refused).toEqual({ status: 401, body: { error: 'invalid_token', error_description: description }, challenge: `Bearer realm="${ORDERS_API}", error="invalid_token", error_description="${description}"` });
    };

    it('a token for another API', async () => {
      await refusedWith(await accessToken({ audience: 'https://billing.example.com', scope: 'orders:read' }), 'The access token is meant for another audience');
      // One of several audiences is enough.
      const both = await realm.sign(claims({ aud: ['https://billing.example.com', ORDERS_API] }));
      expect((await call(strict, 'GET', '/v1/orders', both)).status).toBe(200);
    });

    it('a token of another realm (organization), even signed with the right key', async () => {
      await refusedWith(await realm.sign(claims({ iss: otherRealm.issuer })), 'The access token was issued by another issuer');
      await refusedWith(await otherRealm.sign(claims({ iss: otherRealm.issuer })), 'No published key matches the access token (its kid or alg)');
    });

    it('a JWT that is not an access token (typ)', async () => {
      await refusedWith(await realm.sign(claims(), { header: { typ: 'JWT' } }), 'The token is not an access token (typ must be at+jwt)');
      await refusedWith(await realm.sign(claims(), { header: { typ: undefined } }), 'The token is not an access token (typ must be at+jwt)');
      expect((await call(strict, 'GET', '/v1/orders', await realm.sign(claims(), { header: { typ: 'application/at+jwt' } }))).status).toBe(200);
    });

    it('a bad signature: another key under the published kid, or a changed payload', async () => {
      await refusedWith(await realm.sign(claims(), { key: realm.unpublished }), 'The access token signature is invalid');
      const [header, , signature] = (await realm.sign(claims())).split('.');
      const widened = Buffer.from(JSON.stringify(claims({ scope: 'orders:read orders:write' }))).toString('base64url');
      await refusedWith(`${header}.${widened}.${signature}`, 'The access token signature is invalid');
    });

    it('an unknown kid, and an HMAC token (a JWKS holds public keys only)', async () => {
      await refusedWith(await realm.sign(claims(), { header: { kid: 'rotated-away' } }), 'No published key matches the access token (its kid or alg)');
      const hmac = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: 'imply-key-1' }).sign(new TextEncoder().encode('a secret anyone could guess 0123456789'));
      await refusedWith(hmac, 'The access token is signed with an algorithm that is not supported');
    });

    it('no exp, a malformed token, a token naming no organization, a project outside its scope', async () => {
      await refusedWith(await realm.sign(claims({ exp: undefined })), 'The access token has no valid expiry');
      await refusedWith('not.a.jwt', 'The access token is not a well-formed JWT');
      await refusedWith(await realm.sign(claims({ org_id: undefined })), 'The access token names no organization (org_id)');
      await refusedWith(await realm.sign(claims({ project_id: PROJECT, scope: `orders:read project-${OTHER_PROJECT}` })), 'The access token names a project outside its scope');
      await refusedWith(await realm.sign(claims({ scope: `orders:read project-${PROJECT} project-${OTHER_PROJECT}` })), 'The access token is scoped to more than one project');
    });

    it("an expired token, with Polaris's body", async () => {
      const expired = await accessToken({ audience: ORDERS_API, scope: 'orders:read', expiresIn: -60 });
      const refused = await answer(await call(strict, 'GET', '/v1/orders', expired));
      expect(refused).toEqual({ status: 401, body: POLARIS_EXPIRED, challenge: `Bearer realm="${ORDERS_API}", error="invalid_token", error_description="The access token expired"` });
    });

    it('no token at all: 401 whose challenge carries no error code (RFC 6750 §3.1); a malformed header: invalid_token', async () => {
      for (const headers of [{}, { Authorization: 'Basic b3JkZXJzOnNlY3JldA==' }] as Record<string, string>[]) {
        const missing = await answer(await fetch(`${strict}/v1/orders`, { headers }));
        expect(missing).toEqual({ status: 401, body: { error: 'invalid_request', error_description: 'This endpoint requires an access token: send "Authorization: Bearer <access_token>"' }, challenge: `Bearer realm="${ORDERS_API}"` });
      }
      const malformed = await answer(await fetch(`${strict}/v1/orders`, { headers: { Authorization: 'Bearer two tokens' } }));
      expect(malformed).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
    });
  });

  describe("Polaris's Tables API, as Gatehouse served it", () => {
    const tables = (project: string) => `/v1/projects/${project}/tables`;

    it('a project-scoped token creates and lists tables in the seed\'s shape', async () => {
      const token = await accessToken({ audience: ORDERS_API, scope: 'table:read table:write', projectId: PROJECT, clientId: 'MPS-test' });
      const created = await answer(await call(strict, 'POST', tables(PROJECT), token, { name: 'Koalas' }));
      expect(created.status).toBe(201);
      expect(Object.keys(created.body).sort()).toEqual(
        ['availability', 'createdByUser', 'createdOnTimestamp', 'description', 'id', 'modifiedByUser', 'modifiedOnTimestamp', 'name', 'partitioningGranularity', 'schemaMode', 'storagePolicy', 'totalDataSizeBytes', 'totalRows', 'type', 'version'].sort(),
      );
      expect(created.body).toMatchObject({ name: 'Koalas', type: 'detail', availability: 'available', description: null, partitioningGranularity: 'day', schemaMode: 'flexible', storagePolicy: null, totalRows: 0, version: 0, createdByUser: { userId: 'MPS-test', username: 'MPS-test' } });
      const listed = await answer(await call(strict, 'GET', tables(PROJECT), token));
      expect(listed).toMatchObject({ status: 200, body: { values: [created.body] } });
      const aggregate = await answer(await call(strict, 'POST', tables(PROJECT), token, { name: 'Wombats', type: 'aggregate', description: 'd', partitioningGranularity: 'hour', schemaMode: 'strict' }));
      expect(aggregate.body).toMatchObject({ type: 'aggregate', description: 'd', partitioningGranularity: 'hour', schemaMode: 'strict' });
    });

    it('where project-scoped tokens are required: an organization token gets 403, another project\'s token 403', async () => {
      const organizationToken = await accessToken({ audience: ORDERS_API, scope: 'table:read table:write' });
      expect(await answer(await call(strict, 'GET', tables(PROJECT), organizationToken))).toMatchObject({
        status: 403,
        body: { statusCode: 403, error: 'Forbidden', message: `This project requires a project-scoped token: request one with scope=project-${PROJECT}` },
      });
      const projectToken = await accessToken({ audience: ORDERS_API, scope: 'table:read table:write', projectId: PROJECT });
      for (const method of ['GET', 'POST']) {
        expect(await answer(await call(strict, method, tables(OTHER_PROJECT), projectToken, method === 'POST' ? { name: 'T' } : undefined))).toMatchObject({
          status: 403,
          body: { statusCode: 403, error: 'Forbidden', message: `This access token is scoped to project ${PROJECT}, not ${OTHER_PROJECT}` },
        });
      }
    });

    it('where they are not required: an organization token reaches the projects of its own organization only', async () => {
      const organizationToken = await accessToken({ audience: ORDERS_API, scope: 'table:read table:write' });
      expect((await call(legacy, 'POST', tables(OTHER_PROJECT), organizationToken, { name: 'T' })).status).toBe(201);
      expect(((await answer(await call(legacy, 'GET', tables(OTHER_PROJECT), organizationToken))).body.values as unknown[]).length).toBe(1);
      const projectToken = await accessToken({ audience: ORDERS_API, scope: 'table:read', projectId: OTHER_PROJECT });
      expect(((await answer(await call(legacy, 'GET', tables(OTHER_PROJECT), projectToken))).body.values as unknown[]).length).toBe(1);
      const foreign = await accessToken({ audience: ORDERS_API, scope: 'table:read', organizationId: OTHER_ORGANIZATION });
      expect((await answer(await call(legacy, 'GET', tables(OTHER_PROJECT), foreign))).body).toEqual({ values: [] });
    });

    it("records the user of a user token as the table's creator, and the client of any other", async () => {
      const userToken = await realm.sign(claims({ sub: 'user-42', sub_type: 'user', client_id: 'third-party-app', scope: 'table:write' }));
      const created = await answer(await call(legacy, 'POST', tables('9b2c7f7e-3f55-4c39-a1f2-0c4c2b1d5e6f'), userToken, { name: 'Mine' }));
      expect(created).toMatchObject({ status: 201, body: { createdByUser: { userId: 'user-42', username: 'user-42' } } });
      const organizationToken = await realm.sign(claims({ sub: ORGANIZATION, sub_type: 'organization', client_id: 'third-party-app', scope: 'table:write' }));
      const theirs = await answer(await call(legacy, 'POST', tables('9b2c7f7e-3f55-4c39-a1f2-0c4c2b1d5e6f'), organizationToken, { name: 'Theirs' }));
      expect(theirs).toMatchObject({ status: 201, body: { createdByUser: { userId: 'third-party-app' } } });
    });

    it('refuses a duplicate name (409), bad bodies and project ids (400) and a missing scope (403), and writes nothing', async () => {
      const token = await accessToken({ audience: ORDERS_API, scope: 'table:read table:write' });
      expect((await call(legacy, 'POST', tables(PROJECT), token, { name: 'Dup' })).status).toBe(201);
      expect(await answer(await call(legacy, 'POST', tables(PROJECT), token, { name: 'Dup' }))).toMatchObject({ status: 409, body: { statusCode: 409, error: 'Conflict', message: `Project ${PROJECT} has a table named Dup already` } });
      for (const body of [{ name: 'U', type: 'weird' }, { name: 'U', extra: 1 }, { name: '' }, { name: 7 }, { name: 'U', description: null }, {}]) {
        expect([body, (await call(legacy, 'POST', tables(PROJECT), token, body)).status]).toEqual([body, 400]);
      }
      expect(await answer(await call(legacy, 'GET', tables('not-a-uuid'), token))).toMatchObject({ status: 400, body: { message: 'Validation failed (uuid is expected)' } });
      const readOnly = await accessToken({ audience: ORDERS_API, scope: 'table:read' });
      const forbidden = await answer(await call(legacy, 'POST', tables(PROJECT), readOnly, { name: 'V' }));
      expect(forbidden).toMatchObject({ status: 403, body: { error: 'insufficient_scope', scope: 'table:write' } });
      expect(((await answer(await call(legacy, 'GET', tables(PROJECT), token))).body.values as { name: string }[]).map((table) => table.name)).toEqual(['Dup']);
    });

    it('answers 401 before 403 before 400, as Gatehouse\'s guard did', async () => {
      expect((await call(strict, 'POST', tables('not-a-uuid'), undefined, { extra: 1 })).status).toBe(401);
      const readOnly = await accessToken({ audience: ORDERS_API, scope: 'table:read', projectId: PROJECT });
      expect((await answer(await call(strict, 'POST', tables('not-a-uuid'), readOnly, { extra: 1 }))).body).toMatchObject({ error: 'insufficient_scope' });
    });
  });

  it('reads only the discovery document and the JWKS from the issuer (no introspection)', () => {
    expect(new Set(realm.requested)).toEqual(new Set(['/auth/realms/imply/.well-known/openid-configuration', '/auth/realms/imply/protocol/openid-connect/certs']));
  });

  it('with API_ORIGIN, takes a DPoP proof for its public URL and refuses one for the address the caller chose (Host)', async () => {
    const origin = 'https://orders.example.com';
    const started = await startResourceServer({ GATEHOUSE_ISSUER: realm.issuer, API_IDENTIFIER: ORDERS_API, API_ORIGIN: origin });
    servers.push(started.process);
    const client = await dpopClient();
    const token = await realm.sign(claims({ cnf: { jkt: client.jkt } }));
    const iat = Math.floor(Date.now() / 1000);
    const dpopCall = async (proofUrl: string) =>
      answer(await fetch(`${started.url}/v1/orders`, { headers: { Authorization: `DPoP ${token}`, DPoP: await client.proof({ method: 'GET', url: proofUrl, accessToken: token, iat }) } }));
    expect(await dpopCall(`${origin}/v1/orders`)).toMatchObject({ status: 200, body: { values: [] } });
    expect(await dpopCall(`${started.url}/v1/orders`)).toMatchObject({ status: 401, body: { error: 'invalid_dpop_proof', error_description: 'The DPoP proof is for another URL (htu)' } });
    // Sent as a bearer token, a bound token is refused.
    expect((await answer(await call(started.url, 'GET', '/v1/orders', token))).status).toBe(401);
  });

  it('answers 503 while the issuer cannot be reached, and works once it can (it may start before Gatehouse)', async () => {
    const port = await freePort();
    const early = await startResourceServer({ GATEHOUSE_ISSUER: `http://127.0.0.1:${port}/auth/realms/late`, API_IDENTIFIER: ORDERS_API });
    servers.push(early.process);
    const response = await answer(await call(early.url, 'GET', '/v1/orders', await realm.sign(claims())));
    expect(response).toMatchObject({ status: 503, body: { statusCode: 503, error: 'Service Unavailable', message: `The keys of http://127.0.0.1:${port}/auth/realms/late cannot be fetched; try again shortly` } });
    const late = await startTestIssuer('late', port);
    try {
      const token = await late.sign(claims({ iss: late.issuer }));
      expect(await answer(await call(early.url, 'GET', '/v1/orders', token))).toMatchObject({ status: 200, body: { values: [] } });
    } finally {
      await late.close();
    }
  });

  it('refuses to start without its configuration, naming what is missing', async () => {
    const misconfigured = runNodeProcess(RESOURCE_SERVER, { PORT: '0' }, /Resource server listening on port (\d+)/);
    expect(await misconfigured.exited).toBe(1);
    expect(misconfigured.stderr()).toMatch(/GATEHOUSE_ISSUER must be[\s\S]*API_IDENTIFIER must be/);
    const badValues = runNodeProcess(RESOURCE_SERVER, { GATEHOUSE_ISSUER: realm.issuer, API_IDENTIFIER: ORDERS_API, PORT: '80a', REQUIRE_PROJECT_SCOPED_TOKENS: 'maybe' }, /Resource server listening on port (\d+)/);
    expect(await badValues.exited).toBe(1);
    expect(badValues.stderr()).toMatch(/PORT must be[\s\S]*REQUIRE_PROJECT_SCOPED_TOKENS must be true or false/);
  });

  describe('the verification snippets (examples/snippets) that the README quotes', () => {
    const env = () => ({ PATH: process.env.PATH ?? '', GATEHOUSE_ISSUER: realm.issuer, API_IDENTIFIER: ORDERS_API });
    /** Exit code, stdout and stderr of a snippet run as its own process. */
    const verifyWith = async (command: string, args: string[]) => {
      try {
        const { stdout } = await run(command, args, { env: env(), timeout: 20_000 });
        return { code: 0, stdout, stderr: '' };
      } catch (error) {
        const failed = error as { code: number; stdout: string; stderr: string };
        return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
      }
    };
    const snippets: [string, (token: string, scope?: string) => ReturnType<typeof verifyWith>][] = [
      ['Node (jose)', (token, scope) => verifyWith(process.execPath, [VERIFY_NODE, token, ...(scope ? [scope] : [])])],
      ['Python (PyJWT)', (token, scope) => verifyWith(PYTHON, [VERIFY_PYTHON, token, ...(scope ? [scope] : [])])],
    ];

    it.each(snippets)('%s accepts a good token and prints its claims', async (_name, verify) => {
      const token = await accessToken({ audience: ORDERS_API, scope: 'orders:read', projectId: PROJECT });
      const result = await verify(token, 'orders:read');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ aud: ORDERS_API, org_id: ORGANIZATION, project_id: PROJECT, scope: `orders:read project-${PROJECT}` });
    });

    it.each(snippets)('%s refuses a missing scope (2) and bad tokens (1)', async (_name, verify) => {
      expect((await verify(await accessToken({ audience: ORDERS_API, scope: 'orders:read' }), 'orders:write')).code).toBe(2);
      for (const bad of [
        await accessToken({ audience: 'https://billing.example.com', scope: 'orders:read' }),
        await accessToken({ audience: ORDERS_API, scope: 'orders:read', expiresIn: -60 }),
        await realm.sign(claims({ iss: otherRealm.issuer })),
        await realm.sign(claims(), { header: { typ: 'JWT' } }),
        await realm.sign(claims(), { key: realm.unpublished }),
        await realm.sign(claims(), { header: { kid: 'rotated-away' } }),
      ]) {
        const result = await verify(bad);
        expect([result.code, result.stderr]).toEqual([1, expect.stringMatching(/^invalid_token: /)]);
      }
    });
  });
});

/**
 * The same server and the seed's Python script with tokens Gatehouse issues today: a realm's
 * client credentials tokens, whose `aud` is the deployment's OAUTH_TOKEN_AUDIENCE, set here to
 * the example's identifier. Once APIs can be registered, the token request names the API instead.
 */
describe('the example resource server with tokens from a running Gatehouse', () => {
  const TABLES_API = 'https://tables.example.com';
  let gatehouse: TestApp;
  let base: string;
  let tablesApi: ServerProcess;
  let tablesUrl: string;
  let client: Credentials;
  let project: Project;

  const tables = (token: string, method = 'GET', body?: unknown) =>
    fetch(`${tablesUrl}/v1/projects/${project.id}/tables`, { method, headers: { Authorization: `Bearer ${token}`, ...(body !== undefined && { 'Content-Type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    gatehouse = await startApp({ env: { PUBLIC_URL: base, OAUTH_TOKEN_AUDIENCE: TABLES_API } });
    await gatehouse.app.listen({ port, host: '127.0.0.1' });
    await createOrganization(gatehouse, { name: 'imply', oauth_enabled: true });
    await createOrganization(gatehouse, { name: 'initech', oauth_enabled: true });
    client = await createClientIn(gatehouse, 'imply', { client_id: 'MPS-test', scopes: ['table:read', 'table:write'] });
    project = await createProject(gatehouse, 'imply', 'seed-project');
    const started = await startResourceServer({ GATEHOUSE_ISSUER: `${base}/auth/realms/imply`, API_IDENTIFIER: TABLES_API });
    tablesApi = started.process;
    tablesUrl = started.url;
    // The table the seed's script lists.
    const created = await tables(await realmToken(gatehouse, 'imply', client, project.scope), 'POST', { name: 'Test table' });
    if (created.status !== 201) throw new Error(`table creation: ${created.status} ${await created.text()}`);
  });
  afterAll(async () => {
    await tablesApi?.stop();
    await gatehouse?.close();
  });

  it("accepts the realm's project-scoped token; refuses its organization token (403) and another realm's token (401)", async () => {
    const projectToken = await realmToken(gatehouse, 'imply', client, project.scope);
    expect((await tables(projectToken)).status).toBe(200);
    expect((await tables(await realmToken(gatehouse, 'imply', client))).status).toBe(403);
    const foreign = await realmToken(gatehouse, 'initech', await createClientIn(gatehouse, 'initech', { scopes: ['table:read'] }));
    expect(await (await tables(foreign)).json()).toEqual({ error: 'invalid_token', error_description: 'The access token was issued by another issuer' });
  });

  const pythonExample = (initialToken?: string) => {
    let script = readFileSync('test/seeds/polaris_tables_example.py', 'utf8')
      .replaceAll('__ORGANIZATION_NAME__', 'imply')
      .replaceAll('__PROJECT_ID__', project.id)
      .replaceAll('__CLIENT_ID__', client.client_id)
      .replaceAll('__CLIENT_SECRET__', client.client_secret)
      .replaceAll('__GATEHOUSE_URL__', base)
      .replaceAll('__TABLES_API_URL__', tablesUrl);
    if (initialToken) script = script.replace('access_token = None', `access_token = "${initialToken}"`);
    return run(PYTHON, ['-c', script], { timeout: 30_000 });
  };
  const expectRefreshedListing = (stdout: string) => {
    const [first, ...rest] = stdout.split('\n');
    expect(first).toBe('Refreshing token');
    const body = JSON.parse(rest.join('\n')) as { values: { name: string; availability: string }[] };
    expect(body.values).toEqual([expect.objectContaining({ name: 'Test table', availability: 'available' })]);
  };

  it("Imply Polaris: the seed's Python example runs to completion, refreshing its token on the first 401", async () => {
    // access_token starts as None, so the first call gets 401 and the script's refresh loop runs.
    expectRefreshedListing((await pythonExample()).stdout);
  });

  it('Imply Polaris: the Python example refreshes an expired token (401 with the documented body) and completes', async () => {
    const valid = decodeJwt(await realmToken(gatehouse, 'imply', client, project.scope)).payload;
    const now = Math.floor(Date.now() / 1000);
    const expired = await gatehouse.app.get(SigningKeyService).sign({ ...valid, iat: now - 301, exp: now - 1, jti: 'expired' }, 'at+jwt');
    const check = await tables(expired);
    expect(check.status).toBe(401);
    expect(await check.json()).toEqual(POLARIS_EXPIRED);
    expectRefreshedListing((await pythonExample(expired)).stdout);
  });

  it.each([
    ['Node (jose)', process.execPath, VERIFY_NODE],
    ['Python (PyJWT)', PYTHON, VERIFY_PYTHON],
  ])("the %s snippet verifies the realm's token", async (_name, command, snippet) => {
    const token = await realmToken(gatehouse, 'imply', client, `table:read ${project.scope}`);
    const { stdout } = await run(command, [snippet, token, 'table:read'], { env: { PATH: process.env.PATH ?? '', GATEHOUSE_ISSUER: `${base}/auth/realms/imply`, API_IDENTIFIER: TABLES_API }, timeout: 20_000 });
    expect(JSON.parse(stdout)).toMatchObject({ iss: `${base}/auth/realms/imply`, aud: TABLES_API, client_id: 'MPS-test', project_id: project.id });
  });
});
