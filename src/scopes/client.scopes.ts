import { defineScope } from './scope-definition.js';

export const ClientScopes = {
  create: defineScope('client:create', 'Create OAuth clients (with scopes the caller holds itself)'),
  read: defineScope('client:read', 'List OAuth clients and read their settings and scopes'),
  update: defineScope('client:update', "Change an OAuth client's settings and scopes, disable it, or regenerate its secret"),
  delete: defineScope('client:delete', 'Delete OAuth clients'),
};
