import { defineScope } from './scope-definition.js';

export const ProjectScopes = {
  create: defineScope('project:create', 'Create projects in an organization'),
  read: defineScope('project:read', "List and read an organization's projects"),
  update: defineScope('project:update', 'Rename projects and change their description'),
  delete: defineScope('project:delete', 'Delete projects'),
};
