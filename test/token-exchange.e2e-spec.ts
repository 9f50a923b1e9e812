import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import * as oauth from 'oauth4webapi';
import { type TestApp, startApp } from './support/test-app.js';
import { type Credentials, decodeJwt, ROOT, tokenFor } from './support/oauth.js';
import { createClientIn, createOrganization, createProject, realmToken } from './support/tenants.js';
import { APP_REDIRECT, createUser, type Person, userTokens } from './support/principals.js';
import { freePort } from './support/server-process.js';
import { manualClock } from './support/clock.js';

const REALM = 'xchg';
const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';
const ORDERS = 'https://orders.example.com';
const BILLING = 'https://billing.example.com';
const LEDGER = 'https://ledger.example.com';
const alice: Person = { email: 'alice@xchg.example.com', password: 'alice passphrase 1' };

/**
 * RFC 8693 token exchange, with openid-client 6 and oauth4webapi 3 as the exchanging services: a
 * token a service received becomes one for another API of its organization, for the same user or
 * client, by impersonation or delegation (`act`), only as far as the client's exchange policy goes.
 */
describe('token exchange (RFC 8693)', () => {
  let gatehouse: TestApp;
  let issuer: string;
  /** orders-service: may exchange for billing and orders, by impersonation and delegation. */
  let ordersService: Credentials;
  /** billing-service: may exchange for the ledger by delegation only. */
  let billingService: Credentials;
  /** A gateway whose own tokens are subject and actor tokens. */
  let gateway: Credentials;
  let shop: string;
  let aliceId: string;
  let clock: ReturnType<typeof manualClock>;

  const realmUrl = () => new URL(`${issuer}/auth/realms/${REALM}`);
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  /** A new root token each time: the tests move the clock on by hours. */
  const asRoot = async () => bearer(await tokenFor(gatehouse, ROOT));

  /** A raw exchange at the realm's token endpoint (client_secret_post). */
  function exchange(client: Credentials, body: Record<string, string>) {
    return gatehouse
      .http()
      .post(`/auth/realms/${REALM}/protocol/openid-connect/token`)
      .type('form')
      .send({ grant_type: EXCHANGE, ...client, ...body });
  }

  async function aliceToken(scope: string): Promise<string> {
    return (await userTokens(gatehouse, { clientId: shop, scope, person: alice, realm: REALM })).access_token;
  }

  async function auditEvents(action: string): Promise<{ action: string; details: Record<string, unknown>; target: { type: string; id: string } }[]> {
    const response = await gatehouse.http().get(`/api/v1/audit?action=${action}`).set(await asRoot());
    expect(response.status).toBe(200);
    return (response.body as { events: { action: string; details: Record<string, unknown>; target: { type: string; id: string } }[] }).events;
  }

  beforeAll(async () => {
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    gatehouse = await startApp({ env: { PUBLIC_URL: issuer } });
    await gatehouse.app.listen({ port, host: '127.0.0.1' });
    clock = manualClock(gatehouse);
    await createOrganization(gatehouse, { name: REALM, oauth_enabled: true });
    for (const [identifier, name, scopes] of [
      [ORDERS, 'Orders', ['orders:read', 'orders:write']],
      [BILLING, 'Billing', ['billing:read', 'billing:write']],
      [LEDGER, 'Ledger', ['ledger:read']],
    ] as const) {
      const response = await gatehouse.http().post('/api/v1/apis').set(await asRoot()).send({ organization: REALM, identifier, name, scopes: scopes.map((scope) => ({ name: scope, description: scope })) });
      expect(response.status).toBe(201);
    }
    const role = await gatehouse.http().post('/api/v1/oauth/role').set(await asRoot()).send({ organization: REALM, name: 'shopper', scopes: ['orders:read', 'orders:write', 'billing:read', 'ledger:read', 'token:personal', 'client:read'] });
    expect(role.status).toBe(201);
    aliceId = await createUser(gatehouse, alice, REALM, 'shopper');
    shop = (await createClientIn(gatehouse, REALM, { name: 'Shop', public: true, redirect_uris: [APP_REDIRECT], scopes: ['openid', 'orders:read', 'orders:write', 'token:personal', 'client:read'] })).client_id;
    gateway = await createClientIn(gatehouse, REALM, { client_id: 'gateway', scopes: ['orders:read', 'billing:read'] });
    ordersService = await createClientIn(gatehouse, REALM, {
      client_id: 'orders-service',
      scopes: ['orders:read', 'orders:write', 'billing:read', 'billing:write'],
      token_exchange: { audiences: [BILLING, ORDERS], delegation: true, impersonation: true },
    });
    billingService = await createClientIn(gatehouse, REALM, { client_id: 'billing-service', scopes: ['ledger:read'], token_exchange: { audiences: [LEDGER], delegation: true, impersonation: false } });
  }, 120_000);
  afterAll(() => gatehouse.close());

  describe('the client API keeps the policy', () => {
    it('shows it, gives the grant type to a client created with one, and clears it with null', async () => {
      const read = await gatehouse.http().get('/api/v1/oauth/client/orders-service').set(await asRoot());
      expect(read.body).toMatchObject({ token_exchange: { audiences: [BILLING, ORDERS], delegation: true, impersonation: true }, grant_types: ['client_credentials', 'authorization_code', 'refresh_token', EXCHANGE] });
      expect((await gatehouse.http().get('/api/v1/oauth/client/gateway').set(await asRoot())).body).toMatchObject({ token_exchange: null, grant_types: ['client_credentials', 'authorization_code', 'refresh_token'] });

      const temporary = await createClientIn(gatehouse, REALM, { scopes: ['billing:read'], token_exchange: { audiences: [BILLING], delegation: false, impersonation: true } });
      const cleared = await gatehouse.http().put(`/api/v1/oauth/client/${temporary.client_id}`).set(await asRoot()).send({ token_exchange: null });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({ token_exchange: null });
      const updated = await gatehouse.http().put(`/api/v1/oauth/client/${temporary.client_id}`).set(await asRoot()).send({ token_exchange: { audiences: [LEDGER], delegation: true, impersonation: false } });
      expect(updated.body).toMatchObject({ token_exchange: { audiences: [LEDGER], delegation: true, impersonation: false } });
    });

    it.each([
      ['an audience that is no API of the organization', { token_exchange: { audiences: ['https://nowhere.example.com'], delegation: true, impersonation: true } }],
      ['a policy without its switches', { token_exchange: { audiences: [BILLING] } }],
      ['a policy that is not an object', { token_exchange: 'yes' }],
      ['a public client with a policy', { public: true, redirect_uris: [APP_REDIRECT], token_exchange: { audiences: [BILLING], delegation: true, impersonation: true } }],
      ['a public client with the grant type', { public: true, redirect_uris: [APP_REDIRECT], grant_types: ['authorization_code', EXCHANGE] }],
    ])('refuses %s (400)', async (_what, body) => {
      const response = await gatehouse.http().post('/api/v1/oauth/client').set(await asRoot()).send({ organization: REALM, scopes: [], ...body });
      expect(response.status).toBe(400);
    });

    it('lets only a caller holding every scope of an audience allow exchanges for it (403 otherwise)', async () => {
      const create = async (admin: Credentials, body: Record<string, unknown>) => gatehouse.http().post('/api/v1/oauth/client').set(bearer(await realmToken(gatehouse, REALM, admin))).send(body);
      const policy = (audience: string) => ({ token_exchange: { audiences: [audience], delegation: true, impersonation: true } });
      // Administering clients is not administering the billing API.
      const clientAdmin = await createClientIn(gatehouse, REALM, { permissions: ['administer-clients'], scopes: [] });
      const refused = await create(clientAdmin, { scopes: ['client:read'], ...policy(BILLING) });
      expect(refused.status).toBe(403);
      expect((refused.body as { message: string }).message).toContain(BILLING);
      const plain = await create(clientAdmin, { scopes: ['client:read'] });
      expect(plain.status).toBe(201);
      const widened = await gatehouse.http().put(`/api/v1/oauth/client/${(plain.body as Credentials).client_id}`).set(bearer(await realmToken(gatehouse, REALM, clientAdmin))).send(policy(BILLING));
      expect(widened.status).toBe(403);

      // Whoever administers the organization's APIs holds their scopes; Gatehouse's own API takes every scope of Gatehouse.
      const apiAdmin = await createClientIn(gatehouse, REALM, { permissions: ['administer-clients'], scopes: ['api:update'] });
      expect((await create(apiAdmin, { scopes: ['billing:read'], ...policy(BILLING) })).status).toBe(201);
      const own = await create(apiAdmin, { scopes: ['billing:read'], ...policy(issuer) });
      expect(own.status).toBe(403);
      const byRoot = await gatehouse.http().post('/api/v1/oauth/client').set(await asRoot()).send({ organization: REALM, scopes: ['client:read'], ...policy(issuer) });
      expect(byRoot.status).toBe(201);
    });
  });

  it('discovery lists the grant for the platform issuer and for realms', async () => {
    for (const path of ['/.well-known/openid-configuration', `/auth/realms/${REALM}/.well-known/openid-configuration`]) {
      expect(((await gatehouse.http().get(path)).body as { grant_types_supported: string[] }).grant_types_supported).toContain(EXCHANGE);
    }
  });

  describe('impersonation', () => {
    it("openid-client 6: a user's token for the orders API becomes one for billing, for the same user, with no refresh token", async () => {
      const subject = await aliceToken('orders:read');
      const config = await oidc.discovery(realmUrl(), ordersService.client_id, ordersService.client_secret, undefined, { execute: [oidc.allowInsecureRequests] });
      const tokens = await oidc.genericGrantRequest(config, EXCHANGE, { subject_token: subject, subject_token_type: ACCESS_TOKEN, audience: BILLING, scope: 'billing:read' });
      expect(tokens).toMatchObject({ issued_token_type: ACCESS_TOKEN, token_type: 'bearer', scope: 'billing:read' });
      expect(tokens.refresh_token).toBeUndefined();
      const claims = decodeJwt(tokens.access_token).payload;
      expect(claims).toMatchObject({ sub: aliceId, sub_type: 'user', aud: BILLING, client_id: 'orders-service', scope: 'billing:read', iss: realmUrl().href });
      expect(claims.act).toBeUndefined();
      // Never outliving the subject token.
      expect(claims.exp as number).toBeLessThanOrEqual(decodeJwt(subject).payload.exp as number);

      const events = await auditEvents('token.exchanged');
      const event = events.find((candidate) => candidate.target.id === claims.jti)!;
      expect(event.details).toEqual({ client_id: 'orders-service', mode: 'impersonation', subject: { sub: aliceId, sub_type: 'user', client_id: shop }, requested_audience: BILLING, requested_scopes: ['billing:read'], audience: BILLING, scopes: ['billing:read'] });
      expect(JSON.stringify(events)).not.toContain(subject.split('.')[2]);
    });

    it('oauth4webapi 3: a client token is exchanged for the same client, the scopes narrowed', async () => {
      const options = { [oauth.allowInsecureRequests]: true };
      const as = await oauth.processDiscoveryResponse(realmUrl(), await oauth.discoveryRequest(realmUrl(), { ...options, algorithm: 'oidc' }));
      const client: oauth.Client = { client_id: ordersService.client_id };
      const subject = await realmToken(gatehouse, REALM, gateway, 'orders:read');
      const response = await oauth.genericTokenEndpointRequest(as, client, oauth.ClientSecretBasic(ordersService.client_secret), EXCHANGE, { subject_token: subject, subject_token_type: ACCESS_TOKEN, resource: BILLING }, options);
      const tokens = await oauth.processGenericTokenEndpointResponse(as, client, response);
      expect(tokens).toMatchObject({ issued_token_type: ACCESS_TOKEN, scope: 'billing:read' });
      // The gateway holds billing:read, and so does orders-service: billing:write (which only orders-service holds) stays out.
      expect(decodeJwt(tokens.access_token).payload).toMatchObject({ sub: 'gateway', aud: BILLING, client_id: 'orders-service', scope: 'billing:read' });
      expect(decodeJwt(tokens.access_token).payload.sub_type).toBeUndefined();
    });

    it("towards the subject token's own audience only narrows: orders:write, which the token lacks, is invalid_scope", async () => {
      const subject = await aliceToken('orders:read');
      const narrowed = await exchange(ordersService, { subject_token: subject, subject_token_type: ACCESS_TOKEN, audience: ORDERS });
      expect(narrowed.status).toBe(200);
      expect(narrowed.body).toMatchObject({ scope: 'orders:read' });
      const widened = await exchange(ordersService, { subject_token: subject, subject_token_type: ACCESS_TOKEN, audience: ORDERS, scope: 'orders:read orders:write' });
      expect(widened.status).toBe(400);
      expect(widened.body).toMatchObject({ error: 'invalid_scope' });
    });

    it('keeps a project-scoped token project-scoped', async () => {
      const project = await createProject(gatehouse, REALM, 'exchange-project');
      const subject = await realmToken(gatehouse, REALM, gateway, `orders:read project-${project.id}`);
      const response = await exchange(ordersService, { subject_token: subject, subject_token_type: ACCESS_TOKEN, audience: BILLING });
      expect(response.status).toBe(200);
      expect(decodeJwt((response.body as { access_token: string }).access_token).payload).toMatchObject({ project_id: project.id, scope: `billing:read project-${project.id}` });
      const other = await createProject(gatehouse, REALM, 'another-project');
      const widened = await exchange(ordersService, { subject_token: subject, subject_token_type: ACCESS_TOKEN, audience: BILLING, scope: `billing:read project-${other.id}` });
      expect(widened.body).toMatchObject({ error: 'invalid_scope' });
    });

    it('lives no longer than what remains of the subject token', async () => {
      const subject = await aliceToken('orders:read');
      const exp = decodeJwt(subject).payload.exp as number;
      clock.advance((exp - 100) * 1000 - clock.now());
      const response = await exchange(ordersService, { subject_token: subject, subject_token_type: ACCESS_TOKEN, audience: BILLING });
      expect(response.status).toBe(200);
      expect((response.body as { expires_in: number }).expires_in).toBeLessThanOrEqual(100);
      expect(decodeJwt((response.body as { access_token: string }).access_token).payload.exp).toBeLessThanOrEqual(exp);
      clock.advance(101_000);
      const expired = await exchange(ordersService, { subject_token: subject, subject_token_type: ACCESS_TOKEN, audience: BILLING });
      expect(expired.status).toBe(400);
      expect(expired.body).toMatchObject({ error: 'invalid_request' });
    });
  });

  describe('delegation', () => {
    it('names the actor in act, nests the earlier actor, and introspection shows it', async () => {
      const subject = await aliceToken('orders:read');
      const gatewayToken = await realmToken(gatehouse, REALM, gateway, 'orders:read');
      const first = await exchange(ordersService, { subject_token: subject, subject_token_type: ACCESS_TOKEN, actor_token: gatewayToken, actor_token_type: ACCESS_TOKEN, audience: BILLING });
      expect(first.status).toBe(200);
      const delegated = (first.body as { access_token: string }).access_token;
      expect(decodeJwt(delegated).payload).toMatchObject({ sub: aliceId, aud: BILLING, act: { sub: 'gateway' } });

      // billing-service passes it on to the ledger, acting with its own token.
      const billingToken = await realmToken(gatehouse, REALM, billingService);
      const options = { [oauth.allowInsecureRequests]: true };
      const as = await oauth.processDiscoveryResponse(realmUrl(), await oauth.discoveryRequest(realmUrl(), { ...options, algorithm: 'oidc' }));
      const client: oauth.Client = { client_id: billingService.client_id };
      const response = await oauth.genericTokenEndpointRequest(
        as,
        client,
        oauth.ClientSecretPost(billingService.client_secret),
        EXCHANGE,
        { subject_token: delegated, subject_token_type: ACCESS_TOKEN, actor_token: billingToken, actor_token_type: ACCESS_TOKEN, audience: LEDGER },
        options,
      );
      const tokens = await oauth.processGenericTokenEndpointResponse(as, client, response);
      const nested = { sub: 'billing-service', act: { sub: 'gateway' } };
      expect(decodeJwt(tokens.access_token).payload).toMatchObject({ sub: aliceId, aud: LEDGER, scope: 'ledger:read', act: nested });

      const introspection = await gatehouse.http().post('/api/v1/oauth/introspect').type('form').send({ token: tokens.access_token, ...ROOT });
      expect(introspection.body).toMatchObject({ active: true, sub: aliceId, aud: LEDGER, act: nested });
      const events = await auditEvents('token.exchanged');
      expect(events.find((event) => event.target.id === decodeJwt(tokens.access_token).payload.jti)!.details).toMatchObject({ mode: 'delegation', actor: { sub: 'billing-service', client_id: 'billing-service' }, subject: { sub: aliceId, client_id: 'orders-service' } });
    });

    it('is refused to a client whose policy allows impersonation only, and impersonation to one allowing delegation only (unauthorized_client)', async () => {
      const impersonator = await createClientIn(gatehouse, REALM, { scopes: ['billing:read'], token_exchange: { audiences: [BILLING], delegation: false, impersonation: true } });
      const subject = await aliceToken('orders:read');
      const actor = await realmToken(gatehouse, REALM, gateway, 'orders:read');
      const delegation = await exchange(impersonator, { subject_token: subject, subject_token_type: ACCESS_TOKEN, actor_token: actor, actor_token_type: ACCESS_TOKEN, audience: BILLING });
      expect(delegation.body).toMatchObject({ error: 'unauthorized_client' });
      const impersonation = await exchange(billingService, { subject_token: subject, subject_token_type: ACCESS_TOKEN, audience: LEDGER });
      expect(impersonation.body).toMatchObject({ error: 'unauthorized_client' });
    });
  });

  describe('refusals', () => {
    let subject: string;
    beforeAll(async () => {
      subject = await aliceToken('orders:read');
    });

    it('a client without a policy: unauthorized_client, audited', async () => {
      const noPolicy = await createClientIn(gatehouse, REALM, { client_id: 'no-policy', scopes: ['billing:read'], grant_types: ['client_credentials', EXCHANGE] });
      const response = await exchange(noPolicy, { subject_token: subject, subject_token_type: ACCESS_TOKEN, audience: BILLING });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'unauthorized_client' });
      const events = await auditEvents('token.exchange_refused');
      expect(events.find((event) => event.details.client_id === 'no-policy')!.details).toMatchObject({ error: 'unauthorized_client', requested_audience: BILLING });
      expect(JSON.stringify(events)).not.toContain(subject.split('.')[2]);
    });

    it('a public client: unauthorized_client, since it cannot have the grant', async () => {
      const response = await gatehouse.http().post(`/auth/realms/${REALM}/protocol/openid-connect/token`).type('form').send({ grant_type: EXCHANGE, client_id: shop, subject_token: subject, subject_token_type: ACCESS_TOKEN, audience: BILLING });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'unauthorized_client' });
    });

    it('an audience outside the policy, or no API at all: invalid_target', async () => {
      const outside = await exchange(ordersService, { subject_token: subject, subject_token_type: ACCESS_TOKEN, audience: LEDGER });
      expect(outside.body).toMatchObject({ error: 'invalid_target' });
      const unknown = await exchange(ordersService, { subject_token: subject, subject_token_type: ACCESS_TOKEN, resource: 'https://unknown.example.com' });
      expect(unknown.body).toMatchObject({ error: 'invalid_target' });
      const events = await auditEvents('token.exchange_refused');
      expect(events.some((event) => event.details.error === 'invalid_target' && event.details.audience === LEDGER && (event.details.subject as { sub: string }).sub === aliceId)).toBe(true);
    });

    it("scopes beyond what the subject may hold, or the client holds: invalid_scope (openid-client reports it)", async () => {
      const config = await oidc.discovery(realmUrl(), ordersService.client_id, ordersService.client_secret, undefined, { execute: [oidc.allowInsecureRequests] });
      // alice's role does not give billing:write.
      await expect(oidc.genericGrantRequest(config, EXCHANGE, { subject_token: subject, subject_token_type: ACCESS_TOKEN, audience: BILLING, scope: 'billing:write' })).rejects.toMatchObject({ error: 'invalid_scope' });
      // billing-service does not hold ledger:read's neighbours.
      const gatewayToken = await realmToken(gatehouse, REALM, gateway, 'orders:read');
      const response = await exchange(ordersService, { subject_token: gatewayToken, subject_token_type: ACCESS_TOKEN, audience: BILLING, scope: 'billing:write' });
      expect(response.body).toMatchObject({ error: 'invalid_scope' });
    });

    it.each([
      ['a refresh token', { subject_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' }],
      ['an ID token', { subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' }],
      ['a JWT of another kind', { subject_token_type: 'urn:ietf:params:oauth:token-type:jwt' }],
      ['a refresh token asked for', { subject_token_type: ACCESS_TOKEN, requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token' }],
      ['an actor token without its type', { subject_token_type: ACCESS_TOKEN, actor_token: 'x' }],
      ['an actor token of another type', { subject_token_type: ACCESS_TOKEN, actor_token: 'x', actor_token_type: 'urn:ietf:params:oauth:token-type:id_token' }],
    ])('unsupported token types and malformed requests: %s is invalid_request', async (_what, body) => {
      const response = await exchange(ordersService, { subject_token: subject, audience: BILLING, ...body });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'invalid_request' });
    });

    it('without subject_token: invalid_request', async () => {
      const response = await exchange(ordersService, { subject_token_type: ACCESS_TOKEN, audience: BILLING });
      expect(response.body).toMatchObject({ error: 'invalid_request' });
    });

    it("a revoked, malformed or another organization's subject token, or an invalid actor token: invalid_request (RFC 8693 §2.2.2)", async () => {
      const revoked = await realmToken(gatehouse, REALM, gateway, 'orders:read');
      expect((await gatehouse.http().post(`/auth/realms/${REALM}/protocol/openid-connect/revoke`).type('form').send({ token: revoked, ...gateway })).status).toBe(200);
      await createOrganization(gatehouse, { name: 'elsewhere', oauth_enabled: true });
      const foreign = await realmToken(gatehouse, 'elsewhere', await createClientIn(gatehouse, 'elsewhere', { scopes: ['client:read'] }));
      for (const token of [revoked, foreign, 'not-a-token', `${subject}x`]) {
        const response = await exchange(ordersService, { subject_token: token, subject_token_type: ACCESS_TOKEN, audience: BILLING });
        expect(response.status).toBe(400);
        expect(response.body).toMatchObject({ error: 'invalid_request' });
      }
      const badActor = await exchange(ordersService, { subject_token: subject, subject_token_type: ACCESS_TOKEN, actor_token: revoked, actor_token_type: ACCESS_TOKEN, audience: BILLING });
      expect(badActor.body).toMatchObject({ error: 'invalid_request' });
    });

    it("a personal access token is the user's own credential, not a token to exchange: invalid_request", async () => {
      const created = await gatehouse.http().post('/api/v1/users/me/tokens').set(bearer(await aliceToken('token:personal client:read'))).send({ name: 'mine', scopes: ['client:read'], expires_in_days: 1 });
      expect(created.status).toBe(201);
      const response = await exchange(ordersService, { subject_token: (created.body as { token: string }).token, subject_token_type: ACCESS_TOKEN, audience: BILLING });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'invalid_request' });
    });

    it('a token exchanged by a client disabled since is refused like any of its tokens', async () => {
      const service = await createClientIn(gatehouse, REALM, { scopes: ['billing:read'], token_exchange: { audiences: [BILLING], delegation: false, impersonation: true } });
      const exchanged = await exchange(service, { subject_token: subject, subject_token_type: ACCESS_TOKEN, audience: BILLING });
      const token = (exchanged.body as { access_token: string }).access_token;
      expect((await gatehouse.http().post('/api/v1/oauth/introspect').type('form').send({ token, ...ROOT })).body).toMatchObject({ active: true });
      await gatehouse.http().put(`/api/v1/oauth/client/${service.client_id}`).set(await asRoot()).send({ disabled: true });
      expect((await gatehouse.http().post('/api/v1/oauth/introspect').type('form').send({ token, ...ROOT })).body).toEqual({ active: false });
    });
  });
});
