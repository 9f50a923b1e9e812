import { Injectable } from '@nestjs/common';
import { type UserRecord } from '../auth/user-directory.js';
import { RedirectToClient } from '../common/errors/authorization-errors.js';
import { AccessDenied, ConsentRequired, LoginRequired } from '../common/errors/oauth-errors.js';
import { MEMBER_ROLE, userScopesOfRole } from '../scopes/permissions.js';
import { AuthorizationCodes } from './authorization-codes.js';
import { type AuthorizationRequest } from './authorization-request.js';
import { type BrowserSession } from './browser-sessions.js';
import { Consents } from './consents.js';

export type AuthorizationStep =
  | { readonly next: 'sign-in' }
  | { readonly next: 'consent'; readonly scopes: readonly string[] }
  | { readonly next: 'redirect'; readonly location: string };

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
  ) {}

  async next(request: AuthorizationRequest, session: BrowserSession | undefined, { justSignedIn = false } = {}): Promise<AuthorizationStep> {
    const refuse = (reason: ConstructorParameters<typeof RedirectToClient>[0]) => new RedirectToClient(reason, request.redirectUri, request.state, request.issuer);
    if (!session || (request.prompt === 'login' && !justSignedIn)) {
      if (request.prompt === 'none') throw refuse(new LoginRequired('Nobody is signed in'));
      return { next: 'sign-in' };
    }
    const scopes = this.grantableScopes(request, session.user);
    const consented = await this.consents.scopesAllowed(session.user.id, request.client.id);
    if (request.prompt !== 'consent' && scopes.every((scope) => consented.has(scope))) {
      return { next: 'redirect', location: await this.issueCode(request, session, scopes) };
    }
    if (request.prompt === 'none') throw refuse(new ConsentRequired('The user has not consented to this client yet'));
    return { next: 'consent', scopes };
  }

  /** The user said Allow: remember it, and send them back with a code. */
  async approve(request: AuthorizationRequest, session: BrowserSession): Promise<string> {
    const scopes = this.grantableScopes(request, session.user);
    await this.consents.remember(session.user.id, request.client.id, scopes);
    return this.issueCode(request, session, scopes);
  }

  deny(request: AuthorizationRequest): never {
    throw new RedirectToClient(new AccessDenied('The user denied the request'), request.redirectUri, request.state, request.issuer);
  }

  private grantableScopes(request: AuthorizationRequest, user: UserRecord): string[] {
    // Anyone may use the built-in organization's apps; another organization's apps serve its members.
    const role = user.roles.get(request.organization.id) ?? (request.organization.builtIn ? MEMBER_ROLE : undefined);
    if (role === undefined) {
      throw new RedirectToClient(new AccessDenied(`This account is not a member of the organization ${request.organization.name}`), request.redirectUri, request.state, request.issuer);
    }
    const held = userScopesOfRole(role);
    const scopes = request.scopes.filter((scope) => held.has(scope));
    if (scopes.length === 0) {
      throw new RedirectToClient(new AccessDenied('None of the requested scopes is available to this account'), request.redirectUri, request.state, request.issuer);
    }
    return scopes;
  }

  private async issueCode(request: AuthorizationRequest, session: BrowserSession, scopes: readonly string[]): Promise<string> {
    const code = await this.codes.issue({
      clientId: request.client.id,
      userId: session.user.id,
      organizationId: request.organization.id,
      subjectType: 'user',
      redirectUri: request.redirectUri,
      scopes,
      codeChallenge: request.codeChallenge,
      nonce: request.nonce,
      authTime: session.authTime,
    });
    const location = new URL(request.redirectUri);
    location.searchParams.set('code', code);
    if (request.state !== undefined) location.searchParams.set('state', request.state);
    // RFC 9207: tells the client which server answered (mix-up attacks).
    location.searchParams.set('iss', request.issuer);
    return location.toString();
  }
}
