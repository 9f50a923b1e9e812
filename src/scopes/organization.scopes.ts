import { defineScope } from './scope-definition.js';

export const OrganizationScopes = {
  create: defineScope('organization:create', 'Create organizations (root only in practice: no permission grants it)'),
  read: defineScope('organization:read', 'Read organization settings (your own; the root client sees all)'),
  update: defineScope('organization:update', 'Change organization settings: display name, OAuth flag, token lifespan, project-scoped token rule'),
  delete: defineScope('organization:delete', 'Delete organizations with their clients and projects (root only in practice)'),
};
