import { ApiScopes } from './api.scopes.js';
import { AuditScopes } from './audit.scopes.js';
import { ConsentScopes } from './consent.scopes.js';
import { ClientScopes } from './client.scopes.js';
import { OrganizationScopes } from './organization.scopes.js';
import { PersonalAccessTokenScopes } from './personal-access-token.scopes.js';
import { ProjectScopes } from './project.scopes.js';
import { RoleScopes } from './role.scopes.js';
import { UserScopes } from './user.scopes.js';
import { IdentityScopes } from './identity.scopes.js';
import { type ScopeDefinition } from './scope-definition.js';
import { ScopeScopes } from './scope.scopes.js';

/**
 * Client permissions (Imply Hybrid's roles, Polaris's "Client Permissions"): named bundles of
 * scopes. A client holds its own scopes plus those of its permissions, always bounded by its
 * organization. Bundles are built from the scope definitions of the modules that own them, and
 * checked at start against the scopes the routes require (see checkPermissionScopes).
 */
export interface PermissionDefinition {
  readonly name: string;
  readonly description: string;
  readonly scopes: readonly string[];
}

function permission(name: string, description: string, scopes: readonly ScopeDefinition[]): PermissionDefinition {
  return Object.freeze({ name, description, scopes: Object.freeze(scopes.map((scope) => scope.name)) });
}

const CLIENT_SCOPES = [ClientScopes.create, ClientScopes.read, ClientScopes.update, ClientScopes.delete];
const USER_SCOPES = [UserScopes.create, UserScopes.read, UserScopes.update, UserScopes.delete];
const ROLE_SCOPES = [RoleScopes.create, RoleScopes.read, RoleScopes.update, RoleScopes.delete];

export const PERMISSIONS: readonly PermissionDefinition[] = [
  permission(
    'administer-account',
    'Administer the whole organization: its settings, its users, its projects, its API clients, its roles and the APIs it protects, and read its audit trail (Imply Hybrid administer-account, Polaris Organization Admin)',
    [
      OrganizationScopes.read,
      OrganizationScopes.update,
      ProjectScopes.create,
      ProjectScopes.read,
      ProjectScopes.update,
      ProjectScopes.delete,
      ...CLIENT_SCOPES,
      ...USER_SCOPES,
      ...ROLE_SCOPES,
      ApiScopes.create,
      ApiScopes.read,
      ApiScopes.update,
      ApiScopes.delete,
      ScopeScopes.read,
      AuditScopes.read,
    ],
  ),
  permission('administer-clients', "Create, manage and delete the organization's API clients (Imply Hybrid administer-clients, Polaris AdministerClients)", [...CLIENT_SCOPES, ScopeScopes.read]),
];

const BY_NAME = new Map(PERMISSIONS.map((permission) => [permission.name, permission]));

export function isPermission(name: string): boolean {
  return BY_NAME.has(name);
}

/** The scopes a set of permissions grants. */
export function scopesOfPermissions(names: readonly string[]): string[] {
  return [...new Set(names.flatMap((name) => BY_NAME.get(name)?.scopes ?? []))];
}

/** A user's role in an organization: one of the permissions, or a plain member, who holds no API scope by role. */
export const MEMBER_ROLE = 'member';
/** The built-in roles; an organization defines more of its own (src/roles/), which hold none of these names. */
export const ROLES: readonly string[] = [MEMBER_ROLE, ...PERMISSIONS.map((permission) => permission.name)];

/** The name of a role an organization defines: a lowercase slug (which the built-in names are too). */
export const ROLE_NAME_PATTERN = /^[a-z][a-z0-9-]{1,62}$/;

/** A built-in role or permission name, which no organization may define. */
export function isBuiltInRole(name: string): boolean {
  return name === MEMBER_ROLE || BY_NAME.has(name);
}

/** The permissions a role carries (none for a plain member). */
export function permissionsOfRole(role: string): string[] {
  return BY_NAME.has(role) ? [role] : [];
}

/** Scopes every user holds whatever their role: their identity, their own personal access tokens, the apps they allowed, and the invitations they received. */
export const EVERY_USER_SCOPES: readonly string[] = [IdentityScopes.openid, IdentityScopes.profile, IdentityScopes.email, PersonalAccessTokenScopes.manage, ConsentScopes.manage, UserScopes.invitations].map((scope) => scope.name);

const USER_SCOPES_BY_ROLE = new Map(ROLES.map((role) => [role, new Set([...EVERY_USER_SCOPES, ...scopesOfPermissions(permissionsOfRole(role))])]));

/** The scopes a user with `role` may grant a client or a personal access token (worked out once per role: the bearer guard asks on every user-token request). */
export function userScopesOfRole(role: string): ReadonlySet<string> {
  return USER_SCOPES_BY_ROLE.get(role) ?? new Set(EVERY_USER_SCOPES);
}

/** The API scopes a role gives (none for a plain member): what someone must hold to grant it or act on its holder. */
export function apiScopesOfRole(role: string): string[] {
  return scopesOfPermissions(permissionsOfRole(role));
}

/**
 * Fails unless every scope a permission bundle (or every user) is given is one `defined` knows:
 * a bundle naming a scope that no route requires any more would grant nothing, silently. Run at
 * start, against the scopes the routes declare (see ScopeRegistry).
 */
export function checkPermissionScopes(defined: { has(name: string): boolean }, permissions: readonly PermissionDefinition[] = PERMISSIONS): void {
  const bundles = [...permissions, { name: 'every user', scopes: EVERY_USER_SCOPES }];
  const problems = bundles.flatMap(({ name, scopes }) => {
    const unknown = scopes.filter((scope) => !defined.has(scope));
    return unknown.length > 0 ? [`${name} names ${unknown.join(', ')}`] : [];
  });
  if (problems.length > 0) throw new Error(`Permission bundles name scopes that no module defines: ${problems.join('; ')}`);
}
