import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PERMISSIONS, PLATFORM_ADMINISTRATOR } from '../src/scopes/permissions.js';
import { ScopeRegistry } from '../src/access/scope-registry.js';
import { type TestApp, startApp } from './support/test-app.js';
import { createClient, type Credentials, ROOT, tokenFor } from './support/oauth.js';
import { addMembership, APP_REDIRECT, createUser, type Person, userTokens } from './support/principals.js';
import { createClientIn, createOrganization, createProject, realmToken } from './support/tenants.js';

/**
 * The authorization matrix: every guarded route of the application (read from its own route
 * table) against every kind of caller, each with targets in the caller's organization holding
 * less and more than it, in another organization, and missing. Each cell states the status
 * expected. A route missing from MATRIX fails the test, so no route ships without its row.
 */

/**
 * platformAdministrator: a user of the built-in organization with the role administer-platform,
 * through an app of that organization: it holds administer-account there and the platform scopes
 * (creating and deleting organizations, the signing keys), and sees every organization's record but
 * nothing in acme or globex.
 */
const PRINCIPALS = ['root', 'accountClient', 'clientsClient', 'member', 'administrator', 'organizationToken', 'projectToken', 'personalToken', 'platformAdministrator'] as const;
type Principal = (typeof PRINCIPALS)[number];

/** What a route's path parameter names, and the targets tried for it, in the order each row's statuses list them. */
const TARGETS = {
  none: ['-'],
  /** lesser: a client of acme holding scope:read; greater: administer-account plus key:read; other: a client of globex. */
  client: ['lesser', 'greater', 'other', 'missing'],
  /** lesser: a member of acme; greater: administers acme and globex; other: a member of globex only. */
  user: ['lesser', 'greater', 'other', 'missing'],
  /** same: acme, the callers' organization (the root client's is the built-in one); other: globex. */
  organization: ['same', 'other', 'missing'],
  /** own: the project the project-scoped token names; sibling: another project of acme; other: a project of globex. */
  project: ['own', 'sibling', 'other', 'missing'],
  /** same: a policy of acme; other: a policy of globex only. */
  policy: ['same', 'other', 'missing'],
  /** the administrator's personal access token, the member's, and a missing id. */
  personalToken: ['administrators', 'members', 'missing'],
  /** lesser: a role of acme granting scope:read; greater: one granting key:read; other: a role of globex. */
  role: ['lesser', 'greater', 'other', 'missing'],
  /** the realm in the path: acme, globex, and one that does not exist. */
  realm: ['same', 'other', 'missing'],
  /** same: an API of acme; other: an API of globex. */
  api: ['same', 'other', 'missing'],
  /** same: an initial access token for acme; other: one for globex. */
  registrationToken: ['same', 'other', 'missing'],
} as const;
type TargetKind = keyof typeof TARGETS;

interface Row {
  readonly target: TargetKind;
  /** Statuses for each principal, one per target, space-separated. */
  readonly expect: Readonly<Record<Principal, string>>;
  readonly body?: (n: number) => unknown;
}

/** Builds a row's expectations: `all` for every principal, then the exceptions. */
function statuses(all: string, exceptions: Partial<Record<Principal, string>>): Record<Principal, string> {
  return Object.fromEntries(PRINCIPALS.map((principal) => [principal, exceptions[principal] ?? all])) as Record<Principal, string>;
}

const CLIENT_ADMINS_READ = statuses('403 403 403 403', {
  root: '200 200 200 404',
  accountClient: '200 200 404 404',
  clientsClient: '200 200 404 404',
  administrator: '200 200 404 404',
  organizationToken: '200 200 404 404',
  personalToken: '200 200 404 404',
  // acme's clients are another organization's to the built-in organization's platform administrator.
  platformAdministrator: '404 404 404 404',
});
/** Changing a client: nobody but the root client changes the one holding more than they do. */
const clientChange = (ok: string) =>
  statuses('403 403 403 403', {
    root: `${ok} ${ok} ${ok} 404`,
    accountClient: `${ok} 403 404 404`,
    clientsClient: `${ok} 403 404 404`,
    administrator: `${ok} 403 404 404`,
    organizationToken: `${ok} 403 404 404`,
    personalToken: `${ok} 403 404 404`,
    platformAdministrator: '404 404 404 404',
  });
/** What administers one organization: the platform administrator administers its own, the built-in one. */
const ACCOUNT_ADMINS = (root: string, admins: string, projectToken = '403') =>
  statuses('403', { root, accountClient: admins, administrator: admins, organizationToken: admins, personalToken: admins, projectToken, platformAdministrator: admins });
const USER_ADMINS_TARGETED = (root: string, admins: string) =>
  statuses('403 403 403 403', { root, accountClient: admins, administrator: admins, organizationToken: admins, personalToken: admins, platformAdministrator: '404 404 404 404' });
