import { InitialSchema1763800000000 } from './1763800000000-initial-schema.js';
import { OrganizationsAndProjects1763900000000 } from './1763900000000-organizations-and-projects.js';
import { TokenLifecycle1764000000000 } from './1764000000000-token-lifecycle.js';
import { UsersAndAuthorization1764100000000 } from './1764100000000-users-and-authorization.js';
import { PersonalAccessTokens1764200000000 } from './1764200000000-personal-access-tokens.js';
import { RevokedTokenFamily1764300000000 } from './1764300000000-revoked-token-family.js';
import { ExactIdentifiers1764310000000 } from './1764310000000-exact-identifiers.js';
import { ClientGrantTypes1764420000000 } from './1764420000000-client-grant-types.js';
import { ApiResources1764500000000 } from './1764500000000-api-resources.js';
import { OrganizationRoles1764510000000 } from './1764510000000-organization-roles.js';
import { GrantResource1764520000000 } from './1764520000000-grant-resource.js';
import { ClientLogoutAndIdTokenAlg1764530000000 } from './1764530000000-client-logout-and-id-token-alg.js';
import { ClientRegistration1764540000000 } from './1764540000000-client-registration.js';
import { UsedTokenIds1764545000000 } from './1764545000000-used-token-ids.js';
import { MembershipInvitations1764550000000 } from './1764550000000-membership-invitations.js';
import { ClientJwtAuthentication1764560000000 } from './1764560000000-client-jwt-authentication.js';
import { Dpop1764570000000 } from './1764570000000-dpop.js';
import { PushedAuthorizationRequests1764580000000 } from './1764580000000-pushed-authorization-requests.js';
import { DeviceAuthorization1764590000000 } from './1764590000000-device-authorization.js';
import { ClientTokenExchange1764610000000 } from './1764610000000-client-token-exchange.js';
import { InvitationCodes1764620000000 } from './1764620000000-invitation-codes.js';
import { DeviceAuthorizationResource1764630000000 } from './1764630000000-device-authorization-resource.js';

/** Every migration, oldest first. Listed by hand so the build needs no file globbing at run time. */
export const migrations = [
  InitialSchema1763800000000,
  OrganizationsAndProjects1763900000000,
  TokenLifecycle1764000000000,
  UsersAndAuthorization1764100000000,
  PersonalAccessTokens1764200000000,
  RevokedTokenFamily1764300000000,
  ExactIdentifiers1764310000000,
  ClientGrantTypes1764420000000,
  ApiResources1764500000000,
  OrganizationRoles1764510000000,
  GrantResource1764520000000,
  ClientLogoutAndIdTokenAlg1764530000000,
  ClientRegistration1764540000000,
  UsedTokenIds1764545000000,
  MembershipInvitations1764550000000,
  ClientJwtAuthentication1764560000000,
  Dpop1764570000000,
  PushedAuthorizationRequests1764580000000,
  DeviceAuthorization1764590000000,
  ClientTokenExchange1764610000000,
  InvitationCodes1764620000000,
  DeviceAuthorizationResource1764630000000,
];
