import { defineScope } from './scope-definition.js';

export const TableScopes = {
  read: defineScope('table:read', "List a project's tables (Polaris Tables API)"),
  write: defineScope('table:write', 'Create tables in a project (Polaris Tables API)'),
};
