import { defineScope } from './scope-definition.js';

export const KeyScopes = {
  read: defineScope('key:read', 'List the token signing keys (public information only)'),
  rotate: defineScope('key:rotate', 'Rotate the token signing key; the old key keeps verifying its tokens until they expire'),
};
