import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPair } from 'jose';
import { AccessTokenError, EXPIRED_TOKEN_BODY, ResourceServer, type AccessRequest, type AccessRequirements, type ResourceServerOptions } from '../src/index.js';
import { AUDIENCE, dpopClient, type DpopClient, NOW, nowSeconds, ORGANIZATION, OTHER_PROJECT, PROJECT, startTestIssuer, type TestIssuer } from './support.js';

const URL_ = 'https://orders.example.com/v1/orders';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer();
});
afterAll(() => issuer.close());

const server = (options: Partial<ResourceServerOptions> = {}) => new ResourceServer({ issuer: issuer.issuer, audience: AUDIENCE, jwksUri: issuer.jwksUri, now: () => NOW, ...options });
const bearer = (token: string, extra: Partial<AccessRequest> = {}): AccessRequest => ({ method: 'GET', url: URL_, authorization: `Bearer ${token}`, ...extra });

/** The AccessTokenError `verify` throws. */
async function refusal(promise: Promise<unknown>): Promise<AccessTokenError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof AccessTokenError)) throw new Error(`expected an AccessTokenError, got ${String(error)}`);
  return error;
}

const invalidToken = (description: string) => ({
  status: 401,
  body: { error: 'invalid_token', error_description: description },
  headers: { 'WWW-Authenticate': `Bearer realm="${AUDIENCE}", error="invalid_token", error_description="${description.replaceAll('"', '')}"` },
});

describe('ResourceServer.verify: the token', () => {
  it('accepts a good token and says what it reaches', async () => {
    const token = await issuer.sign(issuer.claims({ scope: `orders:read project-${PROJECT}`, project_id: PROJECT }));
    const verified = await server().verify(bearer(token), { scopes: ['orders:read'], project: PROJECT });
    expect(verified).toMatchObject({ token, organizationId: ORGANIZATION, projectId: PROJECT, clientId: 'orders-client', actor: 'orders-client', boundKey: undefined });
    expect([...verified.scopes]).toEqual(['orders:read', `project-${PROJECT}`]);
  });

  it('the actor of a user token is the user', async () => {
    const verified = await server().verify(bearer(await issuer.sign(issuer.claims({ sub: 'user-42', sub_type: 'user' }))));
    expect(verified.actor).toBe('user-42');
  });

  it.each([
    ['another typ', { typ: 'JWT' }, 'The token is not an access token (typ must be at+jwt)'],
    ['no typ (an ID token, say)', { typ: null }, 'The token is not an access token (typ must be at+jwt)'],
  ] as const)('refuses %s', async (_name, options, description) => {
    expect(await refusal(server().verify(bearer(await issuer.sign(issuer.claims(), options))))).toMatchObject(invalidToken(description));
  });

  it.each([
    ['another issuer (realm)', { iss: 'http://127.0.0.1:1/auth/realms/initech' }, 'The access token was issued by another issuer'],
    ['another audience', { aud: 'https://billing.example.com' }, 'The access token is meant for another audience'],
    ['no exp', { exp: undefined }, 'The access token has no valid expiry'],
    ['an nbf in the future', { nbf: nowSeconds + 6 }, 'The access token is not valid yet'],
    ['no org_id', { org_id: undefined }, 'The access token names no organization (org_id)'],
    ['a project_id outside its scope', { project_id: PROJECT, scope: `orders:read project-${OTHER_PROJECT}` }, 'The access token names a project outside its scope'],
    ['two project scopes', { scope: `project-${PROJECT} project-${OTHER_PROJECT}` }, 'The access token is scoped to more than one project'],
    ['a cnf without jkt', { cnf: { 'x5t#S256': 'abc' } }, 'The access token is bound to a key this server cannot check (cnf without jkt)'],
  ])('refuses a token with %s', async (_name, overrides, description) => {
    expect(await refusal(server().verify(bearer(await issuer.sign(issuer.claims(overrides)))))).toMatchObject(invalidToken(description));
  });

  it("refuses an expired token with Polaris's body, and accepts one within the clock tolerance", async () => {
    const expired = await issuer.sign(issuer.claims({ exp: nowSeconds - 6 }));
    expect(await refusal(server({ clockToleranceSeconds: 5 }).verify(bearer(expired)))).toMatchObject({
      status: 401,
      body: EXPIRED_TOKEN_BODY,
      headers: { 'WWW-Authenticate': `Bearer realm="${AUDIENCE}", error="invalid_token", error_description="The access token expired"` },
    });
    await expect(server({ clockToleranceSeconds: 5 }).verify(bearer(await issuer.sign(issuer.claims({ exp: nowSeconds - 4, nbf: nowSeconds + 4 }))))).resolves.toBeDefined();
    // No tolerance by default: dead at exp, as Gatehouse's own verifier and Polaris have it.
    expect((await refusal(server().verify(bearer(await issuer.sign(issuer.claims({ exp: nowSeconds })))))).body).toEqual(EXPIRED_TOKEN_BODY);
    expect((await refusal(server().verify(bearer(await issuer.sign(issuer.claims({ nbf: nowSeconds + 1 })))))).body).toMatchObject({ error_description: 'The access token is not valid yet' });
  });

  it('refuses a bad signature: another key under the published kid, or a changed payload', async () => {
    const other = (await generateKeyPair('ES256')).privateKey;
    expect(await refusal(server().verify(bearer(await issuer.sign(issuer.claims(), { key: other }))))).toMatchObject(invalidToken('The access token signature is invalid'));
    const [header, , signature] = (await issuer.sign(issuer.claims())).split('.');
    const widened = Buffer.from(JSON.stringify(issuer.claims({ scope: 'orders:read orders:write' }))).toString('base64url');
    expect(await refusal(server().verify(bearer(`${header}.${widened}.${signature}`)))).toMatchObject(invalidToken('The access token signature is invalid'));
  });

  it('no Authorization header, or another scheme: 401 invalid_request whose challenge carries no error code (RFC 6750 §3.1)', async () => {
    for (const authorization of [undefined, 'Basic b3JkZXJzOnNlY3JldA==']) {
      expect(await refusal(server().verify({ method: 'GET', url: URL_, authorization }))).toMatchObject({
        status: 401,
        body: { error: 'invalid_request' },
        headers: { 'WWW-Authenticate': `Bearer realm="${AUDIENCE}"` },
      });
    }
    expect(await refusal(server().verify(bearer('two tokens')))).toMatchObject(invalidToken('The Authorization header is not "Bearer <access_token>"'));
    expect(await refusal(server().verify(bearer('not.a.jwt')))).toMatchObject(invalidToken('The access token is not a well-formed JWT'));
  });

  it('names the configured realm in its challenges', async () => {
    const error = await refusal(server({ realm: 'orders' }).verify(bearer(await issuer.sign(issuer.claims({ aud: 'x' })))));
    expect(error.headers['WWW-Authenticate']).toMatch(/^Bearer realm="orders", error="invalid_token"/);
  });
});

