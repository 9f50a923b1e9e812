import { describe, expect, it } from '@jest/globals';
import { checkPermissionScopes, isBuiltInRole, PERMISSIONS, PLATFORM_ADMINISTRATOR, scopesOfPermissions, userScopesOfRole } from './permissions.js';

const everyScope = new Set([...PERMISSIONS.flatMap((permission) => permission.scopes), ...PLATFORM_ADMINISTRATOR.scopes, 'openid', 'profile', 'email', 'token:personal', 'consent:personal', 'invitation:personal']);

describe('permission bundles', () => {
  it('are the scope names of the modules that define them', () => {
    expect(scopesOfPermissions(['administer-clients'])).toEqual(['client:create', 'client:read', 'client:update', 'client:delete', 'scope:read']);
    expect(scopesOfPermissions(['administer-account'])).toEqual(expect.arrayContaining(['organization:read', 'project:delete', 'user:update', 'audit:read']));
    expect([...userScopesOfRole('member')]).toEqual(['openid', 'profile', 'email', 'token:personal', 'consent:personal', 'invitation:personal']);
  });

  it("give the platform administrator's role administer-account and the platform scopes, as a user role and no client permission", () => {
    expect([...userScopesOfRole('administer-platform')]).toEqual(expect.arrayContaining([...scopesOfPermissions(['administer-account']), 'organization:create', 'organization:delete', 'key:read', 'key:rotate', 'token:personal']));
    expect(scopesOfPermissions(['administer-platform'])).toEqual([]);
    expect(isBuiltInRole('administer-platform')).toBe(true);
    const withoutRotate = new Set([...everyScope].filter((scope) => scope !== 'key:rotate'));
    expect(() => checkPermissionScopes(withoutRotate)).toThrow('administer-platform names key:rotate');
  });

  it('pass the start-up check when every scope they name is defined', () => {
    expect(() => checkPermissionScopes(everyScope)).not.toThrow();
  });

  it('fail the start-up check, naming the bundle and the scope, when one names a scope no module defines', () => {
    const withoutAudit = new Set([...everyScope].filter((scope) => scope !== 'audit:read'));
    expect(() => checkPermissionScopes(withoutAudit)).toThrow('Permission bundles name scopes that no module defines: administer-account names audit:read');
    const bogus = [...PERMISSIONS, { name: 'read-everything', description: '', scopes: ['client:read', 'made:up'] }];
    expect(() => checkPermissionScopes(everyScope, bogus)).toThrow('Permission bundles name scopes that no module defines: read-everything names made:up');
  });

  it('fail the start-up check when a scope every user holds is not defined', () => {
    const withoutPersonal = new Set([...everyScope].filter((scope) => scope !== 'token:personal'));
    expect(() => checkPermissionScopes(withoutPersonal)).toThrow('every user names token:personal');
  });
});