const ORGANIZATION_READERS = (root: string, admins: string) =>
  statuses('403 403 403', { root, accountClient: admins, administrator: admins, organizationToken: admins, personalToken: admins, platformAdministrator: '404 404 404' });
const PROJECT_ROUTE = (ok: string) =>
  statuses('403 403 403 403', {
    root: `${ok} ${ok} ${ok} 404`,
    accountClient: `${ok} ${ok} 404 404`,
    administrator: `${ok} ${ok} 404 404`,
    organizationToken: `${ok} ${ok} 404 404`,
    personalToken: `${ok} ${ok} 404 404`,
    projectToken: `${ok} 403 404 404`,
    platformAdministrator: '404 404 404 404',
  });
/**
 * A role's routes: the root client names an organization in the query to reach another's roles,
 * so without it every role of acme and globex is missing to it, like a policy.
 */
const ROLE_ROUTE = (ok: string, greater: string) =>
  statuses('403 403 403 403', {
    root: '404 404 404 404',
    accountClient: `${ok} ${greater} 404 404`,
    administrator: `${ok} ${greater} 404 404`,
    organizationToken: `${ok} ${greater} 404 404`,
    personalToken: `${ok} ${greater} 404 404`,
    platformAdministrator: '404 404 404 404',
  });
const POLICY_HOLDERS = (ok: string) => statuses('403', { root: ok, accountClient: ok });
const USERINFO = statuses('403', { root: '401', member: '200', administrator: '200', platformAdministrator: '200' });
const REALM_USERINFO = statuses('403 403 403', { root: '401 401 401', member: '200 401 401', administrator: '200 401 401', platformAdministrator: '401 401 401' });

