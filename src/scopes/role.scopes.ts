import { defineScope } from './scope-definition.js';

export const RoleScopes = {
  create: defineScope('role:create', "Define roles of the caller's organization (holding only scopes the caller holds itself)"),
  read: defineScope('role:read', "Read a role of the organization and the scopes it grants"),
  update: defineScope('role:update', "Change a role's description or scopes (only a role holding nothing beyond the caller's scopes, before and after)"),
  delete: defineScope('role:delete', 'Delete a role nobody holds any more'),
};
