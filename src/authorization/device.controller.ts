import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { SessionRoute } from '../access/route-access.js';
import { ScopeCatalog } from '../apis/scope-catalog.js';
import { PAGE_ENDPOINT } from '../common/errors/http-error.filter.js';
import { sendPage } from '../common/html/page-reply.js';
import { SIGN_IN_RATE_LIMITED } from '../common/http/rate-limit.js';
import { SIGN_IN_PATH } from './authorization.controller.js';
import { type BrowserSession, BrowserSessions } from './browser-sessions.js';
import { ClientPresentation } from './client-presentation.js';
import { canonicalUserCode, DEVICE_PAGE_PATH, DeviceAuthorizations, displayedUserCode } from './device-authorizations.js';
import { type DeviceAuthorizationEntity } from './entities/device-authorization.entity.js';
import { consentPage, deviceCodePage, messagePage } from './pages.js';

type Form = Record<string, unknown>;

/** One answer for every code that cannot be answered (mistyped, unknown, expired, answered already): a guesser learns nothing. */
const WRONG_CODE = 'That code is not valid, or it has expired. Check the code your device shows, or start again on the device.';

/**
 * The /device page of the device authorization grant (RFC 8628 §3.3): a signed-in user types (or
 * confirms) the code a device shows, sees what the application asks for, and allows or denies it.
 * Nothing is approved without that last step, even when the link carried the code. Each POST looks
 * a code up, so it counts against the sign-in form's low per-address rate limit.
 */
@ApiExcludeController()
@Controller()
export class DeviceController {
  constructor(
    private readonly devices: DeviceAuthorizations,
    private readonly sessions: BrowserSessions,
    private readonly clients: ClientPresentation,
    private readonly scopes: ScopeCatalog,
  ) {}

  @Get(DEVICE_PAGE_PATH)
  @SessionRoute('The device code form: without a sign-in session it sends the browser to sign in first')
  @RouteConfig(PAGE_ENDPOINT)
  async form(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Query('user_code') typed: unknown): Promise<void> {
    const canonical = canonicalUserCode(typed);
    // Only a well-formed code travels on through the sign-in; anything else the user types again.
    const here = canonical === undefined ? DEVICE_PAGE_PATH : `${DEVICE_PAGE_PATH}?${new URLSearchParams({ user_code: displayedUserCode(canonical) })}`;
    const session = await this.sessions.current(request);
    if (!session) return void reply.header('Cache-Control', 'no-store').redirect(`${SIGN_IN_PATH}?${new URLSearchParams({ return_to: here })}`, 302);
    sendPage(reply, 200, deviceCodePage({ csrf: this.sessions.csrfToken(request, reply), userCode: canonical === undefined ? '' : displayedUserCode(canonical), userEmail: session.user.email }));
  }

  @Post(DEVICE_PAGE_PATH)
  @SessionRoute("The device code form's answers: the code, then the session user's decision, each with the session-bound CSRF token")
  @RouteConfig({ ...PAGE_ENDPOINT, ...SIGN_IN_RATE_LIMITED })
  async submit(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() form: Form): Promise<void> {
    this.sessions.checkCsrf(request, form?.csrf_token);
    const session = await this.sessions.current(request);
    if (!session) return void reply.header('Cache-Control', 'no-store').redirect(`${SIGN_IN_PATH}?${new URLSearchParams({ return_to: DEVICE_PAGE_PATH })}`, 303);
    const pending = await this.devices.pending(form.user_code);
    if (!pending) return this.wrongCode(request, reply, session, form.user_code);
    if (form.decision === undefined) return this.showConsent(request, reply, session, pending);
    if (form.decision !== 'allow' && form.decision !== 'deny') return this.showConsent(request, reply, session, pending);
    // Whoever may not be shown the consent page answers nothing, a denial included: a code read off another's screen gives an outsider no say.
    const { scopes } = await this.devices.grantable(pending, session.user);
    const actor = { type: 'user' as const, id: session.user.id, sourceIp: request.ip, requestId: String(request.id) };
    const answered =
      form.decision === 'allow'
        ? await this.devices.answer(pending, { approve: true, userId: session.user.id, authTime: session.authTime, scopes }, actor)
        : await this.devices.answer(pending, { approve: false, userId: session.user.id }, actor);
    if (!answered) return this.wrongCode(request, reply, session, form.user_code);
    if (form.decision === 'allow') return sendPage(reply, 200, messagePage('Device connected', 'You have allowed the device. Go back to it: it continues on its own. You can close this window.'));
    sendPage(reply, 200, messagePage('Request denied', 'The device was not given access. You can close this window.'));
  }

  private async showConsent(request: FastifyRequest, reply: FastifyReply, session: BrowserSession, pending: DeviceAuthorizationEntity): Promise<void> {
    const { organization, scopes, resource } = await this.devices.grantable(pending, session.user);
    const userCode = displayedUserCode(pending.userCode);
    const body = consentPage({
      csrf: this.sessions.csrfToken(request, reply),
      action: DEVICE_PAGE_PATH,
      client: await this.clients.describe(pending.clientId),
      userEmail: session.user.email,
      organizationName: organization.displayName,
      answerGoesTo: { deviceUserCode: userCode },
      returnTo: `${DEVICE_PAGE_PATH}?${new URLSearchParams({ user_code: userCode })}`,
      scopes: await this.scopes.describe(organization.id, scopes),
      parameters: { user_code: userCode },
      resource: resource === undefined ? undefined : await this.scopes.describeResource(organization.id, resource),
    });
    sendPage(reply, 200, body);
  }

  private wrongCode(request: FastifyRequest, reply: FastifyReply, session: BrowserSession, typed: unknown): void {
    const userCode = typeof typed === 'string' ? typed.slice(0, 32) : '';
    sendPage(reply, 400, deviceCodePage({ csrf: this.sessions.csrfToken(request, reply), userCode, userEmail: session.user.email, error: WRONG_CODE }));
  }
}
