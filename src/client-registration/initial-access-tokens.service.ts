import { randomUUID } from 'node:crypto';
import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { AccessPolicy } from '../access/access-policy.js';
import { type AuthContext } from '../access/auth-context.js';
import { ScopeCatalog } from '../apis/scope-catalog.js';
import { actorOf } from '../audit/actor.js';
import { UnitOfWork } from '../audit/unit-of-work.js';
import { Clock } from '../common/clock.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { CreatedInitialAccessTokenDto, type CreateInitialAccessTokenDto, InitialAccessTokenDto } from './dto/initial-access-token.dto.js';
import { InitialAccessTokenEntity } from './entities/initial-access-token.entity.js';
import { INITIAL_ACCESS_TOKEN_PREFIX, newToken, tokenDisplayPrefix, tokenHash } from './registration-token-format.js';

/**
 * RFC 7591 initial access tokens: an administrator hands one to a developer, who registers a
 * limited number of clients with it, in the administrator's organization, with at most its
 * scopes (which the administrator must hold). Shown once, stored as SHA-256.
 */
@Injectable()
export class InitialAccessTokensService {
  constructor(
    @InjectRepository(InitialAccessTokenEntity) private readonly repository: Repository<InitialAccessTokenEntity>,
    private readonly organizations: OrganizationsService,
    private readonly catalog: ScopeCatalog,
    private readonly policy: AccessPolicy,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  async create(auth: AuthContext, dto: CreateInitialAccessTokenDto): Promise<CreatedInitialAccessTokenDto> {
    const organizationId = dto.organization === undefined ? auth.organizationId : (await this.organizations.resolve(auth, dto.organization)).id;
    const unknown = await this.catalog.unknown(organizationId, dto.scopes);
    if (unknown.length > 0) throw new BadRequestException(`Unknown scopes: ${unknown.join(', ')}`);
    this.policy.checkGrantScopes(auth, dto.scopes);
    const token = newToken(INITIAL_ACCESS_TOKEN_PREFIX);
    const now = this.clock.date();
    const row = this.repository.create({
      id: randomUUID(),
      organizationId,
      name: dto.name,
      tokenHash: tokenHash(token),
      tokenPrefix: tokenDisplayPrefix(token),
      scopes: dto.scopes,
      maxUses: dto.max_uses ?? 1,
      uses: 0,
      expiresAt: new Date(now.getTime() + (dto.expires_in ?? 86_400) * 1000),
      revokedAt: null,
      createdAt: now,
    });
    await this.unitOfWork.run(actorOf(auth), async (change) => {
      await change.manager.insert(InitialAccessTokenEntity, { ...row });
      await change.audit({ action: 'initial_access_token.created', targetType: 'initial-access-token', targetId: row.id, organizationId, details: { name: row.name, scopes: row.scopes, max_uses: row.maxUses, expires_at: row.expiresAt.toISOString() } });
    });
    return { ...InitialAccessTokenDto.from(row), token };
  }

  /** Those not revoked, newest first: the caller's organization (every one for the root client). */
  async list(auth: AuthContext): Promise<InitialAccessTokenDto[]> {
    const rows = await this.repository.find({ where: { revokedAt: IsNull(), ...this.policy.listFilter(auth) }, order: { createdAt: 'DESC', id: 'ASC' } });
    return rows.map((row) => InitialAccessTokenDto.from(row));
  }

  /** No more registrations with it; clients it registered stay. Another organization's is 404. */
  async revoke(auth: AuthContext, id: string): Promise<void> {
    const row = this.policy.checkSees(auth, (await this.repository.findOneBy({ id, revokedAt: IsNull() })) ?? undefined, `No initial access token with id ${id}`);
    await this.unitOfWork.run(actorOf(auth), async (change) => {
      await change.manager.update(InitialAccessTokenEntity, { id }, { revokedAt: this.clock.date() });
      await change.audit({ action: 'initial_access_token.revoked', targetType: 'initial-access-token', targetId: id, organizationId: row.organizationId, details: { name: row.name } });
    });
  }
}

