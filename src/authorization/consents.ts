import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { type Actor } from '../audit/actor.js';
import { UnitOfWork } from '../audit/unit-of-work.js';
import { OAuthClientEntity } from '../clients/entities/oauth-client.entity.js';
import { ConsentEntity } from './entities/consent.entity.js';
import { RefreshTokens } from './refresh-tokens.js';
import { Clock } from '../common/clock.js';

export interface ConsentSummary {
  readonly clientId: string;
  readonly clientName: string;
  readonly scopes: readonly string[];
  readonly grantedAt: Date;
}

/** What each user has allowed each client, remembered so that only new scopes are asked again; and taken back. */
@Injectable()
export class Consents {
  constructor(
    @InjectRepository(ConsentEntity) private readonly repository: Repository<ConsentEntity>,
    @InjectRepository(OAuthClientEntity) private readonly clients: Repository<OAuthClientEntity>,
    private readonly refreshTokens: RefreshTokens,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async scopesAllowed(userId: string, clientId: string): Promise<ReadonlySet<string>> {
    return new Set((await this.repository.findOneBy({ userId, clientId }))?.scopes ?? []);
  }

  async remember(userId: string, clientId: string, scopes: readonly string[]): Promise<void> {
    const now = this.clock.date();
    const existing = await this.repository.findOneBy({ userId, clientId });
    const remembered = [...new Set([...(existing?.scopes ?? []), ...scopes])];
    if (existing) await this.repository.update({ userId, clientId }, { scopes: remembered, updatedAt: now });
    else await this.repository.insert({ userId, clientId, scopes: remembered, createdAt: now, updatedAt: now });
  }

  async list(userId: string): Promise<ConsentSummary[]> {
    const rows = await this.repository.find({ where: { userId }, order: { updatedAt: 'DESC' } });
    const clients = new Map((await Promise.all(rows.map((row) => this.clients.findOneBy({ id: row.clientId })))).flatMap((client) => (client ? [[client.id, client.name ?? client.id] as const] : [])));
    return rows.map((row) => ({ clientId: row.clientId, clientName: clients.get(row.clientId) ?? row.clientId, scopes: row.scopes, grantedAt: row.createdAt }));
  }

  /**
   * The user takes back what they allowed a client: the consent goes, and so do the refresh
   * tokens (and their access tokens) the client holds for them, on every server process.
   */
  async revoke(userId: string, clientId: string, actor: Actor): Promise<boolean> {
    const existing = await this.repository.findOneBy({ userId, clientId });
    if (!existing) return false;
    // The client's organization: its administrators see in the audit trail that access was taken back.
    const organizationId = (await this.clients.findOneBy({ id: clientId }))?.organizationId ?? null;
    await this.unitOfWork.run(actor, async (change) => {
      await change.manager.delete(ConsentEntity, { userId, clientId });
      await change.audit({ action: 'consent.revoked', targetType: 'consent', targetId: clientId, organizationId, details: { user_id: userId, scopes: existing.scopes } });
    });
    await this.refreshTokens.revokeGrant(userId, clientId, actor);
    return true;
  }
}
