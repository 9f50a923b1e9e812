import { defineScope } from './scope-definition.js';

export const ConsentScopes = {
  manage: defineScope('consent:personal', 'See the apps you allowed to act for you, and take that access back'),
};
