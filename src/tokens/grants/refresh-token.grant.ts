import { Injectable } from '@nestjs/common';
import { type Actor } from '../../audit/actor.js';
import { UnitOfWork } from '../../audit/unit-of-work.js';
import { retryOnDeadlock } from '../../database/deadlock-retry.js';
import { RefreshTokens } from '../../authorization/refresh-tokens.js';
import { InvalidGrant } from '../../common/errors/oauth-errors.js';
import { TokenPolicy } from '../../token-policy/token-policy.js';
import { narrowScopes, parseScopeParameter } from '../token-request.js';
import { UserTokens } from '../user-tokens.js';
import { requestedResource } from '../../token-policy/token-target.js';
import { TokenTargets } from '../token-targets.js';
import { checkBoundKey, type GrantContext, type GrantHandler, type GrantParameters, type IssuedTokens } from './grant-handler.js';

/** The parameters this grant reads besides client authentication (RFC 6749 §6). */
export const parameters: GrantParameters<'refresh_token', Optional> = { required: ['refresh_token'], optional: ['scope', 'resource', 'audience'] };

type Optional = 'scope' | 'resource' | 'audience';

/**
 * RFC 6749 §6 with rotation (RFC 9700 §4.14.2): each refresh token works once and is replaced by
 * a new one of its family; a spent one presented again revokes the family. `scope` may narrow,
 * never widen; `resource` (RFC 8707) picks which of the grant's APIs the access token is for
 * (never one outside the grant: see resolveForGrant), while the new refresh token keeps the whole grant. Not-before pushes for the client or organization, and a user's password change,
 * end the family too.
 */
@Injectable()
export class RefreshTokenGrant implements GrantHandler<'refresh_token', Optional> {
  readonly grantType = 'refresh_token';
  readonly parameters = parameters;

  constructor(
    private readonly refreshTokens: RefreshTokens,
    private readonly userTokens: UserTokens,
    private readonly unitOfWork: UnitOfWork,
    private readonly policy: TokenPolicy,
    private readonly targets: TokenTargets,
  ) {}

  async handle({ client, organization, issuer, params, dpopJkt }: GrantContext<'refresh_token', Optional>): Promise<IssuedTokens> {
    await this.refreshTokens.pruneExpired();
    const checked = await this.refreshTokens.check(params.refresh_token, client.id);
    if (checked.outcome === 'invalid') throw new InvalidGrant(checked.reason);
    const actor: Actor = { type: 'client', id: client.id };
    // A bound token's key is proven before anything else, a reuse included: a copy presented without
    // the key must not revoke the rightful client's family.
    checkBoundKey(checked.token.dpopJkt, dpopJkt, 'refresh token');
    if (checked.outcome === 'reused') return this.reuseDetected(checked.token.familyId, actor);
    const { token } = checked;
    const subject = await this.userTokens.subjectOf(token, organization);
    if (token.createdAt.getTime() < this.policy.notBefore(client, organization, subject.organization.notBefore)) throw new InvalidGrant('The refresh token has been revoked by a not-before push');
    const requested = parseScopeParameter(params.scope);
    const scopes = this.userTokens.scopesFor(subject, narrowScopes(token.scopes, requested), client);
    const target = await this.targets.resolveForGrant({ organization: subject.organization, grantResource: token.resource, resource: requestedResource(params), requested, held: scopes });
    const issued = await retryOnDeadlock(() =>
      this.unitOfWork.run(actor, async ({ manager }) => {
        // Spent by a concurrent request between the check and now: that is a reuse as well (below, once this has ended).
        if (!(await this.refreshTokens.spend(manager, token))) return undefined;
        return this.userTokens.issue(manager, { client, issuer, subject, scopes, target, resource: token.resource, nonce: token.nonce, authTime: token.authTime, familyId: token.familyId, dpopJkt });
      }),
    );
    return issued ?? this.reuseDetected(token.familyId, actor);
  }

  private async reuseDetected(familyId: string, actor: Actor): Promise<never> {
    await this.refreshTokens.revokeFamily(familyId, actor, 'refresh_token.reuse_detected');
    throw new InvalidGrant('The refresh token has been used already; every token of its family is now revoked');
  }
}
