import { AccessPolicy } from '../access/access-policy.js';
import { Injectable } from '@nestjs/common';
import { type Actor } from '../audit/actor.js';
import { UnitOfWork } from '../audit/unit-of-work.js';
import { REFRESH_TOKEN_PREFIX, RefreshTokens } from '../authorization/refresh-tokens.js';
import { AccessTokenVerifier } from '../auth/access-token.verifier.js';
import { type ClientRecord } from '../clients/client-directory.js';
import { UnsupportedTokenType } from '../common/errors/oauth-errors.js';
import { isPersonalAccessToken } from '../personal-access-tokens/personal-access-token-format.js';
import { revokeAccessTokens } from '../revocation/revoke-access-tokens.js';
import { Clock } from '../common/clock.js';
import { TokenTargets } from './token-targets.js';

/**
 * RFC 7009. A client revokes its own tokens (the root client any). The token's `jti` goes into
 * `revoked_token` and out to every server process through the change feed, in one transaction
 * with its audit event. A token that is not valid now (unknown, malformed, expired, already
 * revoked) needs no revoking: 200 all the same (§2.2), and nothing is written.
 */
@Injectable()
export class TokenRevocation {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly unitOfWork: UnitOfWork,
    private readonly refreshTokens: RefreshTokens,
    private readonly policy: AccessPolicy,
    private readonly clock: Clock,
    private readonly targets: TokenTargets,
  ) {}

  async revoke(caller: ClientRecord, actor: Actor, token: string): Promise<void> {
    if (isPersonalAccessToken(token)) {
      throw new UnsupportedTokenType('Personal access tokens belong to a user, not a client: their owner revokes them at /api/v1/users/me/tokens');
    }
    if (token.startsWith(REFRESH_TOKEN_PREFIX)) {
      // RFC 7009 §2.1: revoking a refresh token also revokes the access tokens of its grant.
      const family = await this.refreshTokens.familyOf(token, caller.id);
      if (family !== undefined) await this.refreshTokens.revokeFamily(family, actor, 'refresh_token.revoked');
      return;
    }
    const verified = await this.verifier.verifyIfValid(token, this.targets.acceptsAudience);
    if (!verified) return;
    const { principal, claims } = verified;
    this.policy.checkRevoke(caller, principal.clientId);
    const expiresAt = new Date((claims.exp as number) * 1000);
    await this.unitOfWork.run(actor, async (change) => {
      await revokeAccessTokens(change, [{ jti: principal.tokenId, clientId: principal.clientId, organizationId: principal.organizationId, expiresAt }], this.clock.date());
      await change.audit({ action: 'token.revoked', targetType: 'token', targetId: principal.tokenId, organizationId: principal.organizationId, details: { client_id: principal.clientId } });
    });
  }
}
