import { Injectable } from '@nestjs/common';
import { type Actor } from '../../audit/actor.js';
import { UnitOfWork } from '../../audit/unit-of-work.js';
import { AccessTokenVerifier, boundKeyOf, GRANTED_BY_CLAIM, ORGANIZATION_SUBJECT, PERSONAL_ACCESS_TOKEN_CLIENT, USER_SUBJECT, type VerifiedAccessToken } from '../../auth/access-token.verifier.js';
import { ClientDirectory, type ClientRecord } from '../../clients/client-directory.js';
import { RoleDirectory } from '../../roles/role-directory.js';
import { roleIn, UserDirectory } from '../../users/user-directory.js';
import { Clock } from '../../common/clock.js';
import { InvalidDpopProof, InvalidRequest, InvalidScope, InvalidTarget, InvalidToken, OAuthError, UnauthorizedClient } from '../../common/errors/oauth-errors.js';
import { type OrganizationRecord } from '../../organizations/organization-directory.js';
import { IDENTITY_SCOPE_NAMES } from '../../scopes/identity.scopes.js';
import { TOKEN_EXCHANGE_GRANT, TokenPolicy } from '../../token-policy/token-policy.js';
import { requestedResource } from '../../token-policy/token-target.js';
import { AccessTokenIssuer, type ActorClaim } from '../access-token.issuer.js';
import { epochSeconds, type TokenResponseDto } from '../dto/token-response.dto.js';
import { parseScopeParameter } from '../token-request.js';
import { TokenTargets } from '../token-targets.js';
import { type GrantContext, type GrantHandler, type GrantParameters, type IssuedTokens } from './grant-handler.js';

/** RFC 8693 §3: the one token type Gatehouse takes and issues here, its own JWT access tokens. */
export const ACCESS_TOKEN_TYPE_URI = 'urn:ietf:params:oauth:token-type:access_token';

/** The parameters this grant reads besides client authentication (RFC 8693 §2.1). */
export const parameters: GrantParameters<Required, Optional> = {
  required: ['subject_token', 'subject_token_type'],
  optional: ['actor_token', 'actor_token_type', 'audience', 'resource', 'scope', 'requested_token_type'],
};

type Required = 'subject_token' | 'subject_token_type';
type Optional = 'actor_token' | 'actor_token_type' | 'audience' | 'resource' | 'scope' | 'requested_token_type';

const PROJECT_SCOPE = /^project-(.+)$/;
/** How many actors an `act` claim may nest: each exchange by delegation adds one, and the token grows with each. */
const MAX_ACTOR_CHAIN = 8;

/** Whether the subject may hold a scope. */
type Authority = (scope: string) => boolean;
const NOTHING: Authority = () => false;

/** What a subject token may be exchanged for (see exchangeable). */
interface Exchangeable {
  /** Scopes the subject may hold and the client holds, without the project scope. */
  readonly held: string[];
  /** Those of `held` the new token may carry towards `audience`. */
  narrowed(audience: string): string[];
  /** The subject token's project scope, which the new token keeps. */
  readonly project: string | undefined;
}

/** What the audit trail keeps of an exchange, granted or refused: who and what for, never a token. */
interface ExchangeFacts {
  client_id: string;
  mode?: 'delegation' | 'impersonation';
  subject?: { sub: unknown; sub_type?: unknown; client_id: string };
  actor?: { sub: unknown; client_id: string };
  requested_audience?: string;
  requested_scopes?: string[];
  audience?: string;
  scopes?: string[];
}

/**
 * RFC 8693 token exchange: a confidential client trades a Gatehouse access token it received (the
 * subject token) for one aimed at another API of its organization, with the same or fewer scopes.
 * Only what the client's exchange policy allows: the audience, and impersonation (no actor: the
 * new token speaks for the subject) or delegation (an `actor_token`: the new token names its
 * subject in `act`, any earlier actors nested inside). The new token keeps the subject (`sub`,
 * `sub_type`, `granted_by`), its organization and project, carries scopes that the subject token,
 * the client and the target API all have, lives no longer than the subject (and actor) token,
 * and comes without a refresh token. Subject and actor tokens pass the bearer guard's checks
 * (signature, expiry, not-before, revocation, their user and client still there): one that fails
 * them, or belongs to another organization, is `invalid_request` (RFC 8693 §2.2.2). Every exchange,
 * granted or refused, is in the audit trail.
 */
