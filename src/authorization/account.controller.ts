import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { type Actor } from '../audit/actor.js';
import { PageError } from '../common/errors/authorization-errors.js';
import { PAGE_ENDPOINT } from '../common/errors/http-error.filter.js';
import { sendPage } from '../common/html/page-reply.js';
import { BUILT_IN_ORGANIZATION_ID } from '../organizations/entities/organization.entity.js';
import { CreatePersonalAccessTokenDto } from '../personal-access-tokens/dto/personal-access-token.dto.js';
import { PersonalAccessTokensService } from '../personal-access-tokens/personal-access-tokens.service.js';
import { type BrowserSession, BrowserSessions } from './browser-sessions.js';
import { Consents } from './consents.js';
import { accountPage } from './pages.js';
import { SessionRoute } from '../access/route-access.js';

const ACCOUNT_PATH = '/oauth2/account';
type Form = Record<string, unknown>;

/** The signed-in user's own page: apps they allowed (revocable) and personal access tokens. */
@ApiExcludeController()
@Controller()
@SessionRoute('The signed-in user\'s own account page: it shows and changes nothing without a sign-in session, and every POST checks the session-bound CSRF token')
export class AccountController {
  constructor(
    private readonly sessions: BrowserSessions,
    private readonly consents: Consents,
    private readonly tokens: PersonalAccessTokensService,
  ) {}

  @Get(ACCOUNT_PATH)
  @RouteConfig(PAGE_ENDPOINT)
  async show(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const session = await this.sessions.current(request);
    if (!session) {
      reply.header('Cache-Control', 'no-store').redirect(`/oauth2/sign-in?${new URLSearchParams({ return_to: ACCOUNT_PATH })}`, 302);
      return;
    }
    await this.render(request, reply, session);
  }

  @Post(`${ACCOUNT_PATH}/consents/revoke`)
  @RouteConfig(PAGE_ENDPOINT)
  async revokeConsent(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() form: Form): Promise<void> {
    const session = await this.signedIn(request, form);
    if (typeof form.client_id !== 'string' || !(await this.consents.revoke(session.user.id, form.client_id, this.actor(request, session)))) {
      throw new PageError(404, 'Nothing to revoke', 'You have not allowed this app, or already took the access back.');
    }
    reply.header('Cache-Control', 'no-store').redirect(ACCOUNT_PATH, 303);
  }

  @Post(`${ACCOUNT_PATH}/tokens`)
  @RouteConfig(PAGE_ENDPOINT)
  async createToken(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() form: Form): Promise<void> {
    const session = await this.signedIn(request, form);
    const dto = plainToInstance(CreatePersonalAccessTokenDto, {
      name: form.name,
      scopes: typeof form.scopes === 'string' ? form.scopes.split(/\s+/).filter(Boolean) : form.scopes,
      expires_in_days: typeof form.expires_in_days === 'string' && /^\d+$/.test(form.expires_in_days) ? Number(form.expires_in_days) : form.expires_in_days,
      organization: form.organization,
    });
    const problems = (await validate(dto, { forbidUnknownValues: true })).flatMap((error) => Object.values(error.constraints ?? {}));
    if (problems.length > 0) throw new PageError(400, 'The token was not created', problems.join('; '));
    const defaultOrganizationId = session.user.roles.keys().next().value ?? BUILT_IN_ORGANIZATION_ID;
    const created = await this.tokens.create({ userId: session.user.id, defaultOrganizationId }, this.actor(request, session), dto);
    await this.render(request, reply, session, { name: created.name, token: created.token });
  }

  @Post(`${ACCOUNT_PATH}/tokens/revoke`)
  @RouteConfig(PAGE_ENDPOINT)
  async revokeToken(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() form: Form): Promise<void> {
    const session = await this.signedIn(request, form);
    if (typeof form.id !== 'string' || !/^[0-9a-f-]{36}$/.test(form.id)) throw new PageError(400, 'Invalid request', 'No token named.');
    await this.tokens.revoke(session.user.id, form.id, this.actor(request, session));
    reply.header('Cache-Control', 'no-store').redirect(ACCOUNT_PATH, 303);
  }

  private async render(request: FastifyRequest, reply: FastifyReply, session: BrowserSession, created?: { name: string; token: string }): Promise<void> {
    sendPage(
      reply,
      created ? 201 : 200,
      accountPage({
        csrf: this.sessions.csrfToken(request, reply),
        email: session.user.email,
        consents: await this.consents.list(session.user.id),
        tokens: await this.tokens.list(session.user.id),
        organizations: await this.tokens.organizationsOf(session.user.id),
        created,
      }),
    );
  }

  private async signedIn(request: FastifyRequest, form: Form): Promise<BrowserSession> {
    this.sessions.checkCsrf(request, form?.csrf_token);
    const session = await this.sessions.current(request);
    if (!session) throw new PageError(401, 'Signed out', 'Sign in again to manage your account.');
    return session;
  }

  private actor(request: FastifyRequest, session: BrowserSession): Actor {
    return { type: 'user', id: session.user.id, sourceIp: request.ip, requestId: String(request.id) };
  }
}
