import { Body, Controller, Get, HttpException, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
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
import { CreatePersonalAccessTokenDto, type PersonalAccessTokenDto } from '../personal-access-tokens/dto/personal-access-token.dto.js';
import { PersonalAccessTokensService } from '../personal-access-tokens/personal-access-tokens.service.js';
import { type BrowserSession, BrowserSessions } from './browser-sessions.js';
import { type ConsentSummary, Consents } from './consents.js';
import { type AccountConsentView, type AccountTokenView, accountPage, acceptInvitationPage, COPY_TOKEN_SCRIPT, revokeConsentPage, revokeTokenPage, type TokenForm } from './pages.js';
import { ScopeCatalog } from '../apis/scope-catalog.js';
import { OrganizationDirectory } from '../organizations/organization-directory.js';
import { SessionRoute } from '../access/route-access.js';
import { UsersService } from '../users/users.service.js';

const ACCOUNT_PATH = '/oauth2/account';
/** The name prefix of the token form's scope checkboxes. */
const PICKED_SCOPE = 'scope.';
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
    private readonly scopes: ScopeCatalog,
    private readonly organizations: OrganizationDirectory,
    private readonly users: UsersService,
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

  /** Without `confirm=yes`, the confirmation page; with it, the access is taken back. */
  @Post(`${ACCOUNT_PATH}/consents/revoke`)
  @RouteConfig(PAGE_ENDPOINT)
  async revokeConsent(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() form: Form): Promise<void> {
    const session = await this.signedIn(request, form);
    const nothing = new PageError(404, 'Nothing to revoke', 'You have not allowed this app, or already took the access back.');
    if (typeof form.client_id !== 'string') throw nothing;
    if (form.confirm !== 'yes') {
      const consent = await this.consents.find(session.user.id, form.client_id);
      if (!consent) throw nothing;
      return sendPage(reply, 200, revokeConsentPage({ csrf: this.sessions.csrfToken(request, reply), consent: (await this.describeConsents([consent]))[0]! }));
    }
    if (!(await this.consents.revoke(session.user.id, form.client_id, this.actor(request, session)))) throw nothing;
    reply.header('Cache-Control', 'no-store').redirect(ACCOUNT_PATH, 303);
  }

  @Post(`${ACCOUNT_PATH}/tokens`)
  @RouteConfig(PAGE_ENDPOINT)
  async createToken(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() form: Form): Promise<void> {
    const session = await this.signedIn(request, form);
    // The picker sends one `scope.{name}` field per box ticked (a form may not repeat a field: see
    // body-parsers); `scopes`, space-separated, is read too.
    const picked = Object.keys(form).filter((field) => field.startsWith(PICKED_SCOPE)).map((field) => field.slice(PICKED_SCOPE.length));
    const typed = typeof form.scopes === 'string' ? form.scopes.split(/\s+/).filter(Boolean) : [];
    const scopes = [...new Set([...picked, ...typed])];
    const kept: TokenForm = {
      name: typeof form.name === 'string' ? form.name.slice(0, 100) : '',
      scopes,
      days: typeof form.expires_in_days === 'string' ? form.expires_in_days.slice(0, 10) : '30',
      organization: typeof form.organization === 'string' ? form.organization : '',
    };
    const dto = plainToInstance(CreatePersonalAccessTokenDto, {
      name: form.name,
      scopes,
      expires_in_days: typeof form.expires_in_days === 'string' && /^\d+$/.test(form.expires_in_days) ? Number(form.expires_in_days) : form.expires_in_days,
      organization: form.organization,
    });
    const problems = (await validate(dto, { forbidUnknownValues: true })).flatMap((error) => Object.values(error.constraints ?? {}));
    if (scopes.length === 0) problems.unshift('Pick at least one scope.');
    // Refused: the page again, with what was typed and why, next to the form.
    if (problems.length > 0) return this.render(request, reply, session, { status: 400, form: { ...kept, error: problems.join('; ') } });
    const defaultOrganizationId = session.user.roles.keys().next().value ?? BUILT_IN_ORGANIZATION_ID;
    let created: { name: string; token: string };
    try {
      created = await this.tokens.create({ userId: session.user.id, defaultOrganizationId }, this.actor(request, session), dto);
    } catch (error) {
      if (!(error instanceof HttpException) || error.getStatus() >= 500) throw error;
      const response = error.getResponse();
      const message = typeof response === 'object' && response !== null && 'message' in response ? [response.message].flat().join('; ') : error.message;
      return this.render(request, reply, session, { status: error.getStatus(), form: { ...kept, error: message } });
    }
    await this.render(request, reply, session, { status: 201, created: { name: created.name, token: created.token } });
  }

  /** Without `confirm=yes`, the confirmation page; with it, the token is revoked. */
  @Post(`${ACCOUNT_PATH}/tokens/revoke`)
  @RouteConfig(PAGE_ENDPOINT)
  async revokeToken(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() form: Form): Promise<void> {
    const session = await this.signedIn(request, form);
    if (typeof form.id !== 'string' || !/^[0-9a-f-]{36}$/.test(form.id)) throw new PageError(400, 'Invalid request', 'No token named.');
    if (form.confirm !== 'yes') {
      const token = await this.tokens.findOwn(session.user.id, form.id);
      if (!token) throw new PageError(404, 'Nothing to revoke', 'You have no such token, or it was revoked already.');
      return sendPage(reply, 200, revokeTokenPage({ csrf: this.sessions.csrfToken(request, reply), token: (await this.describeTokens([token]))[0]! }));
    }
    await this.tokens.revoke(session.user.id, form.id, this.actor(request, session));
    reply.header('Cache-Control', 'no-store').redirect(ACCOUNT_PATH, 303);
  }

  /**
   * Where an invitation link leads: sign-in first, then the invitation it opens, naming the
   * organization, to accept or decline. Showing it spends nothing; a wrong or expired code, or
   * another account's, answers the one 404.
   */
  @Get(`${ACCOUNT_PATH}/invitations/accept`)
  @RouteConfig(PAGE_ENDPOINT)
  async invitationLink(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Query('code') code: unknown): Promise<void> {
    if (typeof code !== 'string' || !/^[A-Za-z0-9_-]{1,128}$/.test(code)) throw new PageError(400, 'Invalid request', 'The invitation link is malformed.');
    const session = await this.sessions.current(request);
    if (!session) {
      reply.header('Cache-Control', 'no-store').redirect(`/oauth2/sign-in?${new URLSearchParams({ return_to: `${ACCOUNT_PATH}/invitations/accept?code=${code}` })}`, 302);
      return;
    }
    const invitation = await this.answering(() => this.users.invitationByCode(this.actor(request, session), session.user.id, code));
    const displayName = (await this.organizations.findById(invitation.organization_id))?.displayName ?? invitation.organization;
    reply.header('Cache-Control', 'no-store');
    sendPage(reply, 200, acceptInvitationPage({ csrf: this.sessions.csrfToken(request, reply), email: session.user.email, code, invitation: { organization: invitation.organization, displayName, role: invitation.role } }));
  }

  /**
   * Accepts (`accept`, with the invitation's code or link) or declines (`decline`, no code needed)
   * an organization's invitation: the same rules as the API's.
   */
  @Post(`${ACCOUNT_PATH}/invitations/:answer`)
  @RouteConfig(PAGE_ENDPOINT)
  async answerInvitation(@Req() request: FastifyRequest, @Res() reply: FastifyReply, @Body() form: Form, @Param('answer') answer: string): Promise<void> {
    const session = await this.signedIn(request, form);
    const actor = this.actor(request, session);
    if (answer === 'accept' && typeof form.code === 'string' && form.code !== '') {
      const code = form.code;
      await this.answering(() => (typeof form.organization === 'string' ? this.users.acceptInvitation(actor, session.user.id, form.organization, code) : this.users.acceptInvitationByCode(actor, session.user.id, code)));
    } else if (answer === 'decline' && typeof form.organization === 'string') {
      const organization = form.organization;
      await this.answering(() => this.users.declineInvitation(actor, session.user.id, organization));
    } else {
      throw new PageError(400, 'Invalid request', answer === 'accept' ? 'Paste the invitation link or code that the organization gave you.' : 'No invitation named.');
    }
    reply.header('Cache-Control', 'no-store').redirect(ACCOUNT_PATH, 303);
  }

  /** The one page for every invitation that cannot be answered: none, answered already, or a wrong or expired code. */
  private async answering<T>(answer: () => Promise<T>): Promise<T> {
    try {
      return await answer();
    } catch (error) {
      if (error instanceof NotFoundException) throw new PageError(404, 'No such invitation', 'This invitation is not yours, was answered already, or its link is wrong or expired. Ask the organization for a new link.');
      if (error instanceof HttpException && error.getStatus() === 429) throw new PageError(429, 'Too many attempts', 'Too many wrong invitation codes. Try again later.');
      throw error;
    }
  }

  private async render(request: FastifyRequest, reply: FastifyReply, session: BrowserSession, outcome: { status?: number; created?: { name: string; token: string }; form?: TokenForm } = {}): Promise<void> {
    const grantable = await this.tokens.grantableScopes(session.user.id);
    sendPage(
      reply,
      outcome.status ?? 200,
      accountPage({
        csrf: this.sessions.csrfToken(request, reply),
        email: session.user.email,
        consents: await this.describeConsents(await this.consents.list(session.user.id)),
        tokens: await this.describeTokens(await this.tokens.list(session.user.id)),
        invitations: await Promise.all(
          (await this.users.invitations(session.user.id)).map(async (invitation) => ({
            organization: invitation.organization,
            displayName: (await this.organizations.findById(invitation.organization_id))?.displayName ?? invitation.organization,
            role: invitation.role,
          })),
        ),
        organizations: await Promise.all(
          grantable.map(async ({ organization, scopes }) => ({ name: organization.name, displayName: organization.displayName, scopes: await this.scopes.describe(organization.id, scopes) })),
        ),
        created: outcome.created,
        form: outcome.form,
      }),
      undefined,
      outcome.created ? [COPY_TOKEN_SCRIPT] : [],
    );
  }

  /** Consents with their scopes in words (from the catalog of the client's organization). */
  private describeConsents(consents: readonly ConsentSummary[]): Promise<AccountConsentView[]> {
    return Promise.all(
      consents.map(async (consent) => ({
        clientId: consent.clientId,
        clientName: consent.clientName,
        redirectUris: consent.redirectUris,
        grantedAt: consent.grantedAt,
        scopes: consent.organizationId === undefined ? consent.scopes.map((name) => ({ name, description: name })) : await this.scopes.describe(consent.organizationId, consent.scopes),
      })),
    );
  }

  /** Tokens with their scopes in words and their organization's display name. */
  private describeTokens(tokens: readonly PersonalAccessTokenDto[]): Promise<AccountTokenView[]> {
    return Promise.all(
      tokens.map(async (token) => {
        const organization = await this.organizations.findById(token.organization_id);
        return {
          id: token.id,
          name: token.name,
          prefix: token.token_prefix,
          organization: organization?.displayName ?? token.organization_id,
          scopes: await this.scopes.describe(token.organization_id, token.scopes),
          expiresAt: token.expires_at,
        };
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
