import { AccessPolicy, type Caller, PERSONAL_TOKEN_SCOPE } from '../access/access-policy.js';
import { randomUUID } from 'node:crypto';
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, type Repository } from 'typeorm';
import { type Actor } from '../audit/actor.js';
import { UnitOfWork } from '../audit/unit-of-work.js';
import { OrganizationDirectory, type OrganizationRecord } from '../organizations/organization-directory.js';
import { newPersonalAccessToken, personalAccessTokenDisplayPrefix, personalAccessTokenHash } from './personal-access-token-format.js';
import { roleIn, UserDirectory } from '../users/user-directory.js';
import { ApiDirectory } from '../apis/api-directory.js';
import { RoleDirectory } from '../roles/role-directory.js';
import { type CreatePersonalAccessTokenDto, type CreatedPersonalAccessTokenDto, PersonalAccessTokenDto } from './dto/personal-access-token.dto.js';
import { PersonalAccessTokenEntity } from './entities/personal-access-token.entity.js';
import { Clock } from '../common/clock.js';

/** Whose tokens: a user, and the organization to use when the request names none. */
export interface TokenOwner {
  readonly userId: string;
  readonly defaultOrganizationId: string;
  /**
   * The access token the request came with, through the API; none on the account page, where
   * the signed-in user acts with their whole role. A token passes on only what it holds.
   */
  readonly caller?: Caller;
}

/**
 * Personal access tokens (Polar): a user's own API credentials with a name, some of the user's
 * scopes and an expiry. Shown once, stored as SHA-256, `gat_pat_`-prefixed for secret scanners,
 * refused at once when revoked.
 */
@Injectable()
export class PersonalAccessTokensService {
  constructor(
    @InjectRepository(PersonalAccessTokenEntity) private readonly repository: Repository<PersonalAccessTokenEntity>,
    private readonly users: UserDirectory,
    private readonly organizations: OrganizationDirectory,
    private readonly unitOfWork: UnitOfWork,
    private readonly policy: AccessPolicy,
    private readonly clock: Clock,
    private readonly roles: RoleDirectory,
    private readonly apis: ApiDirectory,
  ) {}

  async create(owner: TokenOwner, actor: Actor, dto: CreatePersonalAccessTokenDto): Promise<CreatedPersonalAccessTokenDto> {
    const organization = await this.organizationFor(owner, dto.organization);
    const user = (await this.users.find(owner.userId))!;
    const role = roleIn(user, organization);
    if (role === undefined) throw new NotFoundException(`No organization named ${dto.organization}`);
    // A personal access token is a credential for Gatehouse's own API: it has no `aud`, so an
    // API's scope in it would read, to a resource server introspecting it, as a token for that API.
    const apiScopes = new Set((await this.apis.ofOrganization(organization.id)).flatMap((api) => api.scopes.map((scope) => scope.name)));
    const forApis = dto.scopes.filter((scope) => apiScopes.has(scope));
    if (forApis.length > 0) throw new BadRequestException(`A personal access token is for Gatehouse's API only; these are scopes of the organization's APIs: ${forApis.join(', ')}`);
    this.policy.checkGrantPersonalScopes(await this.roles.userScopesOfRole(organization.id, role), dto.scopes, organization, owner.caller);
    const token = newPersonalAccessToken();
    const now = this.clock.date();
    const row = this.repository.create({
      id: randomUUID(),
      userId: user.id,
      organizationId: organization.id,
      name: dto.name,
      tokenHash: personalAccessTokenHash(token),
      tokenPrefix: personalAccessTokenDisplayPrefix(token),
      scopes: dto.scopes,
      expiresAt: new Date(now.getTime() + dto.expires_in_days * 86_400_000),
      revokedAt: null,
      createdAt: now,
    });
    await this.unitOfWork.run(actor, async (change) => {
      await change.manager.insert(PersonalAccessTokenEntity, { ...row });
      await change.audit({ action: 'personal_access_token.created', targetType: 'personal-access-token', targetId: row.id, organizationId: organization.id, details: { user_id: user.id, name: row.name, scopes: row.scopes, expires_at: row.expiresAt.toISOString() } });
    });
    return { ...PersonalAccessTokenDto.from(row), token };
  }

  /** The user's tokens that have not been revoked, newest first. */
  async list(userId: string): Promise<PersonalAccessTokenDto[]> {
    const rows = await this.repository.find({ where: { userId, revokedAt: IsNull() }, order: { createdAt: 'DESC', id: 'ASC' } });
    return rows.map((row) => PersonalAccessTokenDto.from(row));
  }

  /** Refused at once here and within CHANGE_FEED_POLL_MS on every other server process. Another user's token is 404. */
  async revoke(userId: string, id: string, actor: Actor): Promise<void> {
    const row = await this.repository.findOneBy({ id, userId });
    if (!row) throw new NotFoundException(`No personal access token with id ${id}`);
    if (row.revokedAt) return;
    await this.unitOfWork.run(actor, async (change) => {
      await change.manager.update(PersonalAccessTokenEntity, { id }, { revokedAt: this.clock.date() });
      await change.audit({ action: 'personal_access_token.revoked', targetType: 'personal-access-token', targetId: id, organizationId: row.organizationId, details: { user_id: userId, name: row.name } });
      change.announce({ kind: 'personal-access-token', subject: row.tokenHash });
    });
  }

  /** One of the user's tokens not revoked (for the account page's revoke confirmation); another user's is undefined. */
  async findOwn(userId: string, id: string): Promise<PersonalAccessTokenDto | undefined> {
    const row = await this.repository.findOneBy({ id, userId, revokedAt: IsNull() });
    return row ? PersonalAccessTokenDto.from(row) : undefined;
  }

  /**
   * What the user could put in a token, by organization: their role's scopes there, less those
   * `create` refuses (token:personal, the organization's API scopes). The account page's picker.
   */
  async grantableScopes(userId: string): Promise<{ organization: OrganizationRecord; scopes: string[] }[]> {
    const user = await this.users.find(userId);
    if (!user) return [];
    const organizations = await this.organizationsOf(userId);
    return Promise.all(
      organizations.map(async (organization) => {
        const role = roleIn(user, organization);
        const held = role === undefined ? new Set<string>() : await this.roles.userScopesOfRole(organization.id, role);
        const apiScopes = new Set((await this.apis.ofOrganization(organization.id)).flatMap((api) => api.scopes.map((scope) => scope.name)));
        return { organization, scopes: [...held].filter((scope) => scope !== PERSONAL_TOKEN_SCOPE && !apiScopes.has(scope)).sort() };
      }),
    );
  }

  /** The organizations a user can make tokens for. */
  async organizationsOf(userId: string): Promise<OrganizationRecord[]> {
    const user = await this.users.find(userId);
    const found = await Promise.all([...(user?.roles.keys() ?? [])].map((id) => this.organizations.findById(id)));
    return found.filter((organization): organization is OrganizationRecord => organization !== undefined);
  }

  private async organizationFor(owner: TokenOwner, name: string | undefined): Promise<OrganizationRecord> {
    const organization = name === undefined ? await this.organizations.findById(owner.defaultOrganizationId) : await this.organizations.findByName(name);
    if (!organization) throw new NotFoundException(`No organization named ${name}`);
    return organization;
  }
}
