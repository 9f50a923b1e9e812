import { describe, expect, it } from '@jest/globals';
import { ForbiddenException, NotFoundException } from '@nestjs/common';
import { InsufficientScope, InvalidToken } from '../common/errors/oauth-errors.js';
import { defineScope } from '../scopes/scope-definition.js';
import { AccessPolicy, type Caller } from './access-policy.js';
import { PLATFORM_ADMINISTRATOR } from '../scopes/permissions.js';

const policy = new AccessPolicy();
const caller = (scopes: string[], extra: Partial<Caller> = {}): Caller => ({ isRoot: false, organizationId: 'org-a', projectId: undefined, userId: undefined, scopes: new Set(scopes), ...extra });
const ROOT = caller([], { isRoot: true, organizationId: 'built-in' });
const CLIENT_ADMIN = ['client:create', 'client:read', 'client:update', 'client:delete', 'scope:read'];
const ADMINISTER_ACCOUNT = ['organization:read', 'organization:update', 'project:create', 'project:read', 'project:update', 'project:delete', 'client:create', 'client:read', 'client:update', 'client:delete', 'user:create', 'user:read', 'user:update', 'user:delete', 'role:create', 'role:read', 'role:update', 'role:delete', 'api:create', 'api:read', 'api:update', 'api:delete', 'scope:read', 'audit:read'];

