import { defineScope } from './scope-definition.js';

export const ScopeScopes = {
  read: defineScope('scope:read', 'List every scope Gatehouse knows, with its description'),
};
