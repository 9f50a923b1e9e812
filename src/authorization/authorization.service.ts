import { AccessPolicy } from '../access/access-policy.js';
import { Injectable } from '@nestjs/common';
import { OrganizationDirectory, type OrganizationRecord } from '../organizations/organization-directory.js';
import { roleIn, type UserRecord } from '../users/user-directory.js';
import { PageError, RedirectToClient } from '../common/errors/authorization-errors.js';
import { AccessDenied, ConsentRequired, InvalidRequestUri, LoginRequired } from '../common/errors/oauth-errors.js';
import { AuthorizationResponse } from '../common/html/authorization-response.js';
import { AuthorizationCodes } from './authorization-codes.js';
import { type AuthorizationRequest } from './authorization-request.js';
import { type BrowserSession } from './browser-sessions.js';
import { Consents } from './consents.js';
import { RoleDirectory } from '../roles/role-directory.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { isFirstPartyRequest } from '../clients/first-party-clients.js';
import { BUILT_IN_ORGANIZATION_ID } from '../organizations/entities/organization.entity.js';
import { PushedAuthorizationRequests } from './pushed-authorization-requests.js';

export type AuthorizationStep =
  | { readonly next: 'sign-in' }
  /** `organizations`: for an organization token, the ones the user may pick from. */
  | { readonly next: 'consent'; readonly scopes: readonly string[]; readonly organizations?: readonly OrganizationRecord[] }
  | { readonly next: 'redirect'; readonly response: AuthorizationResponse };

/**
 * What happens to a checked authorization request for the person in the browser: sign in,
 * consent to what is new, or go back to the client with a code. A user grants only scopes that
 * their role in the client's organization gives them (plus the identity scopes); the rest of the
 * request is dropped, as RFC 6749 §3.3 allows.
 */
@Injectable()
export class AuthorizationService {
  constructor(
    private readonly codes: AuthorizationCodes,
    private readonly consents: Consents,
    private readonly organizations: OrganizationDirectory,
    private readonly policy: AccessPolicy,
    private readonly roles: RoleDirectory,
    private readonly config: GatehouseConfig,
    private readonly pushedRequests: PushedAuthorizationRequests,
  ) {}

  /**
   * `prompt=login` asks for the password even with a session; the sign-in form drops it from the
   * request it returns to, and a pushed request (whose parameters the URL does not carry) is
   * satisfied by a sign-in after it was pushed.
   */
  async next(request: AuthorizationRequest, session: BrowserSession | undefined): Promise<AuthorizationStep> {
    const refuse = (reason: ConstructorParameters<typeof RedirectToClient>[0]) => new RedirectToClient(reason, request.redirectUri, request.state, request.issuer, request.responseMode);
    const signedInSincePush = session !== undefined && request.pushed !== undefined && session.authTime.getTime() >= request.pushed.pushedAt.getTime();
    if (!session || (request.prompt === 'login' && !signedInSincePush)) {
      if (request.prompt === 'none') throw refuse(new LoginRequired('Nobody is signed in'));
      return { next: 'sign-in' };
    }
    if (request.subjectType === 'organization') {
      // The user picks the organization every time: there is nothing to remember it by.
      if (request.prompt === 'none') throw refuse(new ConsentRequired('An organization token needs the user to pick an organization'));
      const organizations = await this.pickableOrganizations(request, session.user);
      if (organizations.length === 0) throw refuse(new AccessDenied('This account belongs to no organization this application can act for'));
      return { next: 'consent', scopes: request.scopes, organizations };
    }
    const scopes = await this.grantableScopes(request, session.user);
    const consented = await this.consents.scopesAllowed(session.user.id, request.client.id);
    // The console signs users in to Gatehouse itself: asking them to allow Gatehouse access to Gatehouse would mean nothing.
    const firstParty = isFirstPartyRequest(request, this.config.issuer, BUILT_IN_ORGANIZATION_ID);
    if (request.prompt !== 'consent' && (firstParty || scopes.every((scope) => consented.has(scope)))) {
      return { next: 'redirect', response: await this.issueCode(request, session, scopes) };
    }
    if (request.prompt === 'none') throw refuse(new ConsentRequired('The user has not consented to this client yet'));
    return { next: 'consent', scopes };
  }

  /** The user said Allow: remember it, and send them back with a code. */
  async approve(request: AuthorizationRequest, session: BrowserSession, organizationName?: unknown): Promise<AuthorizationResponse> {
    if (request.subjectType === 'organization') return this.approveForOrganization(request, session, organizationName);
    const scopes = await this.grantableScopes(request, session.user);
    await this.consents.remember(session.user.id, request.client.id, scopes);
    return this.issueCode(request, session, scopes);
  }

