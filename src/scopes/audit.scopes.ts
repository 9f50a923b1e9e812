import { defineScope } from './scope-definition.js';

export const AuditScopes = {
  read: defineScope('audit:read', "Read the audit trail (an organization's administrators see their organization's events only)"),
};
