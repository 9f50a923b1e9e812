import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { Browser, hiddenFields, location } from './support/browser.js';
import { createUser, type Person } from './support/principals.js';
import { createClientIn, createOrganization } from './support/tenants.js';
import { type TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, startApp } from './support/test-app.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const REALM = 'review19-realm';
const OUTSIDER: Person = { email: ADMIN_EMAIL, password: ADMIN_PASSWORD };

/**
 * The findings of the attacker's review of client assertions, DPoP, PAR, the device grant, token
 * exchange, resource indicators, invitations and the platform administrator, each as the attack
 * that reproduced it. Each `it` states the secure behaviour.
 */
describe('security review 19', () => {
  let gatehouse: TestApp;
  beforeAll(async () => {
    gatehouse = await startApp();
    await createOrganization(gatehouse, { name: REALM, display_name: 'Review Realm Inc.', oauth_enabled: true });
  }, 180_000);
  afterAll(() => gatehouse.close());

  /** A browser signed in as `person`, on the /device form. */
  async function deviceForm(person: Person): Promise<{ browser: Browser; form: string }> {
    const browser = new Browser(gatehouse);
    const first = await browser.agent.get('/device');
    const signedIn = await browser.signIn(location(first).searchParams.get('return_to')!, person.email, person.password);
    const form = await browser.agent.get(signedIn.headers.location!);
    expect(form.status).toBe(200);
    return { browser, form: form.text };
  }

  describe('F1: only someone who may answer a device request answers it, a denial included', () => {
    // Approving checked that the user is a member of the client's organization who may grant some
    // of the request; denying checked nothing: any signed-in account of any organization that
    // learned a user code (read off a screen, a shared terminal) posted decision=deny and the
    // device got access_denied, with an outsider's denial in the organization's audit trail.
    it('refuses a denial posted by an account that is no member of the organization, and leaves the request pending', async () => {
      const cli = (await createClientIn(gatehouse, REALM, { name: 'Realm CLI', public: true, grant_types: [DEVICE_GRANT], scopes: ['openid'] })).client_id;
      const started = await gatehouse.http().post(`/auth/realms/${REALM}/protocol/openid-connect/auth/device`).type('form').send({ client_id: cli, scope: 'openid' });
      expect(started.status).toBe(200);
      const { device_code: deviceCode, user_code: userCode } = started.body as { device_code: string; user_code: string };

      const { browser, form } = await deviceForm(OUTSIDER);
      const denied = await browser.agent.post('/device').type('form').send({ ...hiddenFields(form), user_code: userCode, decision: 'deny' });
      expect(denied.status).toBe(403);
      const poll = await gatehouse.http().post(`/auth/realms/${REALM}/protocol/openid-connect/token`).type('form').send({ grant_type: DEVICE_GRANT, client_id: cli, device_code: deviceCode });
      expect(poll.body).toMatchObject({ error: 'authorization_pending' });
      const audit = (await gatehouse.app.get(DataSource).query("SELECT action FROM audit_event WHERE action = 'device_authorization.denied'")) as unknown[];
      expect(audit).toHaveLength(0);

      // A member still can.
      const member: Person = { email: 'member@review19.test', password: 'review nineteen member password' };
      await createUser(gatehouse, member, REALM, 'member');
      const own = await deviceForm(member);
      const consent = await own.browser.agent.post('/device').type('form').send({ ...hiddenFields(own.form), user_code: userCode });
      expect(consent.status).toBe(200);
      const memberDenied = await own.browser.agent.post('/device').type('form').send({ ...hiddenFields(consent.text), decision: 'deny' });
      expect(memberDenied.status).toBe(200);
    });
  });
});