@Injectable()
export class TokenExchangeGrant implements GrantHandler<Required, Optional> {
  readonly grantType = TOKEN_EXCHANGE_GRANT;
  readonly parameters = parameters;

  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly issuer: AccessTokenIssuer,
    private readonly targets: TokenTargets,
    private readonly policy: TokenPolicy,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    private readonly users: UserDirectory,
    private readonly roles: RoleDirectory,
    private readonly clients: ClientDirectory,
  ) {}

  async handle(context: GrantContext<Required, Optional>): Promise<IssuedTokens> {
    const { client, organization, params } = context;
    const facts: ExchangeFacts = { client_id: client.id, ...((params.audience ?? params.resource) !== undefined && { requested_audience: params.resource ?? params.audience }) };
    const actor: Actor = { type: 'client', id: client.id };
    let issued: IssuedTokens;
    try {
      issued = await this.exchange(context, facts);
    } catch (error) {
      if (error instanceof OAuthError) {
        await this.unitOfWork.record(actor, { action: 'token.exchange_refused', targetType: 'client', targetId: client.id, organizationId: organization.id, details: { ...facts, error: error.error, reason: error.description } });
      }
      throw error;
    }
    await this.unitOfWork.record(actor, { action: 'token.exchanged', targetType: 'token', targetId: issued.jti, organizationId: organization.id, details: { ...facts } });
    return issued;
  }

  private async exchange({ client, organization, issuer, params, dpopJkt }: GrantContext<Required, Optional>, facts: ExchangeFacts): Promise<IssuedTokens> {
    const exchangePolicy = client.tokenExchange;
    if (client.isPublic || exchangePolicy === null) throw new UnauthorizedClient('The client has no token exchange policy: an administrator must allow it the audiences it may exchange tokens for');
    if (params.requested_token_type !== undefined && params.requested_token_type !== ACCESS_TOKEN_TYPE_URI) {
      throw new InvalidRequest(`requested_token_type ${params.requested_token_type} is not supported: only ${ACCESS_TOKEN_TYPE_URI} is issued`);
    }
    checkTokenType('subject_token_type', params.subject_token_type);
    if ((params.actor_token === undefined) !== (params.actor_token_type === undefined)) throw new InvalidRequest('actor_token and actor_token_type go together (RFC 8693 §2.1)');
    if (params.actor_token_type !== undefined) checkTokenType('actor_token_type', params.actor_token_type);
    const delegation = params.actor_token !== undefined;
    facts.mode = delegation ? 'delegation' : 'impersonation';
    if (delegation ? !exchangePolicy.delegation : !exchangePolicy.impersonation) {
      throw new UnauthorizedClient(`The client's token exchange policy does not allow ${facts.mode}`);
    }
    const requested = parseScopeParameter(params.scope);
    facts.requested_scopes = requested;

    const subject = await this.verified('subject_token', params.subject_token, organization);
    // RFC 9449: a sender-constrained subject token is exchanged only for a sender-constrained one,
    // bound to the exchanging client's own key (it cannot prove the caller's), or a thief of the
    // bound token could trade it for a bearer token through any exchanging service.
    if (boundKeyOf(subject.claims) !== undefined && dpopJkt === undefined) {
      throw new InvalidDpopProof('The subject token is DPoP-bound: exchange it with a DPoP proof of your own key, to which the new token is bound');
    }
    facts.subject = { sub: subject.claims.sub, ...(subject.claims.sub_type !== undefined && { sub_type: subject.claims.sub_type }), client_id: subject.principal.clientId };
    const actorToken = params.actor_token === undefined ? undefined : await this.verified('actor_token', params.actor_token, organization);
    // A sender-constrained actor token names its actor only for whoever holds the key: the
    // request's proof must be of that key, or a copy of it would put its holder's name in `act`.
    const actorKey = actorToken === undefined ? undefined : boundKeyOf(actorToken.claims);
    if (actorKey !== undefined && actorKey !== dpopJkt) {
      throw new InvalidDpopProof("The actor token is DPoP-bound: the request's DPoP proof must be of the actor token's key");
    }
    if (actorToken) facts.actor = { sub: actorToken.claims.sub, client_id: actorToken.principal.clientId };

    const { projectId } = subject.principal;
    const exchangeable = await this.exchangeable(subject, client, organization);
    const { project } = exchangeable;
    const plainRequested = checkRequestedScopes(requested, exchangeable.held, project);
    const target = await this.targets.resolve({ organization, resource: requestedResource(params), requested: plainRequested, held: exchangeable.held, projectScoped: projectId !== undefined });
    facts.audience = target.audience;
    if (!exchangePolicy.audiences.includes(target.audience)) throw new InvalidTarget(`The client's token exchange policy does not allow the audience ${target.audience}`);
    // Towards an audience the subject token is for already, only narrower.
    const narrowed = exchangeable.narrowed(target.audience);
    checkRequestedScopes(requested, narrowed, project);
    const targetScopes = target.scopes.filter((scope) => narrowed.includes(scope));
    if (targetScopes.every((scope) => IDENTITY_SCOPE_NAMES.has(scope))) {
      throw new InvalidScope(`The subject may hold, and the client holds, no scope of ${target.audience}${narrowed.length < exchangeable.held.length ? ' beyond those the subject token carries' : ''}`);
    }
    const scopes = [...targetScopes, ...(project !== undefined ? [project] : [])];
    facts.scopes = scopes;

    // Never outliving what it was exchanged from: the subject token (and the actor's).
    const now = Math.floor(this.clock.now() / 1000);
    const remaining = Math.min(...[subject, actorToken].flatMap((token) => (token === undefined ? [] : [(token.claims.exp as number) - now])));
    const lifespanSeconds = Math.max(1, Math.min(this.targets.lifespanSeconds(target, this.policy.lifespanSeconds(client, organization)), remaining));
    const subjectType = subject.claims.sub_type;
    const grantedBy = subject.claims[GRANTED_BY_CLAIM];
    const priorActor = actorClaimOf(subject.claims.act);
    const act: ActorClaim | undefined = actorToken ? { sub: String(actorToken.claims.sub), ...(priorActor && { act: priorActor }) } : priorActor;
    if (chainLength(act) > MAX_ACTOR_CHAIN) throw new InvalidRequest(`A token can name at most ${MAX_ACTOR_CHAIN} actors one inside the other`);
    const token = await this.issuer.issue({
      issuer,
      clientId: client.id,
      subject: String(subject.claims.sub),
      ...((subjectType === USER_SUBJECT || subjectType === ORGANIZATION_SUBJECT) && { subjectType }),
      ...(subjectType === ORGANIZATION_SUBJECT && typeof grantedBy === 'string' && { grantedBy }),
      organization,
      projectId,
      audience: target.audience,
      scopes,
      lifespanSeconds,
      notBefore: this.policy.notBefore(client, organization),
      ...(act !== undefined && { actor: act }),
      // RFC 9449: an exchange made with a DPoP proof gets a token bound to the proof's key.
      jkt: dpopJkt,
    });
    const response: TokenResponseDto = {
      access_token: token.token,
      issued_token_type: ACCESS_TOKEN_TYPE_URI,
      token_type: dpopJkt === undefined ? 'Bearer' : 'DPoP',
      expires_in: token.expiresIn,
      expires_at: epochSeconds(token.expiresAt),
      scope: scopes.join(' '),
      refresh_expires_in: 0,
      'not-before-policy': this.policy.notBeforePolicy(client, organization),
    };
    return { response, jti: token.jti, expiresAt: token.expiresAt, scopes };
  }

  /**
   * A subject or actor token as the bearer guard sees it, towards any API of its organization.
   * Whatever is wrong with it (expired, revoked, another organization's, a personal access token)
   * gets the same answer: RFC 8693 §2.2.2's `invalid_request`, naming which token.
   */
  private async verified(name: 'subject_token' | 'actor_token', token: string, organization: OrganizationRecord): Promise<VerifiedAccessToken> {
    const refused = new InvalidRequest(`The ${name} is not a valid access token of this organization (unknown, expired, revoked, or issued elsewhere)`);
    let verified: VerifiedAccessToken;
    try {
      verified = await this.verifier.verify(token, this.targets.acceptsAudience);
    } catch (error) {
      if (error instanceof InvalidToken) throw refused;
      throw error;
    }
    if (verified.principal.clientId === PERSONAL_ACCESS_TOKEN_CLIENT || verified.principal.organizationId !== organization.id || typeof verified.claims.sub !== 'string') throw refused;
    return verified;
  }

  /**
   * What the subject token may be exchanged for, all of it also held by the exchanging client:
   * what its subject may hold in the organization now (a user's role, for an organization token
   * the granting user's, a client's own scopes), and, towards an audience the subject token is
   * already for, no more than it carries: there an exchange only narrows. A subject token carries
   * one API's scopes (see resolveTarget), so a bound by its `scope` alone would let it be exchanged
   * for nothing at another API. Its project scope always carries over: a project-scoped token
   * stays one.
   */
  private async exchangeable(subject: VerifiedAccessToken, client: ClientRecord, organization: OrganizationRecord): Promise<Exchangeable> {
    const { projectId } = subject.principal;
    const project = projectId === undefined ? undefined : `project-${projectId}`;
    const authority = await this.authorityOf(subject, organization);
    const held = client.scopes.filter((scope) => scope !== project && authority(scope));
    const carried = new Set(subject.principal.scopes);
    const audiences = Array.isArray(subject.claims.aud) ? (subject.claims.aud as string[]) : [subject.claims.aud as string];
    return { held, narrowed: (audience) => (audiences.includes(audience) ? held.filter((scope) => carried.has(scope)) : held), project };
  }

  /** Every scope the subject token's subject may hold in `organization` now. */
  private async authorityOf(subject: VerifiedAccessToken, organization: OrganizationRecord): Promise<Authority> {
    const { claims } = subject;
    const person = claims.sub_type === USER_SUBJECT ? claims.sub : claims.sub_type === ORGANIZATION_SUBJECT ? claims[GRANTED_BY_CLAIM] : undefined;
    if (person !== undefined) {
      // The verifier found them active and a member a moment ago.
      const user = typeof person === 'string' ? await this.users.find(person) : undefined;
      const role = user && roleIn(user, organization);
      if (role === undefined) return NOTHING;
      const scopes = await this.roles.userScopesOfRole(organization.id, role);
      return (scope) => scopes.has(scope);
    }
    const subjectClient = await this.clients.find(String(claims.sub));
    if (!subjectClient || subjectClient.disabled || subjectClient.organizationId !== organization.id) return NOTHING;
    // The root client holds every scope there is.
    return subjectClient.isRoot ? () => true : (scope) => subjectClient.scopes.includes(scope);
  }
}

