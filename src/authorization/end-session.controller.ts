import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { UnitOfWork } from '../audit/unit-of-work.js';
import { PAGE_ENDPOINT } from '../common/errors/http-error.filter.js';
import { sendPage } from '../common/html/page-reply.js';
import { BrowserCors } from '../common/http/cors.js';
import { REALM_PATHS } from '../organizations/realm-paths.js';
import { SessionRoute } from '../access/route-access.js';
import { BrowserSessions } from './browser-sessions.js';
import { ClientPresentation } from './client-presentation.js';
import { type EndSessionRequest, EndSessionRequests } from './end-session.js';
import { logoutConfirmationPage, messagePage } from './pages.js';

/** Polar-style path and Keycloak's under each realm (discovery publishes both). */
const END_SESSION_PATHS = ['/oauth2/logout', ...REALM_PATHS.map((realm) => `${realm}/protocol/openid-connect/logout`)];

type Form = Record<string, unknown>;

/**
 * OpenID Connect RP-Initiated Logout 1.0: a client sends the browser here to end the user's
 * sign-in session, by GET or by a form POST. With an `id_token_hint` of the signed-in user the
 * session ends at once; otherwise the user is asked first (a logout link on any site must not
 * sign anyone out). Afterwards the browser goes to the client's registered post-logout redirect
 * URI with `state`, or sees a signed-out page.
 */
@ApiExcludeController()
@Controller()
export class EndSessionController {
  constructor(
    private readonly requests: EndSessionRequests,
    private readonly sessions: BrowserSessions,
    private readonly clients: ClientPresentation,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  @Get(END_SESSION_PATHS)
  // A browser app's own origin may read the answer (the list of what a public client calls).
  @BrowserCors('registered')
  @SessionRoute('RP-Initiated Logout: ends the browser\'s own session when the id_token_hint names its user, and otherwise asks that user first')
  @RouteConfig(PAGE_ENDPOINT)
  endSession(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Query() query: Form, @Param('realm') realm?: string): Promise<void> {
    return this.handle(request, reply, query, realm, false);
  }

  @Post(END_SESSION_PATHS)
  @SessionRoute('RP-Initiated Logout by form POST, and the answer to its confirmation page (with the session-bound CSRF token)')
  @RouteConfig(PAGE_ENDPOINT)
  endSessionByPost(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() form: Form, @Param('realm') realm?: string): Promise<void> {
    return this.handle(request, reply, form ?? {}, realm, true);
  }

  private async handle(request: FastifyRequest, reply: FastifyReply, parameters: Form, realm: string | undefined, post: boolean): Promise<void> {
    // The confirmation page's answer: only our own page, shown to this browser, may give it.
    const answer = post ? parameters.confirm : undefined;
    if (answer !== undefined) this.sessions.checkCsrf(request, parameters.csrf_token);
    const logout = await this.requests.parse(parameters, realm);
    const session = await this.sessions.current(request);
    if (session && answer === undefined && logout.subject !== session.user.id) {
      const body = logoutConfirmationPage({
        csrf: this.sessions.csrfToken(request, reply),
        action: request.url.split('?')[0]!,
        userEmail: session.user.email,
        clientName: logout.client ? (await this.clients.describe(logout.client.id)).name : undefined,
        parameters: logout.parameters,
      });
      return sendPage(reply, 200, body, logout.postLogoutRedirectUri);
    }
    if (session && answer === 'no') return sendPage(reply, 200, messagePage('Still signed in', 'You are still signed in to Gatehouse. You can close this page.'));
    if (session && answer !== undefined && answer !== 'yes') return sendPage(reply, 400, messagePage('Invalid request', 'Choose Sign out or Stay signed in.'));
    // Clears the cookie even when the session had already ended.
    await this.sessions.end(request, reply);
    if (session) {
      await this.unitOfWork.record(
        { type: 'user', id: session.user.id, sourceIp: request.ip, requestId: String(request.id) },
        { action: 'user.signed_out', targetType: 'user', targetId: session.user.id, organizationId: logout.client?.organizationId ?? null, details: { client_id: logout.client?.id ?? null, via: 'end_session_endpoint', confirmed: answer === 'yes' } },
      );
    }
    this.finish(reply, logout, post);
  }

  private finish(reply: FastifyReply, logout: EndSessionRequest, post: boolean): void {
    if (logout.postLogoutRedirectUri === undefined) return sendPage(reply, 200, messagePage('Signed out', 'You are signed out of Gatehouse.'));
    const location = new URL(logout.postLogoutRedirectUri);
    if (logout.state !== undefined) location.searchParams.set('state', logout.state);
    reply.header('Cache-Control', 'no-store').redirect(location.toString(), post ? 303 : 302);
  }
}
