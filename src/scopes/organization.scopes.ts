import { defineScope } from './scope-definition.js';

export const OrganizationScopes = {
  create: defineScope('organization:create', 'Create organizations (the root client and platform administrators: no permission grants it)'),
  read: defineScope('organization:read', 'Read organization settings (your own; the root client and platform administrators see all)'),
  update: defineScope('organization:update', 'Change organization settings: display name, OAuth flag, token lifespan, project-scoped token rule'),
  delete: defineScope('organization:delete', 'Delete organizations with their clients and projects (the root client and platform administrators)'),
};