function checkTokenType(name: string, value: string): void {
  if (value !== ACCESS_TOKEN_TYPE_URI) throw new InvalidRequest(`${name} ${value} is not supported: Gatehouse exchanges its own access tokens only (${ACCESS_TOKEN_TYPE_URI})`);
}

/** The `act` claim of a token Gatehouse issued: a `sub`, earlier actors nested; anything else is not one. */
function actorClaimOf(value: unknown): ActorClaim | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { sub, act } = value as { sub?: unknown; act?: unknown };
  if (typeof sub !== 'string') return undefined;
  const prior = actorClaimOf(act);
  return { sub, ...(prior && { act: prior }) };
}

/** The scopes asked for, without the subject's project scope; each must be among `held` (else `invalid_scope`: never wider than the subject token). */
function checkRequestedScopes(requested: readonly string[], held: readonly string[], project: string | undefined): string[] {
  const plain = requested.filter((scope) => scope !== project);
  const otherProject = plain.filter((scope) => PROJECT_SCOPE.test(scope));
  if (otherProject.length > 0) throw new InvalidScope(`A token exchange keeps the subject token's project, if any: ${otherProject.join(' ')} cannot be asked for`);
  const beyond = plain.filter((scope) => !held.includes(scope));
  if (beyond.length > 0) throw new InvalidScope(`The subject may not hold, or the client does not hold, or (towards the subject token's own audience) the subject token does not carry: ${beyond.join(' ')}`);
  return plain;
}

function chainLength(act: ActorClaim | undefined): number {
  return act === undefined ? 0 : 1 + chainLength(act.act);
}
