import { defineScope } from './scope-definition.js';

export const PolicyScopes = {
  read: defineScope('policy:read', "Read the organization's execution policies (Fides)"),
  createOrUpdate: defineScope('policy:create_or_update', 'Create and update execution policies (Fides)'),
  ruleRead: defineScope('rule:read', "Read the policies' rules (Fides)"),
  ruleCreateOrUpdate: defineScope('rule:create_or_update', 'Create and update rules (Fides)'),
};