describe('ResourceServer.verify: scopes and projects', () => {
  const verify = async (claims: Record<string, unknown>, requirements: AccessRequirements, options: Partial<ResourceServerOptions> = {}) =>
    server(options).verify(bearer(await issuer.sign(issuer.claims(claims))), requirements);

  it('requires every scope (all-of), naming them all in a 403 insufficient_scope', async () => {
    await expect(verify({ scope: 'orders:read orders:write' }, { scopes: ['orders:read', 'orders:write'] })).resolves.toBeDefined();
    expect(await refusal(verify({ scope: 'orders:read' }, { scopes: ['orders:write'] }))).toMatchObject({
      status: 403,
      body: { error: 'insufficient_scope', error_description: 'This request requires the scope "orders:write", which the access token does not have', scope: 'orders:write' },
      // The challenge drops the description's quotes (a quoted-string cannot hold them unescaped).
      headers: { 'WWW-Authenticate': `Bearer realm="${AUDIENCE}", error="insufficient_scope", error_description="This request requires the scope orders:write, which the access token does not have", scope="orders:write"` },
    });
    expect(await refusal(verify({ scope: 'orders:read' }, { scopes: ['orders:read', 'orders:write', 'orders:delete'] }))).toMatchObject({
      status: 403,
      body: { error: 'insufficient_scope', error_description: 'This request requires the scopes "orders:read orders:write orders:delete"; the access token does not have "orders:write orders:delete"', scope: 'orders:read orders:write orders:delete' },
    });
  });

  it("a project-scoped token reaches its own project only", async () => {
    const scoped = { scope: `orders:read project-${PROJECT}`, project_id: PROJECT };
    await expect(verify(scoped, { project: PROJECT })).resolves.toMatchObject({ projectId: PROJECT });
    expect(await refusal(verify(scoped, { project: OTHER_PROJECT }))).toMatchObject({
      status: 403,
      body: { statusCode: 403, error: 'Forbidden', message: `This access token is scoped to project ${PROJECT}, not ${OTHER_PROJECT}` },
    });
    // Polaris's scope alone (no project_id claim) is enough.
    await expect(verify({ scope: `project-${PROJECT}` }, { project: PROJECT })).resolves.toMatchObject({ projectId: PROJECT });
  });

  it('an organization token reaches every project unless project-scoped tokens are required (option, or per route)', async () => {
    await expect(verify({}, { project: PROJECT })).resolves.toMatchObject({ projectId: undefined });
    const required = await refusal(verify({}, { project: PROJECT }, { requireProjectScopedTokens: true }));
    expect(required).toMatchObject({
      status: 403,
      body: { statusCode: 403, error: 'Forbidden', message: `This project requires a project-scoped token: request one with scope=project-${PROJECT}` },
    });
    expect(required.headers['WWW-Authenticate']).toMatch(new RegExp(`error="insufficient_scope".*scope="project-${PROJECT}"`));
    expect((await refusal(verify({}, { project: PROJECT, requireProjectScopedToken: true }))).status).toBe(403);
    await expect(verify({}, { project: PROJECT, requireProjectScopedToken: false }, { requireProjectScopedTokens: true })).resolves.toBeDefined();
  });

  it('organization-wide resources refuse a project-scoped token', async () => {
    await expect(verify({}, { organizationOnly: true })).resolves.toBeDefined();
    expect(await refusal(verify({ scope: `orders:read project-${PROJECT}` }, { organizationOnly: true }))).toMatchObject({ status: 403, body: { message: expect.stringContaining(`scoped to project ${PROJECT}`) } });
  });
});

