import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, In, IsNull, type Repository } from 'typeorm';
import { type Actor } from '../audit/actor.js';
import { type Change, UnitOfWork } from '../audit/unit-of-work.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { InvalidGrant } from '../common/errors/oauth-errors.js';
import { retryOnDeadlock } from '../database/deadlock-retry.js';
import { ExpiredRows } from '../database/expired-rows.js';
import { insertIfAbsent } from '../database/insert-if-absent.js';
import { lockingRead } from '../database/row-locks.js';
import { RevokedTokenEntity } from '../revocation/entities/revoked-token.entity.js';
import { revokeAccessTokens } from '../revocation/revoke-access-tokens.js';
import { RefreshTokenEntity } from './entities/refresh-token.entity.js';
import { RevokedFamilyEntity } from './entities/revoked-family.entity.js';
import { Clock } from '../common/clock.js';

/** A recognisable prefix, so that secret scanners can find leaked refresh tokens. */
export const REFRESH_TOKEN_PREFIX = 'gat_rt_';

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export type RefreshTokenFields = Omit<RefreshTokenEntity, 'tokenHash' | 'usedAt' | 'revokedAt' | 'createdAt' | 'expiresAt' | 'client' | 'user'>;

export type RefreshOutcome =
  | { readonly outcome: 'current'; readonly token: RefreshTokenEntity }
  | { readonly outcome: 'invalid'; readonly reason: string }
  /** Spent already: presented again, it has leaked; the caller revokes its family. */
  | { readonly outcome: 'reused'; readonly token: RefreshTokenEntity };

/** The revoking transaction has found the family revoked (by a concurrent replay): it must issue nothing. */
export class FamilyRevoked extends InvalidGrant {
  constructor() {
    super('The tokens of this grant have been revoked');
  }
}

/**
 * Refresh tokens (stored as SHA-256), rotated on every use. All the tokens descending from one
 * authorization code form a family; a spent token presented again revokes the whole family
 * and the access tokens issued with it (RFC 9700 §4.14.2).
 *
 * Replays race the rightful use, so revocation and issuance are ordered through the database:
 * `revokeFamily` first writes the family's rows (waiting for any transaction issuing into it, on
 * MariaDB through the row locks, on SQLite through its single writer), then records the family
 * as revoked (`revoked_family`), then reads every token of it with a locking read; `issue` writes
 * its token, then checks that record with a locking read. Whichever commits first, either the
 * issuer sees the record and rolls back, or the revoker sees the issued token and revokes it.
 */
@Injectable()
export class RefreshTokens {
  /** Expired refresh tokens (spent or not) go as refresh tokens are used. */
  private readonly expired: ExpiredRows<RefreshTokenEntity>;
  private readonly expiredMarks: ExpiredRows<RevokedFamilyEntity>;

  constructor(
    @InjectRepository(RefreshTokenEntity) private readonly repository: Repository<RefreshTokenEntity>,
    @InjectRepository(RevokedFamilyEntity) revokedFamilies: Repository<RevokedFamilyEntity>,
    private readonly unitOfWork: UnitOfWork,
    private readonly config: GatehouseConfig,
    private readonly clock: Clock,
  ) {
    this.expired = new ExpiredRows(repository);
    this.expiredMarks = new ExpiredRows(revokedFamilies);
  }

  /**
   * Stores a new refresh token of `fields.familyId` in the caller's transaction and returns it;
   * throws `FamilyRevoked` (rolling the transaction back) if the family has been revoked.
   */
  async issue(manager: EntityManager, fields: RefreshTokenFields): Promise<{ token: string; expiresIn: number }> {
    const token = REFRESH_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const now = this.clock.date();
    await manager.insert(RefreshTokenEntity, {
      ...fields,
      scopes: [...fields.scopes],
      tokenHash: hashOf(token),
      expiresAt: new Date(now.getTime() + this.config.refreshTokenLifespanSeconds * 1000),
      usedAt: null,
      revokedAt: null,
      createdAt: now,
    });
    // After the write, with a locking read: a revocation committed meanwhile is seen here, and
    // one still running waits for this transaction (its own locking read then finds the token).
    const revoked = await lockingRead(manager.createQueryBuilder(RevokedFamilyEntity, 'family'), 'pessimistic_read').where('family.family_id = :familyId', { familyId: fields.familyId }).getExists();
    if (revoked) throw new FamilyRevoked();
    return { token, expiresIn: this.config.refreshTokenLifespanSeconds };
  }

