import { type Change } from '../audit/unit-of-work.js';
import { RevokedTokenEntity } from './entities/revoked-token.entity.js';

export interface RevocableAccessToken {
  readonly jti: string;
  readonly clientId: string;
  readonly organizationId: string;
  readonly expiresAt: Date;
}

/**
 * Adds access tokens to `revoked_token` and announces them to every server process, inside the
 * caller's change (so with its audit events). Tokens that expired by `now` (the application clock's)
 * already need nothing.
 */
export async function revokeAccessTokens(change: Change, tokens: readonly RevocableAccessToken[], now: Date): Promise<void> {
  const live = tokens.filter((token) => token.expiresAt.getTime() > now.getTime());
  if (live.length === 0) return;
  // INSERT IGNORE / INSERT OR IGNORE: a concurrent revocation of the same token is not an error.
  await change.manager
    .createQueryBuilder()
    .insert()
    .into(RevokedTokenEntity)
    .values(live.map((token) => ({ jti: token.jti, clientId: token.clientId, organizationId: token.organizationId, expiresAt: token.expiresAt, revokedAt: now })))
    .orIgnore()
    .execute();
  for (const token of live) change.announce({ kind: 'token-revoked', subject: token.jti, expiresAt: token.expiresAt });
}