describe('ResourceServer: the issuer keys', () => {
  it('finds the JWKS through the discovery document when not told', async () => {
    const discovering = server({ jwksUri: undefined });
    await expect(discovering.verify(bearer(await issuer.sign(issuer.claims())))).resolves.toBeDefined();
  });

  it('fetches the JWKS again for an unknown kid (a rotation), caches it, and waits out the cooldown before another fetch', async () => {
    const rotating = server({ jwks: { cooldownSeconds: 0 } });
    await rotating.verify(bearer(await issuer.sign(issuer.claims())));
    const fetched = issuer.jwksFetches();
    await rotating.verify(bearer(await issuer.sign(issuer.claims())));
    expect(issuer.jwksFetches()).toBe(fetched);
    const kid = await issuer.rotate();
    await expect(rotating.verify(bearer(await issuer.sign(issuer.claims(), { kid })))).resolves.toBeDefined();
    expect(issuer.jwksFetches()).toBe(fetched + 1);

    const patient = server({ jwks: { cooldownSeconds: 300 } });
    await patient.verify(bearer(await issuer.sign(issuer.claims())));
    const before = issuer.jwksFetches();
    expect(await refusal(patient.verify(bearer(await issuer.sign(issuer.claims(), { kid: 'never-published' }))))).toMatchObject(invalidToken('No published key matches the access token (its kid or alg)'));
    // Within the cooldown an unknown kid does not make it fetch again (a flood of made-up kids cannot hammer the issuer).
    expect(issuer.jwksFetches()).toBe(before);
  });

  it('answers 503 when the keys cannot be fetched (the token may be good)', async () => {
    const unreachable = new ResourceServer({ issuer: 'http://127.0.0.1:1/auth/realms/imply', audience: AUDIENCE, now: () => NOW });
    const error = await refusal(unreachable.verify(bearer(await issuer.sign(issuer.claims()))));
    expect(error).toMatchObject({ status: 503, body: { statusCode: 503, error: 'Service Unavailable', message: 'The keys of http://127.0.0.1:1/auth/realms/imply cannot be fetched; try again shortly' } });
  });

  it('refuses to be built without an issuer URL or an audience', () => {
    expect(() => new ResourceServer({ issuer: 'imply', audience: AUDIENCE })).toThrow(/issuer/);
    expect(() => new ResourceServer({ issuer: issuer.issuer, audience: '' })).toThrow(/audience/);
  });
});

