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
import { KeyScopes } from './key.scopes.js';
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

/** What administering one organization takes: its settings, projects, clients, users, roles and APIs, and its audit trail. */
const ACCOUNT_SCOPES = [
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
];

export const PERMISSIONS: readonly PermissionDefinition[] = [
  permission(
    'administer-account',
    'Administer the whole organization: its settings, its users, its projects, its API clients, its roles and the APIs it protects, and read its audit trail (Imply Hybrid administer-account, Polaris Organization Admin)',
    ACCOUNT_SCOPES,
  ),
  permission('administer-clients', "Create, manage and delete the organization's API clients (Imply Hybrid administer-clients, Polaris AdministerClients)", [...CLIENT_SCOPES, ScopeScopes.read]),
];

const BY_NAME = new Map(PERMISSIONS.map((permission) => [permission.name, permission]));

/**
 * The platform administrator: a user role of the built-in organization only (RoleDirectory
 * refuses it elsewhere), and no client permission. It gives what administer-account gives there,
 * and the platform scopes a person running the server needs from the console: creating and
 * deleting organizations and the signing keys. Not metrics:read: the metrics are a scraper's, which
 * the root client gives a client of its own. Granting it, or acting on its holder, takes holding
 * all of it (the access policy's rule 3): only the root client and other platform administrators can.
 */
export const PLATFORM_ADMINISTRATOR: PermissionDefinition = permission(
  'administer-platform',
  'Administer the built-in organization, create and delete organizations, and list and rotate the signing keys (built-in organization only; held by users, not clients)',
  [...ACCOUNT_SCOPES, OrganizationScopes.create, OrganizationScopes.delete, KeyScopes.read, KeyScopes.rotate],
);

/** Whether `role` is the platform administrator's (which only the built-in organization has). */
export function isPlatformAdministratorRole(role: string): boolean {
  return role === PLATFORM_ADMINISTRATOR.name;
}

export function isPermission(name: string): boolean {
  return BY_NAME.has(name);
}

/** The scopes a set of permissions grants. */
export function scopesOfPermissions(names: readonly string[]): string[] {
  return [...new Set(names.flatMap((name) => BY_NAME.get(name)?.scopes ?? []))];
}

/** A user's role in an organization: one of the permissions, or a plain member, who holds no API scope by role. */
export const MEMBER_ROLE = 'member';
/** The built-in roles (the platform administrator's in the built-in organization only); an organization defines more of its own (src/roles/), which hold none of these names. */
export const ROLES: readonly string[] = [MEMBER_ROLE, ...PERMISSIONS.map((permission) => permission.name), PLATFORM_ADMINISTRATOR.name];

/** The name of a role an organization defines: a lowercase slug (which the built-in names are too). */
export const ROLE_NAME_PATTERN = /^[a-z][a-z0-9-]{1,62}$/;

/** A built-in role or permission name, which no organization may define. */
export function isBuiltInRole(name: string): boolean {
  return name === MEMBER_ROLE || BY_NAME.has(name) || isPlatformAdministratorRole(name);
}

/** The permissions a role carries (none for a plain member). */
export function permissionsOfRole(role: string): string[] {
  return BY_NAME.has(role) ? [role] : [];
}

/** The API scopes a built-in role gives (none for a plain member; the platform administrator's, wherever its organization allows it). */
function scopesOfBuiltInRole(role: string): readonly string[] {
  return isPlatformAdministratorRole(role) ? PLATFORM_ADMINISTRATOR.scopes : scopesOfPermissions(permissionsOfRole(role));
}

/** Scopes every user holds whatever their role: their identity, their own personal access tokens, the apps they allowed, and the invitations they received. */
export const EVERY_USER_SCOPES: readonly string[] = [IdentityScopes.openid, IdentityScopes.profile, IdentityScopes.email, PersonalAccessTokenScopes.manage, ConsentScopes.manage, UserScopes.invitations].map((scope) => scope.name);

const USER_SCOPES_BY_ROLE = new Map(ROLES.map((role) => [role, new Set([...EVERY_USER_SCOPES, ...scopesOfBuiltInRole(role)])]));

/** The scopes a user with `role` may grant a client or a personal access token (worked out once per role: the bearer guard asks on every user-token request). */
export function userScopesOfRole(role: string): ReadonlySet<string> {
  return USER_SCOPES_BY_ROLE.get(role) ?? new Set(EVERY_USER_SCOPES);
}

/** The API scopes a role gives (none for a plain member): what someone must hold to grant it or act on its holder. */
export function apiScopesOfRole(role: string): string[] {
  return [...scopesOfBuiltInRole(role)];
}

/**
 * Fails unless every scope a permission bundle (or every user) is given is one `defined` knows:
 * a bundle naming a scope that no route requires any more would grant nothing, silently. Run at
 * start, against the scopes the routes declare (see ScopeRegistry).
 */
export function checkPermissionScopes(defined: { has(name: string): boolean }, permissions: readonly PermissionDefinition[] = PERMISSIONS): void {
  const bundles = [...permissions, PLATFORM_ADMINISTRATOR, { name: 'every user', scopes: EVERY_USER_SCOPES }];
  const problems = bundles.flatMap(({ name, scopes }) => {
    const unknown = scopes.filter((scope) => !defined.has(scope));
    return unknown.length > 0 ? [`${name} names ${unknown.join(', ')}`] : [];
  });
  if (problems.length > 0) throw new Error(`Permission bundles name scopes that no module defines: ${problems.join('; ')}`);
}
