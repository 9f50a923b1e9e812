import { defineScope } from './scope-definition.js';

/**
 * OpenID Connect's scopes. They guard no route of the API (only `openid` guards userinfo): they
 * say which facts about the user a client may learn, so the registry lists them on their own.
 */
export const IdentityScopes = {
  openid: defineScope('openid', 'Sign you in with your Gatehouse account and know your user id'),
  profile: defineScope('profile', 'See your name'),
  email: defineScope('email', 'See your email address'),
};

export const IDENTITY_SCOPES = Object.values(IdentityScopes);
export const IDENTITY_SCOPE_NAMES: ReadonlySet<string> = new Set(IDENTITY_SCOPES.map((scope) => scope.name));