describe('ResourceServer.verify: DPoP-bound tokens (RFC 9449)', () => {
  let client: DpopClient;
  let token: string;
  beforeAll(async () => {
    client = await dpopClient();
    token = await issuer.sign(issuer.claims({ cnf: { jkt: client.jkt } }));
  });
  const dpop = (proof: string | string[] | undefined, extra: Partial<AccessRequest> = {}): AccessRequest => ({ method: 'GET', url: URL_, authorization: `DPoP ${token}`, dpop: proof, ...extra });
  const invalidProof = (description: string) => ({
    status: 401,
    body: { error: 'invalid_dpop_proof', error_description: description },
    headers: { 'WWW-Authenticate': expect.stringMatching(new RegExp(`^DPoP realm="${AUDIENCE}", error="invalid_dpop_proof", error_description=".+", algs="ES256 `)) },
  });

  it('accepts the token with a valid proof (the query left out of htu), once', async () => {
    const verifier = server();
    const proof = await client.proof({ method: 'GET', url: URL_, accessToken: token });
    await expect(verifier.verify(dpop(proof, { url: `${URL_}?page=2` }))).resolves.toMatchObject({ boundKey: client.jkt });
    expect(await refusal(verifier.verify(dpop(proof)))).toMatchObject(invalidProof('The DPoP proof was used already (jti)'));
    await expect(verifier.verify(dpop(await client.proof({ method: 'GET', url: URL_, accessToken: token })))).resolves.toBeDefined();
  });

  it('lets one of two concurrent requests with the same proof through', async () => {
    const verifier = server();
    const proof = await client.proof({ method: 'GET', url: URL_, accessToken: token });
    const outcomes = await Promise.allSettled([verifier.verify(dpop(proof)), verifier.verify(dpop(proof))]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('refuses the bound token as a Bearer token, or without a proof, or with two', async () => {
    const asBearer = await refusal(server().verify({ ...dpop(await client.proof({ method: 'GET', url: URL_, accessToken: token })), authorization: `Bearer ${token}` }));
    expect(asBearer).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
    expect(asBearer.headers['WWW-Authenticate']).toMatch(/^DPoP realm=/);
    expect(await refusal(server().verify(dpop(undefined)))).toMatchObject(invalidProof('The access token is bound to a key: send one DPoP proof in a DPoP header (RFC 9449)'));
    const proof = await client.proof({ method: 'GET', url: URL_, accessToken: token });
    expect((await refusal(server().verify(dpop([proof, proof])))).body.error).toBe('invalid_dpop_proof');
  });

  it('refuses an unbound token sent with the DPoP scheme', async () => {
    const unbound = await issuer.sign(issuer.claims());
    expect(await refusal(server().verify({ method: 'GET', url: URL_, authorization: `DPoP ${unbound}` }))).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
  });

  it.each([
    ['signed with another key than cnf.jkt', async (c: DpopClient, t: string) => (await dpopClient()).proof({ method: 'GET', url: URL_, accessToken: t }), 'The DPoP proof is signed with another key than the one the access token is bound to (cnf.jkt)'],
    ['for another method', (c: DpopClient, t: string) => c.proof({ method: 'POST', url: URL_, accessToken: t }), 'The DPoP proof is for another HTTP method (htm must be GET)'],
    ['for another URL', (c: DpopClient, t: string) => c.proof({ method: 'GET', url: 'https://orders.example.com/v1/invoices', accessToken: t }), 'The DPoP proof is for another URL (htu)'],
    ['for another origin', (c: DpopClient, t: string) => c.proof({ method: 'GET', url: 'https://evil.example.com/v1/orders', accessToken: t }), 'The DPoP proof is for another URL (htu)'],
    ['too old (iat)', (c: DpopClient, t: string) => c.proof({ method: 'GET', url: URL_, accessToken: t, iat: nowSeconds - 66 }), 'The DPoP proof is too old (iat)'],
    ['from the future (iat)', (c: DpopClient, t: string) => c.proof({ method: 'GET', url: URL_, accessToken: t, iat: nowSeconds + 6 }), 'The DPoP proof is issued in the future (iat)'],
    ['for another access token (ath)', (c: DpopClient, t: string) => c.proof({ method: 'GET', url: URL_, accessToken: `${t}x` }), 'The DPoP proof is for another access token (ath)'],
    ['of another typ', (c: DpopClient, t: string) => c.proof({ method: 'GET', url: URL_, accessToken: t, typ: 'JWT' }), 'The DPoP proof is not a DPoP proof (typ must be dpop+jwt)'],
  ])('refuses a proof %s', async (_name, makeProof, description) => {
    expect(await refusal(server().verify(dpop(await makeProof(client, token))))).toMatchObject(invalidProof(description));
  });

  it('accepts a proof whose iat is within its window and the clock tolerance', async () => {
    for (const iat of [nowSeconds - 60, nowSeconds + 4]) {
      await expect(server().verify(dpop(await client.proof({ method: 'GET', url: URL_, accessToken: token, iat })))).resolves.toBeDefined();
    }
  });

  it('checks scopes after the proof, and a refused request does not consume the proof', async () => {
    const verifier = server();
    const proof = await client.proof({ method: 'GET', url: URL_, accessToken: token });
    expect(await refusal(verifier.verify(dpop(proof), { scopes: ['orders:write'] }))).toMatchObject({ status: 403, headers: { 'WWW-Authenticate': expect.stringMatching(/^DPoP realm=.*error="insufficient_scope"/) } });
    await expect(verifier.verify(dpop(proof), { scopes: ['orders:read'] })).resolves.toBeDefined();
  });
});

describe('ResourceServer: protected resource metadata (RFC 9728)', () => {
  const withMetadata = (options: Partial<ResourceServerOptions> = {}) =>
    server({ audience: 'https://api.example.com/orders/', resourceMetadata: { scopes: ['orders:read', 'orders:write'], documentation: 'https://docs.example.com/orders', name: 'Orders' }, ...options });

  it("describes the API: its identifier, its issuer, its scopes, the header as the one way to send a token", () => {
    const tokens = withMetadata();
    expect(tokens.protectedResourceMetadata()).toEqual({
      resource: 'https://api.example.com/orders/',
      authorization_servers: [issuer.issuer],
      bearer_methods_supported: ['header'],
      scopes_supported: ['orders:read', 'orders:write'],
      resource_documentation: 'https://docs.example.com/orders',
      resource_name: 'Orders',
      dpop_signing_alg_values_supported: expect.arrayContaining(['ES256', 'EdDSA']),
    });
    // RFC 9728 §3.1: the well-known path between the host and the identifier's path, without its trailing slash.
    expect(tokens.resourceMetadataUrl).toBe('https://api.example.com/.well-known/oauth-protected-resource/orders');
    expect(tokens.resourceMetadataPath).toBe('/.well-known/oauth-protected-resource/orders');
    expect(withMetadata({ audience: AUDIENCE }).resourceMetadataPath).toBe('/.well-known/oauth-protected-resource');
    expect(withMetadata({ resourceMetadata: { url: 'https://orders.internal.example.com/meta' } }).resourceMetadataUrl).toBe('https://orders.internal.example.com/meta');
  });

  it('names the metadata in every challenge, after the error parameters (RFC 9728 §5.1)', async () => {
    const tokens = withMetadata();
    const pointer = 'resource_metadata="https://api.example.com/.well-known/oauth-protected-resource/orders"';
    const missing = await refusal(tokens.verify({ method: 'GET', url: URL_ }));
    expect(missing.headers['WWW-Authenticate']).toBe(`Bearer realm="https://api.example.com/orders/", ${pointer}`);
    const wrongAudience = await refusal(tokens.verify(bearer(await issuer.sign(issuer.claims()))));
    expect(wrongAudience.headers['WWW-Authenticate']).toBe(`Bearer realm="https://api.example.com/orders/", error="invalid_token", error_description="The access token is meant for another audience", ${pointer}`);
    const narrow = await refusal(tokens.verify(bearer(await issuer.sign(issuer.claims({ aud: 'https://api.example.com/orders/' }))), { scopes: ['orders:write'] }));
    expect(narrow.status).toBe(403);
    expect(narrow.headers['WWW-Authenticate']).toMatch(new RegExp(`error="insufficient_scope", .*scope="orders:write", ${pointer}$`));
  });

  it('without the option: no metadata, and challenges as before', async () => {
    const tokens = server();
    expect(tokens.resourceMetadataUrl).toBeUndefined();
    expect(() => tokens.protectedResourceMetadata()).toThrow(TypeError);
    expect((await refusal(tokens.verify({ method: 'GET', url: URL_ }))).headers['WWW-Authenticate']).toBe(`Bearer realm="${AUDIENCE}"`);
  });

  it('needs a url for an audience that is not an http(s) URL', () => {
    expect(() => withMetadata({ audience: 'urn:example:orders' })).toThrow(/needs a url/);
    expect(withMetadata({ audience: 'urn:example:orders', resourceMetadata: { url: 'https://orders.example.com/.well-known/oauth-protected-resource' } }).protectedResourceMetadata().resource).toBe('urn:example:orders');
  });
});
