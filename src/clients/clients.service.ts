import { randomBytes } from 'node:crypto';
import { BadRequestException, ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { type AuthContext } from '../auth/auth-context.js';
import { ClientDirectory } from '../auth/client-directory.js';
import { ClientLockout, type LockoutStatus } from '../auth/client-lockout.js';
import { ClientSecretHasher } from '../auth/client-secret-hasher.js';
import { type PageQueryDto, PageDto } from '../common/dto/page.dto.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { ScopeRegistry } from '../scopes/scope-registry.js';
import { ClientCredentialsDto, ClientDto } from './dto/client.dto.js';
import { type CreateClientDto } from './dto/create-client.dto.js';
import { type UpdateClientDto } from './dto/update-client.dto.js';
import { OAuthClientEntity } from './entities/oauth-client.entity.js';

/** The rules of the client API. */
@Injectable()
export class ClientsService {
  constructor(
    @InjectRepository(OAuthClientEntity) private readonly repository: Repository<OAuthClientEntity>,
    private readonly hasher: ClientSecretHasher,
    private readonly directory: ClientDirectory,
    private readonly registry: ScopeRegistry,
    private readonly organizations: OrganizationsService,
    private readonly lockout: ClientLockout,
  ) {}

  async create(auth: AuthContext, dto: CreateClientDto): Promise<ClientCredentialsDto> {
    const organizationId = dto.organization === undefined ? auth.organizationId : (await this.organizations.resolve(auth, dto.organization)).id;
    this.checkAssignable(auth, dto.scopes);
    await this.checkGrantablePermissions(auth, dto.permissions ?? []);
    const id = dto.client_id ?? randomBytes(16).toString('hex');
    if (await this.repository.existsBy({ id })) throw new ConflictException(`A client with id ${id} exists already`);
    const { secret, hash } = this.hasher.generate();
    const now = new Date();
    const client = this.repository.create({
      id,
      organizationId,
      permissions: dto.permissions ?? [],
      name: dto.name ?? null,
      description: dto.description ?? null,
      secretHash: hash,
      scopes: dto.scopes,
      accessTokenLifespan: dto.access_token_lifespan ?? null,
      isRoot: false,
      disabled: false,
      createdAt: now,
      updatedAt: now,
    });
    await this.repository.insert(client);
    return { client_id: client.id, client_secret: secret };
  }

  /** Newest first, the caller's organization only (all for root); the root client is configuration, not data, and is left out (as Fides does). */
  async list(auth: AuthContext, query: PageQueryDto): Promise<PageDto<ClientDto>> {
    const [clients, total] = await this.repository.findAndCount({
      where: auth.isRoot ? { isRoot: false } : { isRoot: false, organizationId: auth.organizationId },
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: (query.page - 1) * query.size,
      take: query.size,
    });
    return PageDto.of(clients.map(ClientDto.from), total, query);
  }

  async get(auth: AuthContext, id: string): Promise<ClientDto> {
    return ClientDto.from(await this.findVisible(auth, id));
  }

  async getScopes(auth: AuthContext, id: string): Promise<string[]> {
    return (await this.findVisible(auth, id)).scopes;
  }

  async getPermissions(auth: AuthContext, id: string): Promise<string[]> {
    return (await this.findVisible(auth, id)).permissions;
  }

  /** Brute-force state on this instance (counters are per instance; see ClientLockout). */
  async getLockout(auth: AuthContext, id: string): Promise<LockoutStatus> {
    const client = await this.findVisible(auth, id);
    return this.lockout.status(client.id);
  }

  async clearLockout(auth: AuthContext, id: string): Promise<void> {
    const client = await this.findVisible(auth, id);
    this.lockout.clear(client.id);
  }

  async setPermissions(auth: AuthContext, id: string, permissions: string[]): Promise<string[]> {
    const client = await this.findChangeable(auth, id);
    await this.checkGrantablePermissions(auth, permissions);
    return (await this.save(client, { permissions })).permissions;
  }

  async update(auth: AuthContext, id: string, dto: UpdateClientDto): Promise<ClientDto> {
    const client = await this.findChangeable(auth, id);
    if (dto.scopes !== undefined) this.checkAssignable(auth, dto.scopes);
    if (dto.permissions !== undefined) await this.checkGrantablePermissions(auth, dto.permissions);
    const changes: Partial<OAuthClientEntity> = {
      ...(dto.name !== undefined && { name: dto.name }),
      ...(dto.description !== undefined && { description: dto.description }),
      ...(dto.scopes !== undefined && { scopes: dto.scopes }),
      ...(dto.permissions !== undefined && { permissions: dto.permissions }),
      ...(dto.access_token_lifespan !== undefined && { accessTokenLifespan: dto.access_token_lifespan }),
      ...(dto.disabled !== undefined && { disabled: dto.disabled }),
    };
    return ClientDto.from(await this.save(client, changes));
  }

  async setScopes(auth: AuthContext, id: string, scopes: string[]): Promise<string[]> {
    const client = await this.findChangeable(auth, id);
    this.checkAssignable(auth, scopes);
    return (await this.save(client, { scopes })).scopes;
  }

  /** The old secret stops working at once on this process (the cache entry is dropped). */
  async regenerateSecret(auth: AuthContext, id: string): Promise<ClientCredentialsDto> {
    const client = await this.findChangeable(auth, id);
    const { secret, hash } = this.hasher.generate();
    await this.save(client, { secretHash: hash });
    return { client_id: client.id, client_secret: secret };
  }

  async delete(auth: AuthContext, id: string): Promise<void> {
    const client = await this.findChangeable(auth, id);
    await this.repository.delete({ id: client.id });
    this.directory.invalidate(client.id);
  }

  private async save(client: OAuthClientEntity, changes: Partial<OAuthClientEntity>): Promise<OAuthClientEntity> {
    const updated = { ...client, ...changes, updatedAt: new Date() };
    await this.repository.update({ id: client.id }, { ...changes, updatedAt: updated.updatedAt });
    this.directory.invalidate(client.id);
    return updated;
  }

  /** Clients of other organizations answer 404 exactly like ids that do not exist. */
  private async findInCallersOrganization(auth: AuthContext, id: string): Promise<OAuthClientEntity | undefined> {
    const client = await this.repository.findOneBy({ id });
    return client && (auth.isRoot || client.organizationId === auth.organizationId) ? client : undefined;
  }

  private async findVisible(auth: AuthContext, id: string): Promise<OAuthClientEntity> {
    const client = await this.findInCallersOrganization(auth, id);
    if (!client || client.isRoot) throw new NotFoundException(`No client with id ${id}`);
    return client;
  }

  private async findChangeable(auth: AuthContext, id: string): Promise<OAuthClientEntity> {
    const client = await this.findInCallersOrganization(auth, id);
    if (client?.isRoot) {
      throw new ForbiddenException('The root client is defined by OAUTH_ROOT_CLIENT_ID and OAUTH_ROOT_CLIENT_SECRET; it cannot be changed, disabled or deleted through the API');
    }
    if (!client) throw new NotFoundException(`No client with id ${id}`);
    return client;
  }

  /** Nobody grants a permission they do not hold (the root client holds them all). */
  private async checkGrantablePermissions(auth: AuthContext, permissions: string[]): Promise<void> {
    if (auth.isRoot || permissions.length === 0) return;
    const held = (await this.directory.find(auth.clientId))?.permissions ?? [];
    const notHeld = permissions.filter((permission) => !held.includes(permission));
    if (notHeld.length > 0) throw new ForbiddenException(`You cannot grant permissions you do not hold: ${notHeld.join(', ')}`);
  }

  /**
   * Scopes must exist, and a caller can only hand out scopes it holds itself (Fides's
   * `verify_client_can_assign_scopes`), so that `client:create` is not a way to escalate.
   */
  private checkAssignable(auth: AuthContext, scopes: string[]): void {
    const unknown = this.registry.unknown(scopes);
    if (unknown.length > 0) throw new BadRequestException(`Unknown scopes: ${unknown.join(', ')}`);
    const notHeld = scopes.filter((scope) => !auth.scopes.has(scope));
    if (notHeld.length > 0) throw new ForbiddenException(`You cannot assign scopes you do not hold: ${notHeld.join(', ')}`);
  }
}
