import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { PageError, RedirectToClient } from '../common/errors/authorization-errors.js';
import { PAGE_ENDPOINT } from '../common/errors/http-error.filter.js';
import { sendPage } from '../common/html/page-reply.js';
import { SIGN_IN_RATE_LIMITED } from '../common/http/rate-limit.js';
import { ScopeCatalog } from '../apis/scope-catalog.js';
import { REALM_PATHS } from '../organizations/realm-paths.js';
import { UsersService } from '../users/users.service.js';
import { type AuthorizationRequest, AuthorizationRequests } from './authorization-request.js';
import { AuthorizationService } from './authorization.service.js';
import { BrowserSessions } from './browser-sessions.js';
import { ClientPresentation } from './client-presentation.js';
import { consentPage, messagePage, type SignInAsker, signInPage } from './pages.js';
import { type OrganizationRecord } from '../organizations/organization-directory.js';
import { PublicRoute, SessionRoute } from '../access/route-access.js';

export const AUTHORIZATION_ENDPOINT_PATH = '/oauth2/authorize';
/** Polar's API path for the same endpoint. */
const AUTHORIZATION_ENDPOINT_ALIASES = ['/v1/oauth2/authorize'];
export const SIGN_IN_PATH = '/oauth2/sign-in';
const REALM_AUTHORIZATION_PATHS = REALM_PATHS.map((realm) => `${realm}/protocol/openid-connect/auth`);
/** Where a sign-in may send the browser afterwards: our authorization endpoints only (no open redirect). */
const REALM_OF_PATH = /^\/(?:auth\/)?realms\/([a-z0-9][a-z0-9-]{0,63})\/protocol\/openid-connect\/auth$/;
const RETURN_TO = /^\/(oauth2\/account(\/invitations\/accept\?code=[A-Za-z0-9_-]{1,128})?$|device(\?user_code=[A-Za-z0-9-]{1,32})?$|((v1\/)?oauth2\/authorize|(auth\/)?realms\/[a-z0-9][a-z0-9-]{0,63}\/protocol\/openid-connect\/auth)\?[^\\\s]*$)/;

type Form = Record<string, unknown>;

/**
 * The browser side of the authorization code flow: the authorization endpoint (Polar's
 * /oauth2/authorize and each realm's Keycloak path), the sign-in form and the consent form.
 * Server-rendered HTML without JavaScript; errors are pages or redirects (see PAGE_ENDPOINT).
 */
@ApiExcludeController()
@Controller()
export class AuthorizationController {
  constructor(
    private readonly requests: AuthorizationRequests,
    private readonly authorization: AuthorizationService,
    private readonly sessions: BrowserSessions,
    private readonly users: UsersService,
    private readonly clients: ClientPresentation,
    private readonly scopes: ScopeCatalog,
  ) {}

  @Get([AUTHORIZATION_ENDPOINT_PATH, ...AUTHORIZATION_ENDPOINT_ALIASES, ...REALM_AUTHORIZATION_PATHS])
  @SessionRoute('The authorization endpoint: without a sign-in session it sends the browser to sign in; the consent it records is the session user\'s')
  @RouteConfig(PAGE_ENDPOINT)
  async authorize(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Query() query: Form, @Param('realm') realm?: string): Promise<void> {
    const authorization = await this.requests.parse(query, realm);
    const step = await this.authorization.next(authorization, await this.sessions.current(request));
    if (step.next === 'sign-in') return this.redirect(reply, `${SIGN_IN_PATH}?${new URLSearchParams({ return_to: request.url })}`, 302);
    if (step.next === 'redirect') return step.response.send(reply, 302);
    return this.showConsent(request, reply, authorization, step.scopes, step.organizations);
  }

  @Post([AUTHORIZATION_ENDPOINT_PATH, ...AUTHORIZATION_ENDPOINT_ALIASES, ...REALM_AUTHORIZATION_PATHS])
  @SessionRoute('The consent form\'s answer: the session user\'s decision, with the session-bound CSRF token')
  @RouteConfig(PAGE_ENDPOINT)
  async decide(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() form: Form, @Param('realm') realm?: string): Promise<void> {
    this.sessions.checkCsrf(request, form?.csrf_token);
    const authorization = await this.requests.parse(form, realm);
    const session = await this.sessions.current(request);
    if (!session) throw new PageError(401, 'Signed out', 'Your session ended before you answered. Go back to the application and start again.');
    if (form.decision === 'allow') return (await this.authorization.approve(authorization, session, form.organization)).send(reply, 303);
    if (form.decision === 'deny') await this.authorization.deny(authorization);
    throw new PageError(400, 'Invalid request', 'Choose Allow or Deny.');
  }

  @Get(SIGN_IN_PATH)
  @PublicRoute('The sign-in form: anyone may be shown it')
  @RouteConfig(PAGE_ENDPOINT)
  async signInForm(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Query('return_to') returnTo: unknown): Promise<void> {
    const target = this.returnTo(returnTo);
    await this.sendSignIn(request, reply, 200, target);
  }

