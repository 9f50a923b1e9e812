import { defineScope } from './scope-definition.js';

export const TokenScopes = {
  introspect: defineScope('token:introspect', "Introspect access tokens of the client's own organization (RFC 7662), as a resource server does"),
};
