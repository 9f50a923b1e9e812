import { randomUUID } from 'node:crypto';
import { Browser, hiddenFields, location, pkce } from './browser.js';
import { type TestApp } from './test-app.js';
import { createClient, ROOT, tokenFor } from './oauth.js';

export const APP_REDIRECT = 'https://app.example.com/callback';

export interface Person {
  email: string;
  password: string;
}

/** Creates a user through the API with the root client's token; returns their id. */
export async function createUser(app: TestApp, person: Person, organization: string, role: string): Promise<string> {
  const root = await tokenFor(app, ROOT);
  const response = await app.http().post('/api/v1/users').set('Authorization', `Bearer ${root}`).send({ ...person, organization, role });
  if (response.status !== 201) throw new Error(`user creation failed: ${response.status} ${JSON.stringify(response.body)}`);
  return (response.body as { id: string }).id;
}

/** Adds a user to another organization with a role, as the root client. */
export async function addMembership(app: TestApp, userId: string, organization: string, role: string): Promise<void> {
  const root = await tokenFor(app, ROOT);
  const response = await app.http().put(`/api/v1/users/${userId}/organizations/${organization}`).set('Authorization', `Bearer ${root}`).send({ role });
  if (response.status !== 200) throw new Error(`membership failed: ${response.status} ${JSON.stringify(response.body)}`);
}

/**
 * The code (and its PKCE verifier) a public app of `realm` gets through the authorization code
 * flow, `person` signing in and allowing it. `organization` picks the organization of a Polar
 * organization token (`sub_type=organization`); `extra` adds authorization parameters (`resource`).
 */
export async function authorizationCode(
  app: TestApp,
  options: { clientId: string; scope: string; person: Person; realm?: string; organization?: string; extra?: Record<string, string> },
): Promise<{ code: string; verifier: string }> {
  const browser = new Browser(app);
  const { verifier, challenge } = pkce();
  const path = options.realm === undefined ? '/oauth2/authorize' : `/auth/realms/${options.realm}/protocol/openid-connect/auth`;
  const params = {
    response_type: 'code',
    client_id: options.clientId,
    scope: options.scope,
    state: 'st',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...(options.organization !== undefined && { sub_type: 'organization' }),
    ...options.extra,
  };
  let page = await browser.authorize(params, path);
  if (page.status === 302 && location(page).pathname === '/oauth2/sign-in') {
    const signedIn = await browser.signIn(location(page).searchParams.get('return_to')!, options.person.email, options.person.password);
    if (signedIn.status !== 303) throw new Error(`sign-in: ${signedIn.status} ${signedIn.text}`);
    page = await browser.agent.get(signedIn.headers.location!);
  }
  // A consent given before is remembered: the app gets its code without the consent page.
  const remembered = page.status === 302 && page.headers.location?.startsWith(APP_REDIRECT);
  if (page.status !== 200 && !remembered) throw new Error(`consent page: ${page.status} ${page.headers.location ?? page.text}`);
  const decided = remembered
    ? page
    : await browser.agent
        .post(path)
        .type('form')
        .send({ ...hiddenFields(page.text), decision: 'allow', ...(options.organization !== undefined && { organization: options.organization }) });
  const code = location(decided).searchParams.get('code');
  if (!code) throw new Error(`no code: ${decided.status} ${decided.headers.location ?? decided.text}`);
  return { code, verifier };
}

/** The token response for authorizationCode()'s code. */
export async function userTokens(
  app: TestApp,
  options: { clientId: string; clientSecret?: string; scope: string; person: Person; realm?: string; organization?: string },
): Promise<Record<string, string>> {
  const { code, verifier } = await authorizationCode(app, options);
  const tokenPath = options.realm === undefined ? '/api/v1/oauth/token' : `/auth/realms/${options.realm}/protocol/openid-connect/token`;
  const response = await app.http().post(tokenPath).type('form').send({ grant_type: 'authorization_code', client_id: options.clientId, code, code_verifier: verifier, ...(options.clientSecret !== undefined && { client_secret: options.clientSecret }) });
  if (response.status !== 200) throw new Error(`token: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as Record<string, string>;
}

/**
 * The person accepts `organization`'s invitation through the real API, as the console does: a
 * token of the built-in organization with `invitation:personal`, then POST …/accept with the
 * invitation's code (or its link: the `invitation_url` the inviting administrator was given). An
 * organization's administrator (anyone but the root client) adds people by invitation.
 */
export async function acceptInvitation(app: TestApp, person: Person, organization: string, invitationUrl: string): Promise<void> {
  const invitations = await createClient(app, { name: `invitations ${randomUUID()}`, public: true, redirect_uris: [APP_REDIRECT], scopes: ['openid', 'invitation:personal'] });
  const { access_token: token } = await userTokens(app, { clientId: invitations.client_id, scope: 'openid invitation:personal', person });
  const response = await app.http().post(`/api/v1/users/me/invitations/${organization}/accept`).set('Authorization', `Bearer ${token}`).send({ code: invitationUrl });
  if (response.status !== 200) throw new Error(`accepting the invitation: ${response.status} ${JSON.stringify(response.body)}`);
}
