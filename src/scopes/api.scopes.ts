import { defineScope } from './scope-definition.js';

/** Managing an organization's APIs (resource servers) and the scopes they define. */
export const ApiScopes = {
  create: defineScope('api:create', 'Register APIs (resource servers) and the scopes they define'),
  read: defineScope('api:read', "List an organization's APIs and read their settings and scopes"),
  update: defineScope('api:update', "Change an API's name, scopes and token settings"),
  delete: defineScope('api:delete', 'Delete APIs (their scopes are taken from every client holding them)'),
};