  @Post(SIGN_IN_PATH)
  @PublicRoute('Signing in: checked by email and password, rate-limited and locked out after repeated failures, with the CSRF token of the form')
  @RouteConfig({ ...PAGE_ENDPOINT, ...SIGN_IN_RATE_LIMITED })
  async signIn(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() form: Form): Promise<void> {
    this.sessions.checkCsrf(request, form?.csrf_token);
    const target = this.returnTo(form.return_to);
    const email = typeof form.email === 'string' ? form.email.slice(0, 254) : '';
    const password = typeof form.password === 'string' ? form.password.slice(0, 256) : '';
    const outcome = email && password ? await this.users.authenticate(email, password, request.ip) : undefined;
    if (outcome && 'lockedForSeconds' in outcome) {
      reply.header('Retry-After', String(outcome.lockedForSeconds));
      const error = `Too many failed sign-ins for this account. Try again in ${outcome.lockedForSeconds} seconds.`;
      return this.sendSignIn(request, reply, 429, target, { email, error });
    }
    const user = outcome;
    if (!user) {
      const error = 'The email or password is incorrect.';
      return this.sendSignIn(request, reply, 401, target, { email, error });
    }
    await this.sessions.start(request, reply, user.id);
    if (target === undefined) return this.redirect(reply, '/oauth2/account', 303);
    // The password was just asked for: a `prompt=login` must not ask again.
    const next = new URL(target, 'http://gatehouse.invalid');
    if (next.searchParams.get('prompt') === 'login') next.searchParams.delete('prompt');
    this.redirect(reply, `${next.pathname}${next.search}`, 303);
  }

  @Post('/oauth2/sign-out')
  @SessionRoute('Ends the caller\'s own sign-in session, with its CSRF token')
  @RouteConfig(PAGE_ENDPOINT)
  async signOut(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() form: Form): Promise<void> {
    this.sessions.checkCsrf(request, form?.csrf_token);
    // The consent page's "not you?": sign in again, as someone else, for the same authorization request.
    const target = this.returnTo(form.return_to);
    await this.sessions.end(request, reply);
    if (target !== undefined) return this.redirect(reply, `${SIGN_IN_PATH}?${new URLSearchParams({ return_to: target })}`, 303);
    sendPage(reply, 200, messagePage('Signed out', 'You are signed out of Gatehouse.'));
  }

  private async showConsent(request: FastifyRequest, reply: FastifyReply, authorization: AuthorizationRequest, scopes: readonly string[], organizations?: readonly OrganizationRecord[]): Promise<void> {
    const session = (await this.sessions.current(request))!;
    const body = consentPage({
      csrf: this.sessions.csrfToken(request, reply),
      action: request.url.split('?')[0]!,
      client: await this.clients.describe(authorization.client.id),
      userEmail: session.user.email,
      organizationName: authorization.organization.displayName,
      answerGoesTo: { redirectUri: authorization.redirectUri },
      returnTo: request.url,
      // The client's organization defines the API scopes it can hold.
      scopes: await this.scopes.describe(authorization.client.organizationId, scopes),
      parameters: authorization.parameters,
      organizations: organizations?.map((organization) => ({ name: organization.name, displayName: organization.displayName })),
      resource: authorization.resource === undefined ? undefined : await this.scopes.describeResource(authorization.organization.id, authorization.resource),
    });
    sendPage(reply, 200, body, authorization.redirectUri);
  }

  /**
   * The application and organization a sign-in is for, when it continues a valid authorization
   * request, and the redirect URI it may end at (after the authorization endpoint redirects: the
   * form's CSP must allow it); neither for a plain sign-in, or a request the authorization
   * endpoint will show an error page for. Only a registered redirect URI: a return_to naming any
   * other would let a link choose where the page's form may lead.
   */
  private async askerOf(returnTo: string | undefined): Promise<{ asker?: SignInAsker; redirectUri?: string }> {
    if (returnTo === undefined) return {};
    const url = new URL(returnTo, 'http://gatehouse.invalid');
    const realm = REALM_OF_PATH.exec(url.pathname)?.[1];
    if (realm === undefined && !/^\/(v1\/)?oauth2\/authorize$/.test(url.pathname)) return {};
    try {
      const authorization = await this.requests.parse(Object.fromEntries(url.searchParams), realm);
      return { asker: { clientName: (await this.clients.describe(authorization.client.id)).name, organizationName: authorization.organization.displayName }, redirectUri: authorization.redirectUri };
    } catch (error) {
      if (error instanceof PageError) return {};
      // Refused back to the client: at its registered redirect URI, where the sign-in will end.
      if (error instanceof RedirectToClient) return { redirectUri: error.redirectUri };
      throw error;
    }
  }

  /** The sign-in page, for the authorization request (if any) it continues. */
  private async sendSignIn(request: FastifyRequest, reply: FastifyReply, status: number, target: string | undefined, view: { email?: string; error?: string } = {}): Promise<void> {
    const { asker, redirectUri } = await this.askerOf(target);
    sendPage(reply, status, signInPage({ csrf: this.sessions.csrfToken(request, reply), returnTo: target, ...view, asker }), redirectUri);
  }

  private returnTo(value: unknown): string | undefined {
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string' || !RETURN_TO.test(value)) throw new PageError(400, 'Invalid request', 'The sign-in link is malformed.');
    return value;
  }

  private redirect(reply: FastifyReply, location: string, status: 302 | 303): void {
    reply.header('Cache-Control', 'no-store').redirect(location, status);
  }
}
