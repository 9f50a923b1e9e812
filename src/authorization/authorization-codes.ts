import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, IsNull, type Repository } from 'typeorm';
import { type Change, UnitOfWork } from '../audit/unit-of-work.js';
import { ExpiredRows } from '../database/expired-rows.js';
import { AuthorizationCodeEntity, type SubjectType } from './entities/authorization-code.entity.js';
import { Clock } from '../common/clock.js';

/** RFC 9700 §4.2.1 / OAuth 2.1: a code lives a few seconds; at most 60 here. */
export const AUTHORIZATION_CODE_LIFETIME_MS = 60_000;
/** Consumed and expired codes stay this long so that a replay is still recognised as one. */
const KEEP_EXPIRED_MS = 10 * 60_000;

export const codeHash = (code: string) => createHash('sha256').update(code).digest('hex');

/** Authorization codes: random, stored as SHA-256, single use, bound to client, redirect URI and PKCE challenge. */
@Injectable()
export class AuthorizationCodes {
  private readonly expired: ExpiredRows<AuthorizationCodeEntity>;

  constructor(
    @InjectRepository(AuthorizationCodeEntity) private readonly repository: Repository<AuthorizationCodeEntity>,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {
    this.expired = new ExpiredRows(repository, KEEP_EXPIRED_MS);
  }

  async issue(grant: {
    clientId: string;
    userId: string;
    organizationId: string;
    subjectType: SubjectType;
    redirectUri: string;
    scopes: readonly string[];
    codeChallenge: string | undefined;
    nonce: string | undefined;
    authTime: Date;
    resource: string | undefined;
    /** RFC 9449 §10: the DPoP key its redemption must prove. */
    dpopJkt?: string;
  }): Promise<string> {
    const code = randomBytes(32).toString('base64url');
    const now = this.clock.date();
    // No audit event, as for the user tokens it is exchanged for: it is one step of a sign-in to a client.
    await this.unitOfWork.run({ type: 'user', id: grant.userId }, ({ manager }) =>
      manager.insert(AuthorizationCodeEntity, {
        codeHash: codeHash(code),
        clientId: grant.clientId,
        userId: grant.userId,
        organizationId: grant.organizationId,
        subjectType: grant.subjectType,
        redirectUri: grant.redirectUri,
        scopes: [...grant.scopes],
        codeChallenge: grant.codeChallenge ?? null,
        nonce: grant.nonce ?? null,
        resource: grant.resource ?? null,
        dpopJkt: grant.dpopJkt ?? null,
        authTime: grant.authTime,
        expiresAt: new Date(now.getTime() + AUTHORIZATION_CODE_LIFETIME_MS),
        consumedAt: null,
        createdAt: now,
      }),
    );
    await this.expired.prune(now.getTime());
    return code;
  }

  /** The stored code, consumed or not, expired or not: the caller checks everything before it consumes. */
  async find(code: string): Promise<AuthorizationCodeEntity | undefined> {
    return (await this.repository.findOneBy({ codeHash: codeHash(code) })) ?? undefined;
  }

  /**
   * Consumes the code in the caller's transaction (the one that issues its tokens), once every
   * check has passed: false if a concurrent redemption consumed it first.
   */
  /**
   * Ends the codes issued to `clientId` for `userId` and not yet redeemed, in the caller's unit of
   * work: the user took back their consent, and a code from before must not bring the access back.
   * Redeemed ones stay, so that a replay is still recognised as one.
   */
  async endUnredeemed(change: Change, userId: string, clientId: string): Promise<void> {
    await change.manager.delete(AuthorizationCodeEntity, { userId, clientId, consumedAt: IsNull() });
  }

  async consume(manager: EntityManager, code: AuthorizationCodeEntity): Promise<boolean> {
    const result = await manager.update(AuthorizationCodeEntity, { codeHash: code.codeHash, consumedAt: IsNull() }, { consumedAt: this.clock.date() });
    return result.affected === 1;
  }
}
