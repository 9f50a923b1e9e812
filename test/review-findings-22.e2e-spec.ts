import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestApp, startApp } from './support/test-app.js';
import { createClient, ROOT, tokenFor } from './support/oauth.js';
import { createClientIn, createOrganization, realmToken } from './support/tenants.js';
import { Browser, hiddenFields, location, pkce } from './support/browser.js';
import { APP_REDIRECT, createUser, type Person } from './support/principals.js';
import { proof, proofKey, type ProofKey } from './support/dpop-proofs.js';

const TOKEN_PATH = '/api/v1/oauth/token';

/**
 * The findings of security review 22 (invitations, the platform administrator and organization
 * lifecycle, and the modern OAuth endpoints: client assertions, DPoP, PAR, device flow, token
 * exchange, resource indicators), each as the attack that reproduced it. Each `it` states the
 * secure behaviour, and fails against the code reviewed.
 */
describe('security review 22', () => {
  const ISSUER = 'http://localhost:3922';
  let gatehouse: TestApp;
  let acmeAdmin: string;
  let serial = 0;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    gatehouse = await startApp({ env: { PUBLIC_URL: ISSUER } });
    await createOrganization(gatehouse, { name: 'acme', oauth_enabled: true, require_project_scoped_tokens: false });
    await createOrganization(gatehouse, { name: 'globex', oauth_enabled: true, require_project_scoped_tokens: false });
    acmeAdmin = await realmToken(gatehouse, 'acme', await createClientIn(gatehouse, 'acme', { name: 'acme users', permissions: ['administer-account'] }));
  }, 60_000);
  afterAll(() => gatehouse.close());

  const person = (name: string): Person => ({ email: `${name}-${++serial}@corp.example`, password: `${name} passphrase ${serial}` });
  const invite = (invited: Person, token = acmeAdmin) => gatehouse.http().post('/api/v1/users').set(bearer(token)).send({ ...invited, role: 'member' });
  /** Whether the password signs in to the email's account at the sign-in page (303) or not. */
  const signsIn = async (who: Person) => (await new Browser(gatehouse).signIn('/oauth2/account', who.email, who.password)).status === 303;

  describe('F1: an invitation does not tell its inviter whether the email had an account in another organization', () => {
    // UsersService.invite promises that "the answer must not tell the caller whether the email
    // already has an account elsewhere" (same 201, same body, same scrypt work, same audit). But
    // the first invitation of a new email sets the account's password to the one the inviter
    // typed, and an existing account keeps its own: the inviting administrator just signs in with
    // the password it typed. Success: the email had no account; failure: it has one, in some
    // other organization. Any organization's administrator enumerates every other organization's
    // people this way (and owns the accounts it made, see the report).
    // Decided: open, documented in the README ("What the inviter can still learn"). The inviter
    // holds the one-time link, and Gatehouse sends no mail: whatever the invitee can do with the
    // link alone (choose a password, sign in and accept), its holder can do too, and a new account
    // and an existing one cannot answer alike to it. Not setting the typed password would move
    // the oracle to the link's page, not close it; only a code delivered to the email would.
    // These stay skipped until invitations are delivered by mail.
    it.skip('the password the inviter chose gives the same answer at sign-in for a new email and for one with an account elsewhere', async () => {
      const existing = person('existing');
      await createUser(gatehouse, existing, 'globex', 'member');
      const probeExisting = { email: existing.email, password: 'inviter typed this 1' };
      const probeFresh = { email: person('fresh').email, password: 'inviter typed this 2' };
      expect((await invite(probeExisting)).status).toBe(201);
      expect((await invite(probeFresh)).status).toBe(201);
      const outcomes = { existing: await signsIn(probeExisting), fresh: await signsIn(probeFresh) };
      expect(outcomes.fresh).toBe(outcomes.existing);
    });

    // The same oracle without signing in: withdrawing an invitation deletes the account it made,
    // but not an account of another organization; inviting again gives a new id in the first
    // case and the same id in the second.
    it.skip('inviting again after a withdrawal answers alike for a new email and for one with an account elsewhere', async () => {
      const existing = person('kept');
      await createUser(gatehouse, existing, 'globex', 'member');
      const fresh = person('new');
      const sameIdAgain = async (who: Person) => {
        const first = await invite(who);
        expect(first.status).toBe(201);
        expect((await gatehouse.http().delete(`/api/v1/users/${first.body.id}`).set(bearer(acmeAdmin))).status).toBe(204);
        const second = await invite(who);
        expect(second.status).toBe(201);
        return second.body.id === first.body.id;
      };
      expect(await sameIdAgain(fresh)).toBe(await sameIdAgain(existing));
    });
  });

  describe('F2: a spent DPoP-bound refresh token presented without its key revokes nothing', () => {
    // RefreshTokenGrant.handle answers a spent ("reused") refresh token by revoking its whole
    // family before checking the DPoP binding (checkBoundKey comes after). A public client's
    // refresh token is bound to its DPoP key precisely so that a copy is worthless: yet whoever
    // holds a copy of an already rotated one (a log line, a backup of the app's storage), without
    // the key, ends the user's session: every refresh token and access token of the family is
    // revoked. The authorization code grant already refuses to let someone who is not the code's
    // client revoke anything; the same holds for someone who cannot prove the bound key.
    it("keeps the family alive when the reuse comes without a proof of the bound key", async () => {
      const app = await createClient(gatehouse, { name: 'dpop spa', public: true, redirect_uris: [APP_REDIRECT], scopes: ['openid'] });
      const key = await proofKey();
      const { verifier, challenge } = pkce();
      const browser = new Browser(gatehouse);
      const decided = await browser.authorizeAndDecide({ response_type: 'code', client_id: app.client_id, redirect_uri: APP_REDIRECT, scope: 'openid', state: 's', code_challenge: challenge, code_challenge_method: 'S256' });
      const code = location(decided).searchParams.get('code')!;
      // null: no proof at all (undefined would take the default, the app's own key).
      const dpopPost = async (body: Record<string, string>, signer: ProofKey | null = key) => {
        const call = gatehouse.http().post(TOKEN_PATH).type('form').send({ client_id: app.client_id, ...body });
        return signer === null ? call : call.set('DPoP', await proof(signer, { htm: 'POST', htu: `${ISSUER}${TOKEN_PATH}` }));
      };
      const first = await dpopPost({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: APP_REDIRECT });
      expect(first.status).toBe(200);
      expect(first.body.token_type).toBe('DPoP');
      const spent = first.body.refresh_token as string;
      // The app rotates its refresh token once, with its key: `spent` is now a used one.
      const second = await dpopPost({ grant_type: 'refresh_token', refresh_token: spent });
      expect(second.status).toBe(200);
      const current = second.body.refresh_token as string;

      // The thief has a copy of the spent one and no key: neither without a proof nor with a key of its own.
      const bare = await dpopPost({ grant_type: 'refresh_token', refresh_token: spent }, null);
      expect(bare.status).toBe(400);
      const otherKey = await dpopPost({ grant_type: 'refresh_token', refresh_token: spent }, await proofKey());
      expect(otherKey.status).toBe(400);

      // The app, which holds the key, still refreshes.
      const third = await dpopPost({ grant_type: 'refresh_token', refresh_token: current });
      expect([third.status, third.body.error]).toEqual([200, undefined]);
    });
  });
  describe('F3: the device grant names no API the user did not approve', () => {
    // DeviceCodeGrant.redeem resolves the token's target with TokenTargets.resolve, not
    // resolveForGrant as the code and refresh grants do: the device's token request may name any
    // API of the organization in `resource`, and gets a token whose aud is that API (with the
    // identity scopes) although the user approved only a sign-in (or another API's scopes). An
    // API that decides by the user, as the README tells an MCP server to ("their tokens for the
    // MCP server carry openid (and the server's aud): the server decides what the user may do"),
    // takes it as the user calling it. The code flow answers the same request invalid_target.
    const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
    const MCP = 'https://mcp.example.com/mcp';

    it('answers invalid_target to a device token request for an API the approval did not cover', async () => {
      const root = await tokenFor(gatehouse, ROOT);
      const api = await gatehouse.http().post('/api/v1/apis').set(bearer(root)).send({ organization: 'acme', identifier: MCP, name: 'MCP server', scopes: [{ name: 'mcp:tools', description: 'Use the tools' }] });
      expect(api.status).toBe(201);
      const member = person('device-user');
      await createUser(gatehouse, member, 'acme', 'member');
      const cli = (await createClientIn(gatehouse, 'acme', { name: 'Sign-in CLI', public: true, grant_types: [DEVICE_GRANT], scopes: ['openid'] })).client_id;
      const started = await gatehouse.http().post('/auth/realms/acme/protocol/openid-connect/auth/device').type('form').send({ client_id: cli, scope: 'openid' });
      expect(started.status).toBe(200);
      const { device_code: deviceCode, user_code: userCode } = started.body as { device_code: string; user_code: string };

      // The user approves a sign-in of the CLI, nothing else.
      const browser = new Browser(gatehouse);
      const first = await browser.agent.get(`/device?user_code=${userCode}`);
      const signedIn = await browser.signIn(location(first).searchParams.get('return_to')!, member.email, member.password);
      expect(signedIn.status).toBe(303);
      const form = await browser.agent.get(signedIn.headers.location!);
      const consent = await browser.agent.post('/device').type('form').send({ ...hiddenFields(form.text), user_code: userCode });
      expect(consent.status).toBe(200);
      const approved = await browser.agent.post('/device').type('form').send({ ...hiddenFields(consent.text), decision: 'allow' });
      expect(approved.status).toBeLessThan(400);

      const redeemed = await gatehouse.http().post('/auth/realms/acme/protocol/openid-connect/token').type('form').send({ grant_type: DEVICE_GRANT, client_id: cli, device_code: deviceCode, resource: MCP });
      const aud = redeemed.status === 200 ? (JSON.parse(Buffer.from((redeemed.body.access_token as string).split('.')[1]!, 'base64url').toString()) as { aud: unknown }).aud : undefined;
      expect([redeemed.status, redeemed.body.error, aud]).toEqual([400, 'invalid_target', undefined]);
    });
  });
  describe('F4: a DPoP-bound actor token is no actor without its key', () => {
    // TokenExchangeGrant checks the DPoP binding of the subject token (a bound one needs a proof),
    // but not of the actor token: a copy of another service's DPoP-bound token, useless on its own
    // without the key, names that service as the actor (`act.sub`) in a token the exchanging
    // client gets. Resource servers that authorize by who acts (only the gateway may act for
    // users) trust an `act` that its named party never took part in.
    const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
    const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';
    const ORDERS = 'https://orders.review22.example';
    const BILLING = 'https://billing.review22.example';
    const REALM_TOKEN = '/auth/realms/acme/protocol/openid-connect/token';

    it("refuses an actor_token bound to a DPoP key that the request does not prove", async () => {
      const root = await tokenFor(gatehouse, ROOT);
      for (const [identifier, scope] of [[ORDERS, 'orders22:read'], [BILLING, 'billing22:read']] as const) {
        const api = await gatehouse.http().post('/api/v1/apis').set(bearer(root)).send({ organization: 'acme', identifier, name: scope, scopes: [{ name: scope, description: 'Read' }] });
        expect(api.status).toBe(201);
      }
      const front = await createClientIn(gatehouse, 'acme', { name: 'front', scopes: ['orders22:read', 'billing22:read'] });
      const gateway = await createClientIn(gatehouse, 'acme', { name: 'gateway', scopes: ['orders22:read'] });
      const service = await createClientIn(gatehouse, 'acme', { name: 'exchanger', scopes: ['billing22:read'], token_exchange: { audiences: [BILLING], delegation: true, impersonation: false } });
      const subject = await gatehouse.http().post(REALM_TOKEN).type('form').send({ grant_type: 'client_credentials', ...front, resource: ORDERS });
      expect(subject.status).toBe(200);
      // The gateway's own token, bound to its key: the exchanging service has a copy, not the key.
      const gatewayKey = await proofKey();
      const bound = await gatehouse.http().post(REALM_TOKEN).type('form').set('DPoP', await proof(gatewayKey, { htm: 'POST', htu: `${ISSUER}${REALM_TOKEN}` })).send({ grant_type: 'client_credentials', ...gateway, resource: ORDERS });
      expect([bound.status, bound.body.token_type]).toEqual([200, 'DPoP']);

      const exchanged = await gatehouse.http().post(REALM_TOKEN).type('form').send({
        grant_type: EXCHANGE,
        ...service,
        subject_token: subject.body.access_token,
        subject_token_type: ACCESS_TOKEN,
        actor_token: bound.body.access_token,
        actor_token_type: ACCESS_TOKEN,
        audience: BILLING,
      });
      const act = exchanged.status === 200 ? (JSON.parse(Buffer.from((exchanged.body.access_token as string).split('.')[1]!, 'base64url').toString()) as { act?: unknown }).act : undefined;
      expect([exchanged.status, act]).toEqual([400, undefined]);
    });
  });
});
