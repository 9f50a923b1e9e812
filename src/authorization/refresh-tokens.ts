import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, IsNull, type Repository } from 'typeorm';
import { type Actor } from '../audit/actor.js';
import { AuditTrail } from '../audit/audit-trail.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { ExpiredRows } from '../database/expired-rows.js';
import { revokeAccessTokens } from '../revocation/revoke-access-tokens.js';
import { RefreshTokenEntity } from '../tokens/entities/refresh-token.entity.js';

/** A recognisable prefix, so that secret scanners can find leaked refresh tokens. */
export const REFRESH_TOKEN_PREFIX = 'gat_rt_';

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export type RefreshTokenFields = Omit<RefreshTokenEntity, 'tokenHash' | 'usedAt' | 'revokedAt' | 'createdAt' | 'expiresAt' | 'client' | 'user'>;

export type RefreshOutcome =
  | { readonly outcome: 'current'; readonly token: RefreshTokenEntity }
  | { readonly outcome: 'invalid'; readonly reason: string }
  /** Spent already: presented again, it has leaked, and its family has just been revoked. */
  | { readonly outcome: 'reused'; readonly token: RefreshTokenEntity };

/**
 * Refresh tokens (stored as SHA-256), rotated on every use. All the tokens descending from one
 * authorization code form a family; a spent token presented again revokes the whole family
 * and the access tokens issued with it (RFC 9700 §4.14.2).
 */
@Injectable()
export class RefreshTokens {
  /** Expired refresh tokens (spent or not) go as refresh tokens are used. */
  private readonly expired: ExpiredRows<RefreshTokenEntity>;

  constructor(
    @InjectRepository(RefreshTokenEntity) private readonly repository: Repository<RefreshTokenEntity>,
    private readonly audit: AuditTrail,
    private readonly config: GatehouseConfig,
  ) {
    this.expired = new ExpiredRows(repository);
  }

  /** Stores a new refresh token in the caller's transaction and returns it. */
  async issue(manager: EntityManager, fields: RefreshTokenFields): Promise<{ token: string; expiresIn: number }> {
    const token = REFRESH_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const now = new Date();
    await manager.insert(RefreshTokenEntity, {
      ...fields,
      scopes: [...fields.scopes],
      tokenHash: hashOf(token),
      expiresAt: new Date(now.getTime() + this.config.refreshTokenLifespanSeconds * 1000),
      usedAt: null,
      revokedAt: null,
      createdAt: now,
    });
    return { token, expiresIn: this.config.refreshTokenLifespanSeconds };
  }

  /** Looks a presented token up for `clientId`; a spent one triggers the revocation of its family. */
  async find(token: string, clientId: string, actor: Actor): Promise<RefreshOutcome> {
    await this.expired.prune();
    const row = token.startsWith(REFRESH_TOKEN_PREFIX) ? await this.repository.findOneBy({ tokenHash: hashOf(token) }) : null;
    if (!row || row.clientId !== clientId) return { outcome: 'invalid', reason: 'The refresh token is unknown or was issued to another client' };
    if (row.revokedAt) return { outcome: 'invalid', reason: 'The refresh token has been revoked' };
    if (row.expiresAt.getTime() <= Date.now()) return { outcome: 'invalid', reason: 'The refresh token has expired' };
    if (row.usedAt) {
      await this.revokeFamily(row.familyId, actor, 'refresh_token.reuse_detected');
      return { outcome: 'reused', token: row };
    }
    return { outcome: 'current', token: row };
  }

  /** Spends `token` in the caller's transaction: false if a concurrent request spent it first. */
  async spend(manager: EntityManager, token: RefreshTokenEntity): Promise<boolean> {
    const result = await manager.update(RefreshTokenEntity, { tokenHash: token.tokenHash, usedAt: IsNull(), revokedAt: IsNull() }, { usedAt: new Date() });
    return result.affected === 1;
  }

  /**
   * Revokes every refresh token of a family and the access tokens issued with them, on every
   * server process, with an audit event. Revoking an already revoked family changes nothing.
   */
  async revokeFamily(familyId: string, actor: Actor, action: string): Promise<void> {
    const members = await this.repository.findBy({ familyId });
    if (members.length === 0) return;
    const first = members[0]!;
    await this.audit.change(actor, async (change) => {
      await change.manager.update(RefreshTokenEntity, { familyId, revokedAt: IsNull() }, { revokedAt: new Date() });
      await revokeAccessTokens(
        change,
        members.map((member) => ({ jti: member.accessTokenJti, clientId: member.clientId, organizationId: member.organizationId, expiresAt: member.accessTokenExpiresAt })),
      );
      await change.audit({ action, targetType: 'token', targetId: familyId.slice(0, 16), organizationId: first.organizationId, details: { client_id: first.clientId, user_id: first.userId, tokens: members.length } });
    });
  }

  /** Every family of one user with one client (the user took back their consent). */
  async revokeGrant(userId: string, clientId: string, actor: Actor): Promise<void> {
    const families = await this.repository.createQueryBuilder('token').select('DISTINCT token.family_id', 'familyId').where('token.user_id = :userId AND token.client_id = :clientId', { userId, clientId }).getRawMany<{ familyId: string }>();
    for (const { familyId } of families) await this.revokeFamily(familyId, actor, 'refresh_token.revoked');
  }

  /** The family a revocation request (RFC 7009) names, if the token is the caller's. */
  async familyOf(token: string, clientId: string): Promise<string | undefined> {
    const row = token.startsWith(REFRESH_TOKEN_PREFIX) ? await this.repository.findOneBy({ tokenHash: hashOf(token) }) : null;
    return row && row.clientId === clientId ? row.familyId : undefined;
  }
}