  /** What a presented token is for `clientId`: current, invalid, or spent already (reused). Writes nothing. */
  async check(token: string, clientId: string): Promise<RefreshOutcome> {
    const row = token.startsWith(REFRESH_TOKEN_PREFIX) ? await this.repository.findOneBy({ tokenHash: hashOf(token) }) : null;
    if (!row || row.clientId !== clientId) return { outcome: 'invalid', reason: 'The refresh token is unknown or was issued to another client' };
    // A spent token is a reuse even once its family is revoked: the answer stays the same.
    if (row.usedAt) return { outcome: 'reused', token: row };
    if (row.revokedAt) return { outcome: 'invalid', reason: 'The refresh token has been revoked' };
    if (row.expiresAt.getTime() <= this.clock.now()) return { outcome: 'invalid', reason: 'The refresh token has expired' };
    return { outcome: 'current', token: row };
  }

  /** Spends `token` in the caller's transaction: false if a concurrent request spent it first (a reuse too). */
  async spend(manager: EntityManager, token: RefreshTokenEntity): Promise<boolean> {
    const result = await manager.update(RefreshTokenEntity, { tokenHash: token.tokenHash, usedAt: IsNull(), revokedAt: IsNull() }, { usedAt: this.clock.date() });
    return result.affected === 1;
  }

  /** Deletes expired refresh tokens (at most once a minute); called outside any transaction. */
  pruneExpired(): Promise<void> {
    return this.expired.prune(this.clock.now());
  }

  /**
   * Revokes every refresh token of a family and the access tokens issued with them, on every
   * server process, with an audit event, and records the family as revoked so that no
   * transaction still issuing into it can commit a live token. Revoking an already revoked
   * family writes nothing.
   */
  async revokeFamily(familyId: string, actor: Actor, action: string): Promise<void> {
    await this.expiredMarks.prune(this.clock.now());
    await retryOnDeadlock(() => this.unitOfWork.run(actor, (change) => this.revokeFamilyIn(change, familyId, action)));
  }

  /** As `revokeFamily`, in the caller's unit of work (which runs it again on a deadlock). */
  private async revokeFamilyIn(change: Change, familyId: string, action: string): Promise<void> {
    const { manager } = change;
    const now = this.clock.date();
    // The write comes first: it waits for any transaction issuing into the family.
    const revoked = await manager.update(RefreshTokenEntity, { familyId, revokedAt: IsNull() }, { revokedAt: now });
    const members = await lockingRead(manager.createQueryBuilder(RefreshTokenEntity, 'token'), 'pessimistic_write').where('token.family_id = :familyId', { familyId }).getMany();
    const first = members[0];
    if (!first) return;
    const marked = await insertIfAbsent(manager, RevokedFamilyEntity, { familyId, revokedAt: now, expiresAt: new Date(now.getTime() + this.config.refreshTokenLifespanSeconds * 1000) });
    const live = members.filter((member) => member.accessTokenExpiresAt.getTime() > now.getTime());
    const alreadyRevoked = new Set(
      live.length === 0 ? [] : (await manager.find(RevokedTokenEntity, { select: { jti: true }, where: { jti: In(live.map((member) => member.accessTokenJti)) } })).map((row) => row.jti),
    );
    const accessTokens = live.filter((member) => !alreadyRevoked.has(member.accessTokenJti));
    if ((revoked.affected ?? 0) === 0 && !marked && accessTokens.length === 0) return;
    await revokeAccessTokens(
      change,
      accessTokens.map((member) => ({ jti: member.accessTokenJti, clientId: member.clientId, organizationId: member.organizationId, expiresAt: member.accessTokenExpiresAt })),
      now,
    );
    await change.audit({ action, targetType: 'token', targetId: familyId.slice(0, 16), organizationId: first.organizationId, details: { client_id: first.clientId, user_id: first.userId, tokens: members.length } });
  }

  /**
   * Every family of one user with one client (the user took back their consent), in the caller's
   * unit of work: the consent and its tokens go together or not at all. The caller runs it again
   * on a deadlock (`retryOnDeadlock`), as `revokeFamily` does.
   */
  async revokeGrant(change: Change, userId: string, clientId: string): Promise<void> {
    const families = await change.manager
      .createQueryBuilder(RefreshTokenEntity, 'token')
      .select('DISTINCT token.family_id', 'familyId')
      .where('token.user_id = :userId AND token.client_id = :clientId', { userId, clientId })
      .getRawMany<{ familyId: string }>();
    for (const { familyId } of families) await this.revokeFamilyIn(change, familyId, 'refresh_token.revoked');
  }

  /** The family a revocation request (RFC 7009) names, if the token is the caller's. */
  async familyOf(token: string, clientId: string): Promise<string | undefined> {
    const row = token.startsWith(REFRESH_TOKEN_PREFIX) ? await this.repository.findOneBy({ tokenHash: hashOf(token) }) : null;
    return row && row.clientId === clientId ? row.familyId : undefined;
  }
}