/** Row order matters only where a row spends what later rows use: deleting projects, not-before pushes and deleting organizations come last. */
const MATRIX: Record<string, Row> = {
  'POST /api/v1/oauth/client': { target: 'none', body: () => ({ scopes: ['scope:read'] }), expect: statuses('403', { root: '201', accountClient: '201', clientsClient: '201', administrator: '201', organizationToken: '201', personalToken: '201', platformAdministrator: '201' }) },
  'POST /api/v1/oauth/registration-token': { target: 'none', body: () => ({ name: 'partner', scopes: ['scope:read'] }), expect: statuses('403', { root: '201', accountClient: '201', clientsClient: '201', administrator: '201', organizationToken: '201', personalToken: '201', platformAdministrator: '201' }) },
  'GET /api/v1/oauth/registration-token': { target: 'none', expect: statuses('403', { root: '200', accountClient: '200', clientsClient: '200', administrator: '200', organizationToken: '200', personalToken: '200', platformAdministrator: '200' }) },
  'DELETE /api/v1/oauth/registration-token/:id': {
    target: 'registrationToken',
    expect: statuses('403 403 403', { root: '204 204 404', accountClient: '204 404 404', clientsClient: '204 404 404', administrator: '204 404 404', organizationToken: '204 404 404', personalToken: '204 404 404', platformAdministrator: '404 404 404' }),
  },
  'GET /api/v1/oauth/client': { target: 'none', expect: statuses('403', { root: '200', accountClient: '200', clientsClient: '200', administrator: '200', organizationToken: '200', personalToken: '200', platformAdministrator: '200' }) },
  'GET /api/v1/oauth/client/:client_id': { target: 'client', expect: CLIENT_ADMINS_READ },
  'PUT /api/v1/oauth/client/:client_id': { target: 'client', body: () => ({ description: 'changed' }), expect: clientChange('200') },
  'GET /api/v1/oauth/client/:client_id/scope': { target: 'client', expect: CLIENT_ADMINS_READ },
  'PUT /api/v1/oauth/client/:client_id/scope': { target: 'client', body: () => ['scope:read'], expect: clientChange('200') },
  'POST /api/v1/oauth/client/:client_id/secret': { target: 'client', expect: clientChange('200') },
  'POST /api/v1/oauth/client/:client_id/not-before': { target: 'client', expect: clientChange('200') },
  'POST /api/v1/oauth/client/:client_id/token': { target: 'client', body: () => ({}), expect: clientChange('200') },
  'GET /api/v1/oauth/client/:client_id/lockout': { target: 'client', expect: CLIENT_ADMINS_READ },
  'DELETE /api/v1/oauth/client/:client_id/lockout': { target: 'client', expect: clientChange('204') },
  'GET /api/v1/oauth/client/:client_id/permissions': { target: 'client', expect: CLIENT_ADMINS_READ },
  'PUT /api/v1/oauth/client/:client_id/permissions': { target: 'client', body: () => [], expect: clientChange('200') },
  'DELETE /api/v1/oauth/client/:client_id': { target: 'client', expect: clientChange('204') },

  'POST /api/v1/users': { target: 'none', body: (n) => ({ email: `new-${n}@example.com`, password: 'a new passphrase', role: 'member' }), expect: ACCOUNT_ADMINS('201', '201') },
  'GET /api/v1/users': { target: 'none', expect: ACCOUNT_ADMINS('200', '200') },
  'GET /api/v1/users/:id': { target: 'user', expect: USER_ADMINS_TARGETED('200 200 200 404', '200 200 404 404') },
  // Renaming changes the account: the one in globex too is beyond acme's administrators.
  'PATCH /api/v1/users/:id': { target: 'user', body: () => ({ name: 'Renamed' }), expect: USER_ADMINS_TARGETED('200 200 200 404', '200 403 404 404') },
  // The role in acme is acme's: its administrators may change it, whoever else the user is.
  'PUT /api/v1/users/:id/organizations/:org': { target: 'user', body: () => ({ role: 'member' }), expect: USER_ADMINS_TARGETED('200 200 200 404', '200 200 404 404') },
  'DELETE /api/v1/users/:id': { target: 'user', expect: USER_ADMINS_TARGETED('204 204 204 404', '204 204 404 404') },
  // acme's administrators send acme's pending invitations again; the targets accepted theirs long ago (409).
  'POST /api/v1/users/:id/invitation': { target: 'user', body: () => ({ organization: 'acme' }), expect: USER_ADMINS_TARGETED('409 409 404 404', '409 409 404 404') },

  'POST /api/v1/users/me/tokens': { target: 'none', body: (n) => ({ name: `token ${n}`, scopes: ['profile'], expires_in_days: 7 }), expect: statuses('403', { member: '201', administrator: '201', platformAdministrator: '201' }) },
  'GET /api/v1/users/me/tokens': { target: 'none', expect: statuses('403', { member: '200', administrator: '200', platformAdministrator: '200' }) },
  'DELETE /api/v1/users/me/tokens/:id': { target: 'personalToken', expect: statuses('403 403 403', { member: '404 204 404', administrator: '204 404 404', platformAdministrator: '404 404 404' }) },
  'GET /api/v1/users/me/consents': { target: 'none', expect: statuses('403', { member: '200', administrator: '200', platformAdministrator: '200' }) },
  // A user's own consents only: no target client is one they allowed.
  'DELETE /api/v1/users/me/consents/:client_id': { target: 'client', expect: statuses('403 403 403 403', { member: '404 404 404 404', administrator: '404 404 404 404', platformAdministrator: '404 404 404 404' }) },
  'GET /api/v1/users/me/invitations': { target: 'none', expect: statuses('403', { member: '200', administrator: '200', platformAdministrator: '200' }) },
  // A user's own invitations only: neither acme nor globex invited the member, the administrator or the platform administrator.
  'POST /api/v1/users/me/invitations/:org/accept': { target: 'organization', body: () => ({ code: 'not the code' }), expect: statuses('403 403 403', { member: '404 404 404', administrator: '404 404 404', platformAdministrator: '404 404 404' }) },
  'DELETE /api/v1/users/me/invitations/:org': { target: 'organization', expect: statuses('403 403 403', { member: '404 404 404', administrator: '404 404 404', platformAdministrator: '404 404 404' }) },

  'POST /api/v1/organizations/:org/projects': { target: 'organization', body: (n) => ({ name: `project ${n}` }), expect: ORGANIZATION_READERS('201 201 404', '201 404 404') },
  // A project-scoped token lists its own project (and cannot see globex at all).
  'GET /api/v1/organizations/:org/projects': { target: 'organization', expect: { ...ORGANIZATION_READERS('200 200 404', '200 404 404'), projectToken: '200 404 404' } },
  'GET /api/v1/organizations/:org/projects/:project_id': { target: 'project', expect: PROJECT_ROUTE('200') },
  'PUT /api/v1/organizations/:org/projects/:project_id': { target: 'project', body: () => ({ name: 'renamed' }), expect: PROJECT_ROUTE('200') },
  // acme requires project-scoped tokens: its organization tokens are refused on project resources.
  'GET /v1/projects/:project_id/tables': { target: 'project', expect: statuses('403 403 403 403', { root: '200 200 200 404', accountClient: '403 403 404 404', projectToken: '200 403 404 404' }) },
  'POST /v1/projects/:project_id/tables': { target: 'project', body: (n) => ({ name: `table_${n}` }), expect: statuses('403 403 403 403', { root: '201 201 201 404', accountClient: '403 403 404 404', projectToken: '201 403 404 404' }) },

  'GET /api/v1/policy': { target: 'none', expect: POLICY_HOLDERS('200') },
  // Policies are each organization's own: the root client's are the built-in organization's.
  'GET /api/v1/policy/:key': { target: 'policy', expect: statuses('403 403 403', { root: '404 404 404', accountClient: '200 404 404' }) },
  'POST /api/v1/policy': { target: 'none', body: (n) => ({ key: `policy_${n}`, name: 'Policy' }), expect: POLICY_HOLDERS('201') },
  'PATCH /api/v1/policy': { target: 'none', body: (n) => [{ key: `bulk_${n}`, name: 'Bulk' }], expect: POLICY_HOLDERS('200') },
  'GET /api/v1/rule': { target: 'none', expect: POLICY_HOLDERS('200') },
  'POST /api/v1/rule': { target: 'none', body: (n) => ({ key: `rule_${n}`, name: 'Rule', action_type: 'access', policy_key: 'shared' }), expect: POLICY_HOLDERS('201') },
  'PATCH /api/v1/rule': { target: 'none', body: (n) => [{ key: `bulk_rule_${n}`, name: 'Rule', action_type: 'access', policy_key: 'shared' }], expect: POLICY_HOLDERS('200') },

  'POST /api/v1/apis': { target: 'none', body: (n) => ({ identifier: `https://api-${n}.example.com`, name: `API ${n}`, scopes: [{ name: `api-${n}:read`, description: 'Read' }] }), expect: ACCOUNT_ADMINS('201', '201') },
  'GET /api/v1/apis': { target: 'none', expect: ACCOUNT_ADMINS('200', '200') },
  'GET /api/v1/apis/:id': { target: 'api', expect: ORGANIZATION_READERS('200 200 404', '200 404 404') },
  'PATCH /api/v1/apis/:id': { target: 'api', body: () => ({ name: 'Renamed' }), expect: ORGANIZATION_READERS('200 200 404', '200 404 404') },
  'DELETE /api/v1/apis/:id': { target: 'api', expect: ORGANIZATION_READERS('204 204 404', '204 404 404') },

  'GET /api/v1/oauth/scope': { target: 'none', expect: statuses('403', { root: '200', accountClient: '200', clientsClient: '200', administrator: '200', organizationToken: '200', personalToken: '200', platformAdministrator: '200' }) },
  'GET /api/v1/oauth/role': { target: 'none', expect: statuses('403', { root: '200', accountClient: '200', clientsClient: '200', administrator: '200', organizationToken: '200', personalToken: '200', platformAdministrator: '200' }) },
  'POST /api/v1/oauth/role': { target: 'none', body: (n) => ({ name: `role-${n}`, scopes: ['scope:read'] }), expect: ACCOUNT_ADMINS('201', '201') },
  'GET /api/v1/oauth/role/:name': { target: 'role', expect: ROLE_ROUTE('200', '200') },
  // Changing or deleting a role needs every scope it grants: key:read is beyond everyone but the root client.
  'PATCH /api/v1/oauth/role/:name': { target: 'role', body: () => ({ description: 'changed' }), expect: ROLE_ROUTE('200', '403') },
  'DELETE /api/v1/oauth/role/:name': { target: 'role', expect: ROLE_ROUTE('204', '403') },
  'GET /api/v1/audit': { target: 'none', expect: ACCOUNT_ADMINS('200', '200') },
  // The signing keys are the platform's: the root client and the platform administrators.
  'GET /api/v1/oauth/keys': { target: 'none', expect: statuses('403', { root: '200', platformAdministrator: '200' }) },
  'POST /api/v1/oauth/keys/rotate': { target: 'none', expect: statuses('403', { root: '200', platformAdministrator: '200' }) },
  // Metrics name every tenant: no permission or role gives metrics:read (the platform administrator's neither), only the root client holds it.
  'GET /metrics': { target: 'none', expect: statuses('403', { root: '200' }) },

  'GET /oauth2/userinfo': { target: 'none', expect: USERINFO },
  'POST /oauth2/userinfo': { target: 'none', expect: USERINFO },
  'GET /auth/realms/:realm/protocol/openid-connect/userinfo': { target: 'realm', expect: REALM_USERINFO },
  'POST /auth/realms/:realm/protocol/openid-connect/userinfo': { target: 'realm', expect: REALM_USERINFO },
  'GET /realms/:realm/protocol/openid-connect/userinfo': { target: 'realm', expect: REALM_USERINFO },
  'POST /realms/:realm/protocol/openid-connect/userinfo': { target: 'realm', expect: REALM_USERINFO },
  // Polar's paths for userinfo: the same route.
  'GET /api/v1/oauth2/userinfo': { target: 'none', expect: USERINFO },
  'POST /api/v1/oauth2/userinfo': { target: 'none', expect: USERINFO },
  'GET /v1/oauth2/userinfo': { target: 'none', expect: USERINFO },
  'POST /v1/oauth2/userinfo': { target: 'none', expect: USERINFO },

  'DELETE /api/v1/organizations/:org/projects/:project_id': { target: 'project', expect: PROJECT_ROUTE('204') },
  'POST /api/v1/organizations': { target: 'none', body: (n) => ({ name: `scratch-${n}`, display_name: 'Scratch' }), expect: statuses('403', { root: '201', platformAdministrator: '201' }) },
  'GET /api/v1/organizations': { target: 'none', expect: ACCOUNT_ADMINS('200', '200') },
  // Whoever creates and deletes organizations sees every one: the platform administrator too, though not what is in them (the rows above), nor their settings (below).
  'GET /api/v1/organizations/:org': { target: 'organization', expect: { ...ORGANIZATION_READERS('200 200 404', '200 404 404'), platformAdministrator: '200 200 404' } },
  'PUT /api/v1/organizations/:org': { target: 'organization', body: () => ({ display_name: 'Renamed' }), expect: ORGANIZATION_READERS('200 200 404', '200 404 404') },
  // A push refuses everyone's tokens: acme's account client holds table and policy scopes, and its
  // 'greater' clients key:read, so nobody but the root client holds all that acme's principals hold.
  'POST /api/v1/organizations/:org/not-before': { target: 'organization', expect: ORGANIZATION_READERS('200 200 404', '403 404 404') },
  // The platform administrator deletes the new, empty organizations too (one whose members hold more than it is refused: test/platform-administrator.e2e-spec.ts).
  'DELETE /api/v1/organizations/:org': { target: 'organization', expect: statuses('403 403 403', { root: '204 204 404', platformAdministrator: '204 204 404' }) },
};

