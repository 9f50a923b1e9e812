import { defineScope } from './scope-definition.js';

export const UserScopes = {
  create: defineScope('user:create', "Create user accounts in the caller's organization (with roles the caller holds itself)"),
  read: defineScope('user:read', "List the organization's users and their roles"),
  update: defineScope('user:update', "Change a user's name, password, role or disabled flag"),
  delete: defineScope('user:delete', 'Remove users from the organization'),
  invitations: defineScope('invitation:personal', 'See the organizations that invited you, and accept or decline their invitations'),
};