describe('AccessPolicy', () => {
  it('checks the route scope first, then keeps a project-scoped token to project routes', () => {
    const read = defineScope('client:read', 'read clients');
    expect(() => policy.checkRoute(caller([]), { scope: read, reach: 'organization' })).toThrow(InsufficientScope);
    expect(() => policy.checkRoute(caller(['client:read']), { scope: read, reach: 'organization' })).not.toThrow();
    const projectToken = caller(['client:read'], { projectId: 'p1' });
    expect(() => policy.checkRoute(projectToken, { scope: read, reach: 'organization' })).toThrow(ForbiddenException);
    expect(() => policy.checkRoute(projectToken, { scope: read, reach: 'self' })).toThrow(ForbiddenException);
    expect(() => policy.checkRoute(projectToken, { scope: read, reach: 'project' })).not.toThrow();
  });

  it('answers a target of another organization like a missing one', () => {
    expect(() => policy.checkSees(caller([]), { organizationId: 'org-b' }, 'No client')).toThrow(NotFoundException);
    expect(() => policy.checkSees(caller([]), undefined, 'No client')).toThrow(NotFoundException);
    expect(policy.checkSees(ROOT, { organizationId: 'org-b' }, 'No client')).toEqual({ organizationId: 'org-b' });
    expect(policy.listFilter(caller([]))).toEqual({ organizationId: 'org-a' });
    expect(policy.listFilter(ROOT)).toEqual({});
  });

  it('lets nobody act on a holder of scopes they lack; identity scopes count for nobody', () => {
    const clientAdmin = caller(['client:update', 'scope:read']);
    expect(() => policy.checkActOn(clientAdmin, { organizationId: 'org-a', scopes: ['scope:read', 'openid'] }, 'client x')).not.toThrow();
    expect(() => policy.checkActOn(clientAdmin, { organizationId: 'org-a', scopes: ['scope:read', 'audit:read'] }, 'client x')).toThrow('it holds scopes you do not hold: audit:read');
    expect(() => policy.checkActOn(clientAdmin, { organizationId: 'org-b', scopes: [] }, 'client x')).toThrow(NotFoundException);
    expect(() => policy.checkActOn(ROOT, { organizationId: 'org-b', scopes: ['key:rotate'] }, 'client x')).not.toThrow();
  });

  it('grants permissions and roles by every scope they bundle, as resolved in their organization', () => {
    const clientAdmin = caller(CLIENT_ADMIN);
    expect(() => policy.checkGrantPermissions(clientAdmin, [{ name: 'administer-clients', scopes: CLIENT_ADMIN }])).not.toThrow();
    expect(() => policy.checkGrantPermissions(clientAdmin, [{ name: 'administer-clients', scopes: CLIENT_ADMIN }, { name: 'administer-account', scopes: ADMINISTER_ACCOUNT }])).toThrow(
      'You cannot grant permissions you do not hold: administer-account',
    );
    expect(() => policy.checkGrantPermissions(clientAdmin, [{ name: 'order-reader', scopes: ['orders:read'] }])).toThrow('You cannot grant permissions you do not hold: order-reader');
    expect(() => policy.checkGrantRole(clientAdmin, 'member', [])).not.toThrow();
    expect(() => policy.checkGrantRole(clientAdmin, 'administer-account', ADMINISTER_ACCOUNT)).toThrow(ForbiddenException);
    expect(() => policy.checkGrantRole(clientAdmin, 'client-reader', ['client:read'])).not.toThrow();
    expect(() => policy.checkGrantScopes(clientAdmin, ['openid', 'client:read'])).not.toThrow();
    expect(() => policy.checkGrantScopes(clientAdmin, ['user:read'])).toThrow('You cannot assign scopes you do not hold: user:read');
  });

  it("counts the scopes of the APIs a caller administers as held: it may grant them and act on their holders", () => {
    const apiAdmin = caller([...CLIENT_ADMIN, 'api:update'], { administeredApiScopes: new Set(['orders:read', 'orders:write']) });
    expect(() => policy.checkGrantScopes(apiAdmin, ['orders:read', 'client:read'])).not.toThrow();
    expect(() => policy.checkGrantPermissions(apiAdmin, [{ name: 'order-manager', scopes: ['orders:read', 'orders:write'] }])).not.toThrow();
    expect(() => policy.checkActOn(apiAdmin, { organizationId: 'org-a', scopes: ['orders:write'] }, 'client c')).not.toThrow();
    // Only those: another API's scopes, or Gatehouse's own, are still beyond it.
    expect(() => policy.checkGrantScopes(apiAdmin, ['billing:read'])).toThrow('You cannot assign scopes you do not hold: billing:read');
    expect(() => policy.checkGrantScopes(apiAdmin, ['user:update'])).toThrow(ForbiddenException);
  });

  it('lets nobody define a role granting a scope they do not hold', () => {
    const clientAdmin = caller([...CLIENT_ADMIN, 'role:create']);
    expect(() => policy.checkDefineRole(clientAdmin, 'client-reader', ['client:read'])).not.toThrow();
    expect(() => policy.checkDefineRole(clientAdmin, 'user-editor', ['client:read', 'user:update'])).toThrow('You cannot define the role user-editor with scopes you do not hold: user:update');
    expect(() => policy.checkDefineRole(ROOT, 'anything', ['key:rotate'])).not.toThrow();
  });

  it('lets a user grant an app only what their role gives them, and a non-member nothing', () => {
    expect(policy.scopesUserMayGrant(new Set(['openid', 'orders:read']), ['openid', 'orders:read', 'orders:write'])).toEqual(['openid', 'orders:read']);
    expect(policy.scopesUserMayGrant(undefined, ['openid'])).toEqual([]);
  });

  it('lets only a holder of scopes take them from others (an API scope going away); identity scopes count for nobody', () => {
    const apiAdmin = caller(['api:update', 'orders:read']);
    expect(() => policy.checkRemoveHeldScopes(apiAdmin, ['orders:read', 'openid'])).not.toThrow();
    expect(() => policy.checkRemoveHeldScopes(apiAdmin, [])).not.toThrow();
    expect(() => policy.checkRemoveHeldScopes(apiAdmin, ['orders:read', 'orders:write'])).toThrow('You cannot remove scopes that clients hold and you do not: orders:write');
    expect(() => policy.checkRemoveHeldScopes(ROOT, ['orders:write'])).not.toThrow();
  });

  it("needs authority over every one of a user's organizations for an account change", () => {
    const admin = caller(ADMINISTER_ACCOUNT);
    const member = (organizationId: string) => ({ organizationId, role: 'member', scopes: [] });
    const accountAdmin = (organizationId: string) => ({ organizationId, role: 'administer-account', scopes: ADMINISTER_ACCOUNT });
    expect(() => policy.checkAccountChange(admin, undefined, [accountAdmin('org-a')])).not.toThrow();
    expect(() => policy.checkAccountChange(admin, undefined, [member('org-a'), member('org-b')])).toThrow(ForbiddenException);
    // A role granting API scopes: its organization's API administrator has authority over it, nobody else.
    const orderClerk = { organizationId: 'org-a', role: 'order-clerk', scopes: ['orders:read'] };
    expect(() => policy.checkAccountChange(admin, undefined, [orderClerk])).toThrow(ForbiddenException);
    expect(() => policy.checkAccountChange(caller(ADMINISTER_ACCOUNT, { administeredApiScopes: new Set(['orders:read']) }), undefined, [orderClerk])).not.toThrow();
    // A user administering both organizations may, with a token carrying the scopes.
    const user = caller(ADMINISTER_ACCOUNT, { userId: 'u1' });
    const roles = new Map([
      ['org-a', ADMINISTER_ACCOUNT],
      ['org-b', ADMINISTER_ACCOUNT],
    ]);
    expect(() => policy.checkAccountChange(user, roles, [member('org-a'), accountAdmin('org-b')])).not.toThrow();
    // Their role in org B does not count for more than the token carries.
    const narrow = caller(['user:update'], { userId: 'u1' });
    expect(() => policy.checkAccountChange(narrow, roles, [{ organizationId: 'org-b', role: 'administer-clients', scopes: CLIENT_ADMIN }])).toThrow(ForbiddenException);
    // An organization's own role counts by the scopes it gives there.
    const orderAdmin = new Map([['org-b', ['user:update', 'orders:read']]]);
    expect(() => policy.checkAccountChange(caller(['user:update', 'orders:read'], { userId: 'u1' }), orderAdmin, [{ organizationId: 'org-b', role: 'order-reader', scopes: ['orders:read'] }])).not.toThrow();
    expect(() => policy.checkAccountChange(caller(['user:update', 'orders:read'], { userId: 'u1' }), orderAdmin, [{ organizationId: 'org-b', role: 'order-writer', scopes: ['orders:write'] }])).toThrow(ForbiddenException);
    // A client's own organization is the only one it acts in, whatever roles map it is handed.
    expect(() => policy.checkAccountChange(admin, roles, [member('org-b')])).toThrow(ForbiddenException);
    expect(() => policy.checkAccountChange(ROOT, undefined, [accountAdmin('org-b')])).not.toThrow();
    // An account in no organization yet (invited only) is the root client's alone.
    expect(() => policy.checkAccountChange(admin, undefined, [])).toThrow(ForbiddenException);
    expect(() => policy.checkAccountChange(ROOT, undefined, [])).not.toThrow();
  });

  it("keeps a project-scoped token to its project, and organization tokens off projects that require project tokens", () => {
    const project = { id: 'p1', organizationId: 'org-a' };
    expect(policy.checkProject(caller([], { projectId: 'p1' }), project, true, 'p1')).toBe(project);
    expect(() => policy.checkProject(caller([], { projectId: 'p2' }), project, false, 'p1')).toThrow('scoped to project p2, not p1');
    expect(() => policy.checkProject(caller([]), project, true, 'p1')).toThrow('requires a project-scoped token');
    expect(policy.checkProject(caller([]), project, false, 'p1')).toBe(project);
    expect(() => policy.checkProject(caller([], { organizationId: 'org-b' }), project, false, 'p1')).toThrow(NotFoundException);
    expect(policy.visibleProjects(caller([], { projectId: 'p1' }), [project, { id: 'p2' }])).toEqual([project]);
  });

  it('answers userinfo only for user tokens of the realm in the path', () => {
    expect(policy.checkUserinfo(caller([], { userId: 'u1' }), null)).toBe('u1');
    expect(policy.checkUserinfo(caller([], { userId: 'u1' }), 'org-a')).toBe('u1');
    expect(() => policy.checkUserinfo(caller([], { userId: 'u1' }), 'org-b')).toThrow(InvalidToken);
    expect(() => policy.checkUserinfo(caller([], { userId: 'u1' }), undefined)).toThrow(InvalidToken);
    expect(() => policy.checkUserinfo(caller([]), null)).toThrow(InvalidToken);
    const acme = { id: 'org-a', name: 'acme' };
    expect(() => policy.checkGrantPersonalScopes(new Set(['profile']), ['token:personal'], acme, undefined)).toThrow('cannot manage personal access tokens');
  });

  it('bounds a personal access token by the role, and by the token that asks for it through the API', () => {
    const acme = { id: 'org-a', name: 'acme' };
    const role = new Set(['user:read', 'user:update', 'profile']);
    expect(() => policy.checkGrantPersonalScopes(role, ['user:update'], acme, undefined)).not.toThrow();
    expect(() => policy.checkGrantPersonalScopes(role, ['audit:read'], acme, undefined)).toThrow('You do not hold these scopes in acme: audit:read');
    const narrow = caller(['token:personal'], { userId: 'u1' });
    expect(() => policy.checkGrantPersonalScopes(role, ['user:update'], acme, narrow)).toThrow('You cannot assign scopes you do not hold: user:update');
    expect(() => policy.checkGrantPersonalScopes(role, ['profile'], acme, narrow)).not.toThrow();
    expect(() => policy.checkGrantPersonalScopes(role, ['profile'], { id: 'org-b', name: 'globex' }, narrow)).toThrow('creates personal access tokens for its own organization only');
  });

  describe('the platform administrator (administer-platform, a role of the built-in organization)', () => {
    const PLATFORM = PLATFORM_ADMINISTRATOR.scopes;
    const platformAdmin = caller([...PLATFORM], { organizationId: 'built-in', userId: 'p1' });
    const builtInAdmin = caller(ADMINISTER_ACCOUNT, { organizationId: 'built-in', userId: 'a1' });
    const platformMembership = { organizationId: 'built-in', role: 'administer-platform', scopes: [...PLATFORM] };

    it('holds administer-account and the platform scopes people need, not the metrics', () => {
      expect(PLATFORM).toEqual(expect.arrayContaining([...ADMINISTER_ACCOUNT, 'organization:create', 'organization:delete', 'key:read', 'key:rotate']));
      expect(PLATFORM).not.toContain('metrics:read');
    });

    it('cannot be granted, changed, reset or disabled by an administer-account administrator of the built-in organization, itself included', () => {
      expect(() => policy.checkGrantRole(builtInAdmin, 'administer-platform', PLATFORM)).toThrow('You cannot grant or change the role administer-platform: you do not hold organization:create, organization:delete, key:read, key:rotate');
      expect(() => policy.checkActOn(builtInAdmin, platformMembership, 'user p1')).toThrow(ForbiddenException);
      expect(() => policy.checkAccountChange(builtInAdmin, undefined, [platformMembership])).toThrow(ForbiddenException);
      // Another platform administrator, and the root client, can.
      expect(() => policy.checkGrantRole(platformAdmin, 'administer-platform', PLATFORM)).not.toThrow();
      expect(() => policy.checkActOn(platformAdmin, platformMembership, 'user p2')).not.toThrow();
      expect(() => policy.checkAccountChange(platformAdmin, undefined, [platformMembership])).not.toThrow();
      expect(() => policy.checkGrantRole(ROOT, 'administer-platform', PLATFORM)).not.toThrow();
    });

    it('sees every organization, though nothing in another one; nobody else does', () => {
      expect(policy.seesEveryOrganization(platformAdmin)).toBe(true);
      expect(policy.seesEveryOrganization(ROOT)).toBe(true);
      expect(policy.seesEveryOrganization(builtInAdmin)).toBe(false);
      expect(policy.seesEveryOrganization(caller(['organization:delete'], { projectId: 'p1' }))).toBe(false);
      expect(policy.checkSeesOrganizationRecord(platformAdmin, { id: 'org-b' }, 'No organization')).toEqual({ id: 'org-b' });
      expect(() => policy.checkSeesOrganizationRecord(builtInAdmin, { id: 'org-b' }, 'No organization')).toThrow(NotFoundException);
      expect(() => policy.checkSeesOrganizationRecord(platformAdmin, undefined, 'No organization')).toThrow(NotFoundException);
      // Rule 2 still holds for what is in another organization.
      expect(() => policy.checkSees(platformAdmin, { organizationId: 'org-b' }, 'No client')).toThrow(NotFoundException);
      expect(() => policy.checkSeesOrganization(platformAdmin, { id: 'org-b' }, 'No organization')).toThrow(NotFoundException);
    });

    it('deletes an organization only when it holds every Gatehouse scope anyone there holds, and never the built-in one', () => {
      const everyone = (scopes: string[]) => ({ organizationId: 'org-b', scopes, includesRoot: false });
      expect(() => policy.checkDeleteOrganization(platformAdmin, { builtIn: false }, everyone([...ADMINISTER_ACCOUNT]))).not.toThrow();
      expect(() => policy.checkDeleteOrganization(platformAdmin, { builtIn: false }, everyone(['client:read', 'metrics:read']))).toThrow('You cannot delete this organization: clients or members there hold scopes you do not hold: metrics:read');
      expect(() => policy.checkDeleteOrganization(ROOT, { builtIn: false }, everyone(['metrics:read']))).not.toThrow();
      expect(() => policy.checkDeleteOrganization(ROOT, { builtIn: true }, everyone([]))).toThrow('The built-in organization cannot be deleted');
    });
  });
});
