import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { type TestApp, startApp } from './support/test-app.js';
import { Browser, hiddenFields } from './support/browser.js';
import { manualClock } from './support/clock.js';
import { createClient, ROOT, tokenFor } from './support/oauth.js';
import { APP_REDIRECT, createUser, type Person, userTokens } from './support/principals.js';
import { createClientIn, createOrganization, realmToken } from './support/tenants.js';

/**
 * An organization's administrator adds people by invitation (issue 14, section 5): the membership
 * gives nothing until the account holder accepts it, and neither gives nor takes authority over
 * the account meanwhile.
 */
describe('invitations', () => {
  let gatehouse: TestApp;
  let root: string;
  let acmeAdmin: string;
  let globexAdmin: string;
  let acmeUsers: Awaited<ReturnType<typeof createClientIn>>;
  let globexUsers: Awaited<ReturnType<typeof createClientIn>>;
  let acmePortal: string;
  let invitationsApp: string;
  let serial = 0;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    gatehouse = await startApp();
    root = await tokenFor(gatehouse, ROOT);
    await createOrganization(gatehouse, { name: 'acme', oauth_enabled: true, require_project_scoped_tokens: false });
    await createOrganization(gatehouse, { name: 'globex', oauth_enabled: true, require_project_scoped_tokens: false });
    acmeUsers = await createClientIn(gatehouse, 'acme', { name: 'acme users', permissions: ['administer-account'] });
    globexUsers = await createClientIn(gatehouse, 'globex', { name: 'globex users', permissions: ['administer-account'] });
    acmeAdmin = await realmToken(gatehouse, 'acme', acmeUsers);
    globexAdmin = await realmToken(gatehouse, 'globex', globexUsers);
    acmePortal = (await createClientIn(gatehouse, 'acme', { name: 'acme portal', public: true, redirect_uris: [APP_REDIRECT], scopes: ['openid', 'client:read'] })).client_id;
    invitationsApp = (await createClient(gatehouse, { name: 'invitations', public: true, redirect_uris: [APP_REDIRECT], scopes: ['openid', 'invitation:personal'] })).client_id;
  }, 60_000);
  afterAll(() => gatehouse.close());

  const person = (name: string): Person => ({ email: `${name}-${++serial}@example.com`, password: `${name} passphrase` });
  const invite = (person: Person, role = 'member', token = acmeAdmin) => gatehouse.http().post('/api/v1/users').set(bearer(token)).send({ ...person, name: 'Invited', role });
  /** The person's own token in the built-in organization, as the console gets it. */
  const own = async (person: Person) => (await userTokens(gatehouse, { clientId: invitationsApp, scope: 'openid invitation:personal', person })).access_token!;
  const invitations = async (token: string) => (await gatehouse.http().get('/api/v1/users/me/invitations').set(bearer(token))).body as { organization: string; role: string; status: string }[];
  const accept = (token: string, organization: string, code: string) => gatehouse.http().post(`/api/v1/users/me/invitations/${organization}/accept`).set(bearer(token)).send({ code });
  const codeOf = (invitationUrl: string) => new URL(invitationUrl).searchParams.get('code')!;
  const decline = (token: string, organization: string) => gatehouse.http().delete(`/api/v1/users/me/invitations/${organization}`).set(bearer(token));
  const signInToAcme = (person: Person) => userTokens(gatehouse, { clientId: acmePortal, scope: 'openid client:read', person, realm: 'acme' });
  const acmeEntry = async (id: string) => ((await gatehouse.http().get('/api/v1/users').set(bearer(acmeAdmin))).body.items as { id: string; name: string | null; memberships: { status: string; role: string }[] }[]).find((user) => user.id === id);
  // A root token of the moment: some tests move the clock on.
  const auditActions = async (id: string) => ((await gatehouse.http().get(`/api/v1/audit?target=${id}`).set(bearer(await tokenFor(gatehouse, ROOT)))).body.events as { action: string; details: unknown }[]);

  it('gives nothing until the account holder accepts, then the role', async () => {
    const ada = person('ada');
    const invited = await invite(ada, 'administer-clients');
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ name: null, memberships: [{ role: 'administer-clients', status: 'invited' }] });
    // No sign-in into acme, no token carrying the role.
    await expect(signInToAcme(ada)).rejects.toThrow();
    const token = await own(ada);
    expect(await invitations(token)).toEqual([{ organization: 'acme', organization_id: expect.any(String), role: 'administer-clients', status: 'invited', invited_at: expect.any(String) }]);
    expect(invited.body.invitation_url).toMatch(/^http:\/\/[^/]+\/oauth2\/account\/invitations\/accept\?code=[A-Za-z0-9_-]{43}$/);
    const accepted = await accept(token, 'acme', invited.body.invitation_url as string);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ organization: 'acme', role: 'administer-clients', status: 'active' });
    expect(await invitations(token)).toEqual([]);
    const tokens = await signInToAcme(ada);
    expect(tokens.scope).toContain('client:read');
    // The organization now sees the account itself.
    expect(await acmeEntry(invited.body.id as string)).toMatchObject({ name: 'Invited', memberships: [{ role: 'administer-clients', status: 'active' }] });
    // Spent: the same code accepts nothing again.
    expect((await accept(token, 'acme', invited.body.invitation_url as string)).status).toBe(404);
    const actions = await auditActions(invited.body.id as string);
    expect(actions.map((event) => event.action)).toEqual(expect.arrayContaining(['user.invited', 'user.invitation_accepted']));
    expect(JSON.stringify(actions)).not.toContain('passphrase');
    expect(JSON.stringify(actions)).not.toContain(codeOf(invited.body.invitation_url as string));
  });

  it('answers 409 only for someone already in the organization or invited to it, and lets the root client create active members at once', async () => {
    const grace = person('grace');
    expect((await invite(grace)).status).toBe(201);
    expect((await invite(grace)).status).toBe(409);
    const linus = person('linus');
    const created = await gatehouse.http().post('/api/v1/users').set(bearer(root)).send({ ...linus, organization: 'acme' });
    expect(created.body.memberships).toEqual([{ organization_id: expect.any(String), role: 'member', status: 'active' }]);
    await expect(signInToAcme(linus)).resolves.toHaveProperty('access_token');
    expect((await gatehouse.http().post('/api/v1/users').set(bearer(root)).send({ ...linus, organization: 'acme' })).status).toBe(409);
  });

  it('invites one account when two organizations invite a new email at once', async () => {
    const both = person('both');
    const answers = await Promise.all([invite(both), invite(both, 'member', globexAdmin)]);
    expect(answers.map((answer) => answer.status)).toEqual([201, 201]);
    expect(answers[0]!.body.id).toBe(answers[1]!.body.id);
    expect((await invitations(await own(both))).map((invitation) => invitation.organization).sort()).toEqual(['acme', 'globex']);
  });

  it('is declined by the account holder: an existing account stays, one the invitation made goes', async () => {
    const existing = person('existing');
    await createUser(gatehouse, existing, 'globex', 'member');
    expect((await invite(existing)).status).toBe(201);
    const token = await own(existing);
    expect((await decline(token, 'acme')).status).toBe(204);
    expect((await decline(token, 'acme')).status).toBe(404);
    expect(await invitations(token)).toEqual([]);
    await expect(own(existing)).resolves.toBeTruthy();

    const fresh = person('fresh');
    const invited = await invite(fresh);
    expect((await decline(await own(fresh), 'acme')).status).toBe(204);
    expect((await gatehouse.http().get(`/api/v1/users/${invited.body.id}`).set(bearer(root))).status).toBe(404);
    expect((await auditActions(invited.body.id as string)).map((event) => event.action)).toContain('user.invitation_declined');
  });

  it('is withdrawn by an administrator, who may change its role meanwhile, and the same way for an existing account and a new one', async () => {
    const existing = person('kept');
    await createUser(gatehouse, existing, 'globex', 'member');
    const fresh = person('withdrawn');
    const invitedExisting = await invite(existing);
    const invitedFresh = await invite(fresh);
    const changed = await gatehouse.http().patch(`/api/v1/users/${invitedExisting.body.id}`).set(bearer(acmeAdmin)).send({ role: 'administer-clients' });
    expect(changed.status).toBe(200);
    expect(changed.body.memberships).toEqual([{ organization_id: expect.any(String), role: 'administer-clients', status: 'invited' }]);
    const withdrawn = await Promise.all([invitedExisting, invitedFresh].map((invited) => gatehouse.http().delete(`/api/v1/users/${invited.body.id}`).set(bearer(acmeAdmin))));
    expect(withdrawn.map((response) => response.status)).toEqual([204, 204]);
    expect(await invitations(await own(existing))).toEqual([]);
    // The account of another organization is untouched; the one the invitation made is gone.
    expect((await gatehouse.http().get(`/api/v1/users/${invitedExisting.body.id}`).set(bearer(globexAdmin))).status).toBe(200);
    expect((await gatehouse.http().get(`/api/v1/users/${invitedFresh.body.id}`).set(bearer(root))).status).toBe(404);
    const actions = await Promise.all([invitedExisting, invitedFresh].map(async (invited) => (await auditActions(invited.body.id as string)).filter((event) => event.action.startsWith('user.invit')).map((event) => event.action)));
    expect(actions[0]).toEqual(actions[1]);
    expect(actions[0]).toContain('user.invitation_withdrawn');
  });

  it("neither gives the inviter authority over the account nor takes it from the account's organizations", async () => {
    const victim = person('victim');
    const id = await createUser(gatehouse, victim, 'globex', 'member');
    expect((await invite(victim)).status).toBe(201);
    for (const change of [{ name: 'Taken over' }, { password: 'the attacker chose this' }, { disabled: true }]) {
      expect((await gatehouse.http().patch(`/api/v1/users/${id}`).set(bearer(acmeAdmin)).send(change)).status).toBe(403);
    }
    // Globex, where the account belongs, still administers it alone.
    expect((await gatehouse.http().patch(`/api/v1/users/${id}`).set(bearer(globexAdmin)).send({ name: 'Renamed by globex' })).status).toBe(200);
    // Once accepted, acme belongs to the account too: account changes need authority over both.
    expect((await accept(await own(victim), 'acme', (await gatehouse.http().post(`/api/v1/users/${id}/invitation`).set(bearer(acmeAdmin)).send({})).body.invitation_url as string)).status).toBe(200);
    expect((await gatehouse.http().patch(`/api/v1/users/${id}`).set(bearer(acmeAdmin)).send({ name: 'Taken over' })).status).toBe(403);
    expect((await gatehouse.http().patch(`/api/v1/users/${id}`).set(bearer(globexAdmin)).send({ name: 'Renamed again' })).status).toBe(403);

    // An account the invitation made belongs to no organization yet: only the root client changes it.
    const fresh = person('unclaimed');
    const invited = await invite(fresh);
    const refused = await gatehouse.http().patch(`/api/v1/users/${invited.body.id}`).set(bearer(acmeAdmin)).send({ password: 'another passphrase' });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe((await gatehouse.http().patch(`/api/v1/users/${id}`).set(bearer(globexAdmin)).send({ name: 'x' })).body.message);
  });

  it('is answered on the account page too', async () => {
    const hedy = person('hedy');
    await createUser(gatehouse, hedy, 'globex', 'member');
    const invited = await invite(hedy, 'member');
    await invite(hedy, 'member', await realmToken(gatehouse, 'globex', await createClientIn(gatehouse, 'globex', { name: 'globex inviter', permissions: ['administer-account'] }))).then((response) => expect(response.status).toBe(409));
    const browser = new Browser(gatehouse);
    expect((await browser.signIn('/oauth2/account', hedy.email, hedy.password)).status).toBe(303);
    const page = await browser.agent.get('/oauth2/account');
    expect(page.text).toContain('Invitations');
    expect(page.text).toContain('aria-label="Accept the invitation of');
    const { csrf_token } = hiddenFields(page.text);
    const code = invited.body.invitation_url as string;
    expect((await browser.agent.post('/oauth2/account/invitations/accept').type('form').send({ csrf_token, organization: 'globex', code })).status).toBe(404);
    expect((await browser.agent.post('/oauth2/account/invitations/maybe').type('form').send({ csrf_token, organization: 'acme', code })).status).toBe(400);
    expect((await browser.agent.post('/oauth2/account/invitations/accept').type('form').send({ organization: 'acme', code })).status).toBe(403);
    // Accepting needs the code.
    expect((await browser.agent.post('/oauth2/account/invitations/accept').type('form').send({ csrf_token, organization: 'acme' })).status).toBe(400);
    expect((await browser.agent.post('/oauth2/account/invitations/accept').type('form').send({ csrf_token, organization: 'acme', code: 'not the code' })).status).toBe(404);
    expect((await browser.agent.post('/oauth2/account/invitations/accept').type('form').send({ csrf_token, organization: 'acme', code })).status).toBe(303);
    expect((await browser.agent.get('/oauth2/account')).text).not.toContain('Invitations');
    await expect(signInToAcme(hedy)).resolves.toHaveProperty('access_token');
  });

  it('answers 404 for an organization that did not invite the caller, and 403 to a token that is not a user', async () => {
    const someone = person('someone');
    await createUser(gatehouse, someone, 'globex', 'member');
    const token = await own(someone);
    expect((await accept(token, 'acme', 'a code')).status).toBe(404);
    expect((await accept(token, 'nowhere', 'a code')).body.message).toBe((await accept(token, 'acme', 'a code')).body.message.replace('acme', 'nowhere'));
    expect((await gatehouse.http().post('/api/v1/users/me/invitations/acme/accept').set(bearer(token)).send({})).status).toBe(400);
    expect((await decline(token, 'globex')).status).toBe(404);
    const client = await tokenFor(gatehouse, await createClient(gatehouse, { name: 'not a user', scopes: ['invitation:personal'] }), 'invitation:personal');
    expect((await gatehouse.http().get('/api/v1/users/me/invitations').set(bearer(client))).status).toBe(403);
  });
  it('cannot be accepted by whoever made the account for the email without the code (account pre-hijacking)', async () => {
    // Globex's administrator makes an account for the victim's email, knowing its password.
    const victim = { email: `victim-${++serial}@corp.example`, password: 'the attacker chose this' };
    const globexInvitation = await invite(victim, 'member', globexAdmin);
    expect(globexInvitation.status).toBe(201);
    // Later acme invites the real person; the link goes to acme's administrator only.
    const acmeInvitation = await invite({ email: victim.email, password: 'acme typed this' }, 'administer-clients');
    expect(acmeInvitation.status).toBe(201);
    expect(acmeInvitation.body.id).toBe(globexInvitation.body.id);
    // The attacker signs in as the victim and sees acme's invitation, but cannot take it.
    const token = await own(victim);
    expect((await invitations(token)).map((invitation) => invitation.organization).sort()).toEqual(['acme', 'globex']);
    expect((await gatehouse.http().post('/api/v1/users/me/invitations/acme/accept').set(bearer(token)).send({})).status).toBe(400);
    expect((await accept(token, 'acme', globexInvitation.body.invitation_url as string)).status).toBe(404);
    expect((await accept(token, 'acme', 'A'.repeat(43))).status).toBe(404);
    const browser = new Browser(gatehouse);
    expect((await browser.signIn('/oauth2/account', victim.email, victim.password)).status).toBe(303);
    const { csrf_token } = hiddenFields((await browser.agent.get('/oauth2/account')).text);
    expect((await browser.agent.post('/oauth2/account/invitations/accept').type('form').send({ csrf_token, organization: 'acme' })).status).toBe(400);
    expect((await browser.agent.post('/oauth2/account/invitations/accept').type('form').send({ csrf_token, organization: 'acme', code: globexInvitation.body.invitation_url })).status).toBe(404);
    // Globex's own link opens globex's invitation only.
    expect((await browser.agent.post('/oauth2/account/invitations/accept').type('form').send({ csrf_token, code: globexInvitation.body.invitation_url })).status).toBe(303);
    await expect(signInToAcme(victim)).rejects.toThrow();
    expect(await invitations(token)).toEqual([expect.objectContaining({ organization: 'acme', status: 'invited' })]);
    // The failed attempts spent nothing: acme's code still works for the account holder.
    expect((await accept(token, 'acme', acmeInvitation.body.invitation_url as string)).status).toBe(200);
  });

  it("refuses another account's code, and a wrong code spends nothing", async () => {
    const first = person('first');
    const second = person('second');
    const firstInvitation = await invite(first);
    const secondInvitation = await invite(second);
    const secondToken = await own(second);
    const failed = await accept(secondToken, 'acme', firstInvitation.body.invitation_url as string);
    expect(failed.status).toBe(404);
    // One answer for every failure: no invitation, wrong code.
    const uninvited = person('uninvited');
    await createUser(gatehouse, uninvited, 'globex', 'member');
    expect(failed.body.message).toBe((await accept(await own(uninvited), 'acme', 'whatever')).body.message);
    expect((await accept(await own(first), 'acme', firstInvitation.body.invitation_url as string)).status).toBe(200);
    expect((await accept(secondToken, 'acme', codeOf(secondInvitation.body.invitation_url as string))).status).toBe(200);
  });

  it('expires, and is sent again by an administrator of the organization with a new code that replaces the old', async () => {
    const late = person('late');
    const invited = await invite(late);
    const clock = manualClock(gatehouse);
    try {
      clock.advance(7 * 24 * 3600 * 1000 + 1000);
      const token = await own(late);
      expect((await accept(token, 'acme', invited.body.invitation_url as string)).status).toBe(404);
      // Tokens of a week later; only acme's administrators send acme's invitation again.
      const [acmeAdmin, globexAdmin] = await Promise.all([realmToken(gatehouse, 'acme', acmeUsers), realmToken(gatehouse, 'globex', globexUsers)]);
      expect((await gatehouse.http().post(`/api/v1/users/${invited.body.id}/invitation`).set(bearer(globexAdmin)).send({})).status).toBe(404);
      const resent = await gatehouse.http().post(`/api/v1/users/${invited.body.id}/invitation`).set(bearer(acmeAdmin)).send({});
      expect(resent.status).toBe(200);
      expect(resent.body).toMatchObject({ id: invited.body.id, memberships: [{ status: 'invited' }] });
      expect(resent.body.invitation_url).not.toBe(invited.body.invitation_url);
      // Neither lists nor reads show a code.
      const listed = JSON.stringify((await gatehouse.http().get('/api/v1/users?size=100').set(bearer(acmeAdmin))).body);
      expect(listed).not.toContain('invitation_url');
      expect(JSON.stringify((await gatehouse.http().get(`/api/v1/users/${invited.body.id}`).set(bearer(acmeAdmin))).body)).not.toContain('invitation_url');
      const audited = await auditActions(invited.body.id as string);
      expect(audited.map((event) => event.action)).toContain('user.invitation_renewed');
      expect(JSON.stringify(audited)).not.toContain(codeOf(resent.body.invitation_url as string));
      // Valid until the end of its own week, and the old code stays dead.
      clock.advance(7 * 24 * 3600 * 1000 - 2000);
      const later = await own(late);
      expect((await accept(later, 'acme', invited.body.invitation_url as string)).status).toBe(404);
      expect((await accept(later, 'acme', resent.body.invitation_url as string)).status).toBe(200);
      // Accepted: nothing to send again.
      expect((await gatehouse.http().post(`/api/v1/users/${invited.body.id}/invitation`).set(bearer(await realmToken(gatehouse, 'acme', acmeUsers))).send({})).status).toBe(409);
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('is accepted through its link: sign-in first, then a confirmation naming the organization', async () => {
    const lin = person('lin');
    const invited = await invite(lin, 'member');
    const link = new URL(invited.body.invitation_url as string);
    const browser = new Browser(gatehouse);
    const first = await browser.agent.get(`${link.pathname}${link.search}`);
    expect(first.status).toBe(302);
    const signInUrl = new URL(first.headers.location!, 'http://localhost');
    expect(signInUrl.pathname).toBe('/oauth2/sign-in');
    const signedIn = await browser.signIn(signInUrl.searchParams.get('return_to')!, lin.email, lin.password);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe(`${link.pathname}${link.search}`);
    const confirmation = await browser.agent.get(signedIn.headers.location!);
    expect(confirmation.status).toBe(200);
    expect(confirmation.text).toContain('Join acme?');
    // Showing it spent nothing; a wrong code shows the one page for every failure.
    expect((await browser.agent.get('/oauth2/account/invitations/accept?code=wrong')).status).toBe(404);
    expect((await browser.agent.get('/oauth2/account/invitations/accept?code=not%20a%20code')).status).toBe(400);
    const accepted = await browser.agent.post('/oauth2/account/invitations/accept').type('form').send(hiddenFields(confirmation.text));
    expect(accepted.status).toBe(303);
    await expect(signInToAcme(lin)).resolves.toHaveProperty('access_token');
    expect((await browser.agent.get(signedIn.headers.location!)).status).toBe(404);
  });

  it('locks out an account and address after too many wrong codes, the right one included', async () => {
    const guessed = person('guessed');
    const invited = await invite(guessed);
    const token = await own(guessed);
    for (let attempt = 0; attempt < 10; attempt += 1) expect((await accept(token, 'acme', `guess-${attempt}`)).status).toBe(404);
    const locked = await accept(token, 'acme', invited.body.invitation_url as string);
    expect(locked.status).toBe(429);
    expect(await invitations(token)).toEqual([expect.objectContaining({ organization: 'acme', status: 'invited' })]);
  });
});
