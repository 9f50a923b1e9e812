import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { AccessPolicy } from '../access/access-policy.js';
import { type AuthContext } from '../access/auth-context.js';
import { AuditEventDto, type AuditPageDto, type AuditQueryDto } from './dto/audit-event.dto.js';
import { AuditEventEntity } from './entities/audit-event.entity.js';

/** Reading the audit trail: newest first, filtered, paged by cursor (stable while events keep arriving). */
@Injectable()
export class AuditService {
  constructor(
    @InjectRepository(AuditEventEntity) private readonly repository: Repository<AuditEventEntity>,
    private readonly policy: AccessPolicy,
  ) {}

  async list(auth: AuthContext, query: AuditQueryDto): Promise<AuditPageDto> {
    const builder = this.repository.createQueryBuilder('event');
    // The root client sees every organization's events; anyone else only their own organization's.
    const organization = this.policy.listedOrganization(auth);
    if (organization !== undefined) builder.andWhere('event.organization_id = :organization', { organization });
    if (query.actor !== undefined) builder.andWhere('event.actor_id = :actor', { actor: query.actor });
    if (query.target !== undefined) builder.andWhere('event.target_id = :target', { target: query.target });
    if (query.action !== undefined) builder.andWhere('event.action = :action', { action: query.action });
    if (query.since !== undefined) builder.andWhere('event.occurred_at >= :since', { since: new Date(query.since) });
    if (query.until !== undefined) builder.andWhere('event.occurred_at < :until', { until: new Date(query.until) });
    if (query.cursor !== undefined) builder.andWhere('event.id < :cursor', { cursor: Number(query.cursor) });
    const rows = await builder
      .orderBy('event.id', 'DESC')
      .limit(query.limit + 1)
      .getMany();
    const page = rows.slice(0, query.limit);
    return { events: page.map(AuditEventDto.from), next_cursor: rows.length > query.limit ? String(page[page.length - 1].id) : null };
  }
}