const ADMINISTER_ACCOUNT = PERMISSIONS.find((permission) => permission.name === 'administer-account')!.scopes;
const POLICY_SCOPES = ['policy:read', 'policy:create_or_update', 'rule:read', 'rule:create_or_update'];
const PROJECT_TOKEN_SCOPES = [...ADMINISTER_ACCOUNT, ...POLICY_SCOPES, 'table:read', 'table:write'];

/**
 * Every route outside the matrix: `public` (anyone), `client` (its own credentials, OAuth endpoints), `session` (the browser's sign-in).
 * The registration routes (RFC 7591/7592) are `public` to the guard: their service authenticates the bearer token, initial or
 * registration access token, or allows open registration (test/client-registration.e2e-spec.ts covers each).
 */
const UNGUARDED_ROUTES: string[] = [
  'DELETE /api/v1/oauth2/register/:client_id public',
  'DELETE /auth/realms/:realm/clients-registrations/openid-connect/:client_id public',
  'DELETE /realms/:realm/clients-registrations/openid-connect/:client_id public',
  'DELETE /v1/oauth2/register/:client_id public',
  'GET /.well-known/jwks.json public',
  'GET /.well-known/oauth-authorization-server public',
  'GET /.well-known/oauth-authorization-server/auth/realms/:realm public',
  'GET /.well-known/oauth-protected-resource public',
  'GET /.well-known/oauth-protected-resource/* public',
  'GET /.well-known/openid-configuration public',
  'GET /.well-known/openid-configuration/auth/realms/:realm public',
  'GET /api/v1/oauth2/register/:client_id public',
  'GET /auth/realms/:realm/.well-known/openid-configuration public',
  'GET /auth/realms/:realm/clients-registrations/openid-connect/:client_id public',
  'GET /auth/realms/:realm/protocol/openid-connect/auth session',
  'GET /auth/realms/:realm/protocol/openid-connect/certs public',
  'GET /auth/realms/:realm/protocol/openid-connect/logout session',
  'GET /console public',
  'GET /console/* public',
  'GET /device session',
  'GET /health public',
  'GET /health/live public',
  'GET /health/ready public',
  'GET /oauth2/account session',
  'GET /oauth2/account/invitations/accept session',
  'GET /oauth2/authorize session',
  'GET /oauth2/logout session',
  'GET /oauth2/sign-in public',
  'GET /realms/:realm/.well-known/openid-configuration public',
  'GET /realms/:realm/clients-registrations/openid-connect/:client_id public',
  'GET /realms/:realm/protocol/openid-connect/auth session',
  'GET /realms/:realm/protocol/openid-connect/certs public',
  'GET /realms/:realm/protocol/openid-connect/logout session',
  'GET /v1/oauth2/authorize session',
  'GET /v1/oauth2/register/:client_id public',
  'POST /api/v1/oauth/device_authorization client',
  'POST /api/v1/oauth/introspect client',
  'POST /api/v1/oauth/par client',
  'POST /api/v1/oauth/revoke client',
  'POST /api/v1/oauth/token client',
  'POST /api/v1/oauth2/register public',
  'POST /api/v1/oauth2/token client',
  'POST /auth/realms/:realm/clients-registrations/openid-connect public',
  'POST /auth/realms/:realm/protocol/openid-connect/auth session',
  'POST /auth/realms/:realm/protocol/openid-connect/auth/device client',
  'POST /auth/realms/:realm/protocol/openid-connect/ext/par/request client',
  'POST /auth/realms/:realm/protocol/openid-connect/logout session',
  'POST /auth/realms/:realm/protocol/openid-connect/revoke client',
  'POST /auth/realms/:realm/protocol/openid-connect/token client',
  'POST /auth/realms/:realm/protocol/openid-connect/token/introspect client',
  'POST /device session',
  'POST /oauth2/account/consents/revoke session',
  'POST /oauth2/account/invitations/:answer session',
  'POST /oauth2/account/tokens session',
  'POST /oauth2/account/tokens/revoke session',
  'POST /oauth2/authorize session',
  'POST /oauth2/logout session',
  'POST /oauth2/sign-in public',
  'POST /oauth2/sign-out session',
  'POST /realms/:realm/clients-registrations/openid-connect public',
  'POST /realms/:realm/protocol/openid-connect/auth session',
  'POST /realms/:realm/protocol/openid-connect/auth/device client',
  'POST /realms/:realm/protocol/openid-connect/ext/par/request client',
  'POST /realms/:realm/protocol/openid-connect/logout session',
  'POST /realms/:realm/protocol/openid-connect/revoke client',
  'POST /realms/:realm/protocol/openid-connect/token client',
  'POST /realms/:realm/protocol/openid-connect/token/introspect client',
  'POST /v1/oauth2/authorize session',
  'POST /v1/oauth2/introspect client',
  'POST /v1/oauth2/register public',
  'POST /v1/oauth2/revoke client',
  'POST /v1/oauth2/token client',
  'PUT /api/v1/oauth2/register/:client_id public',
  'PUT /auth/realms/:realm/clients-registrations/openid-connect/:client_id public',
  'PUT /realms/:realm/clients-registrations/openid-connect/:client_id public',
  'PUT /v1/oauth2/register/:client_id public',
];

