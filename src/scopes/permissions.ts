/**
 * Client permissions (Imply Hybrid's roles, Polaris's "Client Permissions"): named bundles of
 * scopes. A client holds its own scopes plus those of its permissions, always bounded by its
 * organization. Scope names are spelled out (not imported) so this file depends on nothing.
 */
export interface PermissionDefinition {
  readonly name: string;
  readonly description: string;
  readonly scopes: readonly string[];
}

const CLIENT_SCOPES = ['client:create', 'client:read', 'client:update', 'client:delete'];
const USER_SCOPES = ['user:create', 'user:read', 'user:update', 'user:delete'];

export const PERMISSIONS: readonly PermissionDefinition[] = [
  {
    name: 'administer-account',
    description: 'Administer the whole organization: its settings, its users, its projects and its API clients, and read its audit trail (Imply Hybrid administer-account, Polaris Organization Admin)',
    scopes: ['organization:read', 'organization:update', 'project:create', 'project:read', 'project:update', 'project:delete', ...CLIENT_SCOPES, ...USER_SCOPES, 'scope:read', 'audit:read'],
  },
  {
    name: 'administer-clients',
    description: "Create, manage and delete the organization's API clients (Imply Hybrid administer-clients, Polaris AdministerClients)",
    scopes: [...CLIENT_SCOPES, 'scope:read'],
  },
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
export const ROLES: readonly string[] = [MEMBER_ROLE, ...PERMISSIONS.map((permission) => permission.name)];

/** The permissions a role carries (none for a plain member). */
export function permissionsOfRole(role: string): string[] {
  return BY_NAME.has(role) ? [role] : [];
}

/** Scopes every user holds whatever their role: their identity, and their own personal access tokens. */
const EVERY_USER_SCOPES = ['openid', 'profile', 'email', 'token:personal'];

const USER_SCOPES_BY_ROLE = new Map(ROLES.map((role) => [role, new Set([...EVERY_USER_SCOPES, ...scopesOfPermissions(permissionsOfRole(role))])]));

/** The scopes a user with `role` may grant a client or a personal access token (worked out once per role: the bearer guard asks on every user-token request). */
export function userScopesOfRole(role: string): ReadonlySet<string> {
  return USER_SCOPES_BY_ROLE.get(role) ?? new Set(EVERY_USER_SCOPES);
}

/** The API scopes a role gives (none for a plain member): what someone must hold to grant it or act on its holder. */
export function apiScopesOfRole(role: string): string[] {
  return scopesOfPermissions(permissionsOfRole(role));
}
