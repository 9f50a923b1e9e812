import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { type Actor } from '../audit/actor.js';
import { type Change, UnitOfWork } from '../audit/unit-of-work.js';
import { ClientDirectory } from '../clients/client-directory.js';
import { retryOnDeadlock } from '../database/deadlock-retry.js';
import { ConsentEntity } from './entities/consent.entity.js';
import { DeviceAuthorizationEntity } from './entities/device-authorization.entity.js';
import { AuthorizationCodes } from './authorization-codes.js';
import { RefreshTokens } from './refresh-tokens.js';
import { Clock } from '../common/clock.js';

export interface ConsentSummary {
  readonly clientId: string;
  readonly clientName: string;
  /** The client's organization (its API scopes' descriptions) and redirect URIs; absent for a client deleted since. */
  readonly organizationId: string | undefined;
  readonly redirectUris: readonly string[];
  readonly scopes: readonly string[];
  readonly grantedAt: Date;
}

/** What each user has allowed each client, remembered so that only new scopes are asked again; and taken back. */
@Injectable()
export class Consents {
  constructor(
    @InjectRepository(ConsentEntity) private readonly repository: Repository<ConsentEntity>,
    private readonly clients: ClientDirectory,
    private readonly refreshTokens: RefreshTokens,
    private readonly codes: AuthorizationCodes,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  /** What the user allowed one client, for the revoke confirmation; undefined when nothing. */
  async find(userId: string, clientId: string): Promise<ConsentSummary | undefined> {
    const row = await this.repository.findOneBy({ userId, clientId });
    return row ? (await this.summaries([row]))[0] : undefined;
  }

  async scopesAllowed(userId: string, clientId: string): Promise<ReadonlySet<string>> {
    return new Set((await this.repository.findOneBy({ userId, clientId }))?.scopes ?? []);
  }

  /** The user allowed `clientId` these scopes (on top of those allowed before). */
  async remember(userId: string, clientId: string, scopes: readonly string[]): Promise<void> {
    const organizationId = (await this.clients.find(clientId))?.organizationId ?? null;
    await this.unitOfWork.run({ type: 'user', id: userId }, (change) => this.rememberIn(change, { userId, clientId, organizationId }, scopes));
  }

  /** As `remember`, in the caller's unit of work (the device flow records the consent with its approval). */
  async rememberIn(change: Change, grant: { userId: string; clientId: string; organizationId: string | null }, scopes: readonly string[]): Promise<void> {
    const { userId, clientId, organizationId } = grant;
    const now = this.clock.date();
    const existing = await change.manager.findOneBy(ConsentEntity, { userId, clientId });
    const remembered = [...new Set([...(existing?.scopes ?? []), ...scopes])];
    if (existing) await change.manager.update(ConsentEntity, { userId, clientId }, { scopes: remembered, updatedAt: now });
    else await change.manager.insert(ConsentEntity, { userId, clientId, scopes: remembered, createdAt: now, updatedAt: now });
    await change.audit({ action: 'consent.granted', targetType: 'consent', targetId: clientId, organizationId, details: { user_id: userId, scopes: remembered } });
  }

  async list(userId: string): Promise<ConsentSummary[]> {
    return this.summaries(await this.repository.find({ where: { userId }, order: { updatedAt: 'DESC' } }));
  }

  private async summaries(rows: readonly ConsentEntity[]): Promise<ConsentSummary[]> {
    const clients = await this.clients.presentations(rows.map((row) => row.clientId));
    return rows.map((row) => {
      const client = clients.get(row.clientId);
      return { clientId: row.clientId, clientName: client?.name ?? row.clientId, organizationId: client?.organizationId, redirectUris: client?.redirectUris ?? [], scopes: row.scopes, grantedAt: row.createdAt };
    });
  }

  /**
   * The user takes back what they allowed a client: the consent goes, and so do the codes not yet
   * redeemed and the refresh tokens (and their access tokens) the client holds for them, on every
   * server process. One
   * unit of work: a failure part way leaves the consent and every token as they were.
   */
  async revoke(userId: string, clientId: string, actor: Actor): Promise<boolean> {
    // The client's organization: its administrators see in the audit trail that access was taken back.
    const organizationId = (await this.clients.find(clientId))?.organizationId ?? null;
    return retryOnDeadlock(() =>
      this.unitOfWork.run(actor, async (change) => {
        // First, and a locking write: a redemption of one of these codes in progress finishes before
        // the reads below, so that the token family it issues is among those revoked.
        await this.codes.endUnredeemed(change, userId, clientId);
        // A device approved but not yet redeemed would otherwise bring the access back too.
        await change.manager.delete(DeviceAuthorizationEntity, { userId, clientId, consumedAt: IsNull() });
        const existing = await change.manager.findOneBy(ConsentEntity, { userId, clientId });
        if (!existing) return false;
        // A concurrent revocation that deleted it first has done (or is doing) the rest.
        if (((await change.manager.delete(ConsentEntity, { userId, clientId })).affected ?? 0) === 0) return false;
        await change.audit({ action: 'consent.revoked', targetType: 'consent', targetId: clientId, organizationId, details: { user_id: userId, scopes: existing.scopes } });
        await this.refreshTokens.revokeGrant(change, userId, clientId);
        return true;
      }),
    );
  }
}