  async deny(request: AuthorizationRequest): Promise<never> {
    await this.usePushedRequest(request);
    throw new RedirectToClient(new AccessDenied('The user denied the request'), request.redirectUri, request.state, request.issuer, request.responseMode);
  }

  /**
   * A pushed request (RFC 9126) is used up when the user's answer goes back to the client (a code,
   * or access_denied), not when the authorization endpoint first reads it: the sign-in and consent
   * pages come back to the authorization endpoint with the same request_uri (and a person may
   * reload them), and RFC 9126 §7.3 allows such repeats. Single use is what matters: one request,
   * one code. Of two answers racing (two tabs), the second is refused.
   */
  private async usePushedRequest(request: AuthorizationRequest): Promise<void> {
    if (request.pushed === undefined || (await this.pushedRequests.consume(request.pushed))) return;
    throw new RedirectToClient(new InvalidRequestUri('The request_uri was used already: push the request again'), request.redirectUri, request.state, request.issuer, request.responseMode);
  }

  /**
   * Polar's organization token: tied to the organization the user picked, with the scopes their
   * role there gives them. Remembered consent does not apply: it was given for the user.
   */
  private async approveForOrganization(request: AuthorizationRequest, session: BrowserSession, organizationName: unknown): Promise<AuthorizationResponse> {
    const organization = (await this.pickableOrganizations(request, session.user)).find((candidate) => candidate.name === organizationName);
    if (!organization) throw new PageError(400, 'Pick an organization', 'Choose one of your organizations for this application to act for.');
    const scopes = this.policy.scopesUserMayGrant(await this.heldIn(session.user, organization), request.scopes);
    if (scopes.length === 0) {
      throw new RedirectToClient(new AccessDenied(`Your role in ${organization.name} gives none of the requested scopes`), request.redirectUri, request.state, request.issuer, request.responseMode);
    }
    return this.issueCode(request, session, scopes, organization.id);
  }

  /** The user's organizations an organization token of this client can be tied to: the client's own, or any for a built-in organization's app. */
  private async pickableOrganizations(request: AuthorizationRequest, user: UserRecord): Promise<OrganizationRecord[]> {
    const candidates = await Promise.all([...user.roles.keys()].map((id) => this.organizations.findById(id)));
    return candidates.filter(
      (organization): organization is OrganizationRecord => organization !== undefined && organization.oauthEnabled && (request.organization.builtIn || organization.id === request.organization.id),
    );
  }

  /** What the user's role in the organization lets them grant now; undefined for a non-member. */
  private async heldIn(user: UserRecord, organization: OrganizationRecord): Promise<ReadonlySet<string> | undefined> {
    const role = roleIn(user, organization);
    return role === undefined ? undefined : this.roles.userScopesOfRole(organization.id, role);
  }

  private async grantableScopes(request: AuthorizationRequest, user: UserRecord): Promise<string[]> {
    const held = await this.heldIn(user, request.organization);
    if (held === undefined) {
      throw new RedirectToClient(new AccessDenied(`This account is not a member of the organization ${request.organization.name}`), request.redirectUri, request.state, request.issuer, request.responseMode);
    }
    const scopes = this.policy.scopesUserMayGrant(held, request.scopes);
    if (scopes.length === 0) {
      throw new RedirectToClient(new AccessDenied('None of the requested scopes is available to this account'), request.redirectUri, request.state, request.issuer, request.responseMode);
    }
    return scopes;
  }

  private async issueCode(request: AuthorizationRequest, session: BrowserSession, scopes: readonly string[], tokenOrganizationId = request.organization.id): Promise<AuthorizationResponse> {
    await this.usePushedRequest(request);
    const code = await this.codes.issue({
      clientId: request.client.id,
      userId: session.user.id,
      organizationId: tokenOrganizationId,
      subjectType: request.subjectType,
      redirectUri: request.redirectUri,
      scopes,
      codeChallenge: request.codeChallenge,
      nonce: request.nonce,
      authTime: session.authTime,
      resource: request.resource,
      dpopJkt: request.dpopJkt,
    });
    // RFC 9207's iss tells the client which server answered (mix-up attacks).
    return new AuthorizationResponse(request.redirectUri, { code, ...(request.state !== undefined && { state: request.state }), iss: request.issuer }, request.responseMode);
  }
}