describe('the authorization matrix: every guarded route, every kind of caller, every kind of target', () => {
  let gatehouse: TestApp;
  let root: string;
  let serial = 0;
  const tokens = {} as Record<Principal, string>;
  let accountClient: Credentials;
  let clientsClient: Credentials;
  let portal: string;
  let integrations: Credentials;
  let platformApp: string;
  const member: Person = { email: 'member@acme.test', password: 'member passphrase' };
  const administrator: Person = { email: 'administrator@acme.test', password: 'administrator passphrase' };
  const platformAdministrator: Person = { email: 'platform@gatehouse.test', password: 'platform passphrase' };
  let projects: { own: string; sibling: string; other: string };

  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  /** Every principal's token, minted anew (a not-before push ends them). */
  async function mintTokens(): Promise<void> {
    tokens.root = await tokenFor(gatehouse, ROOT);
    root = tokens.root;
    tokens.accountClient = await realmToken(gatehouse, 'acme', accountClient);
    tokens.clientsClient = await realmToken(gatehouse, 'acme', clientsClient);
    tokens.member = (await userTokens(gatehouse, { clientId: portal, scope: 'openid profile email token:personal consent:personal invitation:personal', person: member, realm: 'acme' })).access_token!;
    tokens.administrator = (await userTokens(gatehouse, { clientId: portal, scope: ['openid', 'profile', 'token:personal', 'consent:personal', 'invitation:personal', ...ADMINISTER_ACCOUNT].join(' '), person: administrator, realm: 'acme' })).access_token!;
    tokens.organizationToken = (
      await userTokens(gatehouse, { clientId: integrations.client_id, clientSecret: integrations.client_secret, scope: ADMINISTER_ACCOUNT.join(' '), person: administrator, organization: 'acme' })
    ).access_token!;
    tokens.projectToken = await realmToken(gatehouse, 'acme', accountClient, `project-${projects.own} ${PROJECT_TOKEN_SCOPES.join(' ')}`);
    tokens.personalToken = (await personalToken(tokens.administrator, ADMINISTER_ACCOUNT)).token;
    tokens.platformAdministrator = (await userTokens(gatehouse, { clientId: platformApp, scope: ['openid', 'profile', 'token:personal', 'consent:personal', 'invitation:personal', ...PLATFORM_ADMINISTRATOR.scopes].join(' '), person: platformAdministrator })).access_token!;
  }

  async function personalToken(userToken: string, scopes: readonly string[]): Promise<{ id: string; token: string }> {
    const response = await gatehouse.http().post('/api/v1/users/me/tokens').set(bearer(userToken)).send({ name: `pat ${++serial}`, scopes, expires_in_days: 7, organization: 'acme' });
    if (response.status !== 201) throw new Error(`personal access token: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body as { id: string; token: string };
  }

  /**
   * The path parameters naming a target of `kind` and class `name`. A `fresh` one is made anew for
   * a cell that changes or spends it; a project-scoped token's own new project comes with a token
   * of its own (`token`).
   */
  async function makeTarget(kind: TargetKind, name: string, fresh: boolean, principal: Principal): Promise<Record<string, string>> {
    const n = ++serial;
    switch (kind) {
      case 'none':
        return {};
      case 'client': {
        if (name === 'missing') return { client_id: 'no-such-client' };
        const spec = { lesser: ['acme', { scopes: ['scope:read'] }], greater: ['acme', { permissions: ['administer-account'], scopes: ['key:read'] }], other: ['globex', { scopes: ['scope:read'] }] }[name] as [string, object];
        return { client_id: (await createClientIn(gatehouse, spec[0], { name: `${name} ${n}`, ...spec[1] })).client_id };
      }
      case 'user': {
        if (name === 'missing') return { id: randomUUID(), org: 'acme' };
        const person = { email: `${name}-${n}@example.com`, password: 'target passphrase' };
        const id = await createUser(gatehouse, person, name === 'other' ? 'globex' : 'acme', name === 'greater' ? 'administer-account' : 'member');
        if (name === 'greater') await addMembership(gatehouse, id, 'globex', 'administer-account');
        return { id, org: 'acme' };
      }
      case 'organization':
      case 'realm': {
        if (name === 'missing') return { org: 'nowhere', realm: 'nowhere' };
        // Deleting an organization spends it: the root client, the only one who may, deletes new ones.
        if (fresh) return { org: (await createOrganization(gatehouse, { name: `scratch-${n}`, oauth_enabled: true })).name };
        return name === 'same' ? { org: 'acme', realm: 'acme' } : { org: 'globex', realm: 'globex' };
      }
      case 'project': {
        if (name === 'missing') return { org: 'acme', project_id: randomUUID() };
        const organization = name === 'other' ? 'globex' : 'acme';
        if (!fresh) return { org: organization, project_id: projects[name as keyof typeof projects] };
        const project = await createProject(gatehouse, organization, `${name} ${n}`);
        if (principal !== 'projectToken' || name !== 'own') return { org: organization, project_id: project.id };
        return { org: organization, project_id: project.id, token: await realmToken(gatehouse, 'acme', accountClient, `${project.scope} ${PROJECT_TOKEN_SCOPES.join(' ')}`) };
      }
      case 'policy':
        return { key: { same: 'acme_only', other: 'globex_only', missing: 'nowhere' }[name]! };
      case 'role': {
        if (name === 'missing') return { name: 'no-such-role' };
        const spec = { lesser: ['acme', 'scope:read'], greater: ['acme', 'key:read'], other: ['globex', 'scope:read'] }[name]!;
        const response = await gatehouse.http().post('/api/v1/oauth/role').set(bearer(root)).send({ name: `${name}-${n}`, scopes: [spec[1]], organization: spec[0] });
        if (response.status !== 201) throw new Error(`role: ${response.status} ${JSON.stringify(response.body)}`);
        return { name: `${name}-${n}` };
      }
      case 'api': {
        if (name === 'missing') return { id: randomUUID() };
        const organization = name === 'other' ? 'globex' : 'acme';
        const response = await gatehouse.http().post('/api/v1/apis').set(bearer(root)).send({ organization, identifier: `https://target-${n}.example.com`, name: `target ${n}`, scopes: [{ name: `target-${n}:read`, description: 'Read' }] });
        if (response.status !== 201) throw new Error(`API: ${response.status} ${JSON.stringify(response.body)}`);
        return { id: (response.body as { id: string }).id };
      }
      case 'registrationToken': {
        if (name === 'missing') return { id: randomUUID() };
        const response = await gatehouse.http().post('/api/v1/oauth/registration-token').set(bearer(root)).send({ name: `target ${n}`, scopes: [], organization: name === 'other' ? 'globex' : 'acme' });
        if (response.status !== 201) throw new Error(`initial access token: ${response.status} ${JSON.stringify(response.body)}`);
        return { id: (response.body as { id: string }).id };
      }
      case 'personalToken':
        if (name === 'missing') return { id: randomUUID() };
        return { id: (await personalToken(name === 'administrators' ? tokens.administrator : tokens.member, ['profile'])).id };
    }
  }

  beforeAll(async () => {
    gatehouse = await startApp();
    root = await tokenFor(gatehouse, ROOT);
    await createOrganization(gatehouse, { name: 'acme', oauth_enabled: true });
    await createOrganization(gatehouse, { name: 'globex', oauth_enabled: true });
    projects = {
      own: (await createProject(gatehouse, 'acme', 'own')).id,
      sibling: (await createProject(gatehouse, 'acme', 'sibling')).id,
      other: (await createProject(gatehouse, 'globex', 'other')).id,
    };
    accountClient = await createClientIn(gatehouse, 'acme', { name: 'account admin', permissions: ['administer-account'], scopes: [...POLICY_SCOPES, 'table:read', 'table:write'] });
    clientsClient = await createClientIn(gatehouse, 'acme', { name: 'client admin', permissions: ['administer-clients'] });
    const globexPolicies = await createClientIn(gatehouse, 'globex', { name: 'globex policies', scopes: POLICY_SCOPES });
    portal = (await createClientIn(gatehouse, 'acme', { name: 'Portal', public: true, redirect_uris: [APP_REDIRECT], scopes: ['openid', 'profile', 'email', 'token:personal', 'consent:personal', 'invitation:personal', ...ADMINISTER_ACCOUNT] })).client_id;
    integrations = await createClient(gatehouse, { name: 'Integrations', redirect_uris: [APP_REDIRECT], permissions: ['administer-account'], scopes: [] });
    await createUser(gatehouse, member, 'acme', 'member');
    await createUser(gatehouse, administrator, 'acme', 'administer-account');
    // An app of the built-in organization (the root client's), and a platform administrator there.
    platformApp = (await createClient(gatehouse, { name: 'Operations', public: true, redirect_uris: [APP_REDIRECT], scopes: ['openid', 'profile', 'token:personal', 'consent:personal', 'invitation:personal', ...PLATFORM_ADMINISTRATOR.scopes] })).client_id;
    await createUser(gatehouse, platformAdministrator, 'default', 'administer-platform');
    // The policies the policy rows name: 'shared' in the built-in organization and acme, and one of each organization's own.
    const policy = async (token: string, key: string) => expect((await gatehouse.http().post('/api/v1/policy').set(bearer(token)).send({ key, name: key })).status).toBe(201);
    const acmePolicies = await realmToken(gatehouse, 'acme', accountClient);
    await policy(root, 'shared');
    await policy(acmePolicies, 'shared');
    await policy(acmePolicies, 'acme_only');
    await policy(await realmToken(gatehouse, 'globex', globexPolicies), 'globex_only');
    await mintTokens();
  });
  afterAll(() => gatehouse.close());

  it('has a row for every guarded route, and no row for a route that does not exist', () => {
    const routes = gatehouse.app
      .get(ScopeRegistry)
      .routes()
      .flatMap((route) => route.paths.map((path) => `${route.method} ${path}`));
    expect(routes.length).toBeGreaterThan(40);
    expect(Object.keys(MATRIX).sort()).toEqual([...new Set(routes)].sort());
    for (const row of Object.values(MATRIX)) for (const principal of PRINCIPALS) expect(row.expect[principal].split(' ')).toHaveLength(TARGETS[row.target].length);
  });

  it('names every route that takes no bearer token, with how it checks its caller instead', () => {
    const unguarded = gatehouse.app
      .get(ScopeRegistry)
      .declaredRoutes()
      .filter((route) => route.access.kind !== 'bearer')
      .flatMap((route) => route.paths.map((path) => `${route.method} ${path} ${route.access.kind}`));
    // A new route that anyone, any client or any browser session may call is a decision: it is made here too.
    expect([...new Set(unguarded)].sort()).toEqual(UNGUARDED_ROUTES);
  });

  it('answers each cell with the status its row states', async () => {
    const mismatches: string[] = [];
    for (const [route, row] of Object.entries(MATRIX)) {
      const [method, template] = route.split(' ') as [string, string];
      // A cell that changes its target gets a new one, so that no cell sees another's leftovers;
      // organizations (and what has none) are new only where they are spent.
      const changes = ['none', 'organization', 'realm', 'policy'].includes(row.target) ? method === 'DELETE' : method !== 'GET';
      const shared = new Map<string, Record<string, string>>();
      for (const principal of PRINCIPALS) {
        const expected = row.expect[principal].split(' ');
        for (const [index, target] of TARGETS[row.target].entries()) {
          const status = Number(expected[index]);
          const fresh = changes && status < 300;
          const params = fresh || !shared.has(target) ? await makeTarget(row.target, target, fresh, principal) : shared.get(target)!;
          if (!fresh) shared.set(target, params);
          const path = template.replace(/:([a-z_]+)/g, (_, name: string) => encodeURIComponent(params[name] ?? `missing-${name}`));
          const body = row.body?.(++serial);
          const request = gatehouse.http()[method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](path).set(bearer(params.token ?? tokens[principal]));
          const response = body === undefined ? await request : await request.send(body as object);
          if (response.status !== status) mismatches.push(`${route} as ${principal} on ${target}: expected ${status}, got ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`);
          // A not-before push ends every token of the organization: the callers need new ones.
          if (route === 'POST /api/v1/organizations/:org/not-before' && response.status === 200) await mintTokens();
        }
      }
    }
    expect(mismatches).toEqual([]);
    // Some thousand requests, each target made afresh: well over jest's default on a loaded machine (minutes on MariaDB).
  }, 360_000);
});
