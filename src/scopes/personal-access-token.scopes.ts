import { defineScope } from './scope-definition.js';

export const PersonalAccessTokenScopes = {
  manage: defineScope('token:personal', 'Create, list and revoke your own personal access tokens'),
};
