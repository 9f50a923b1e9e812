import { randomBytes } from 'node:crypto';
import { BadRequestException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type Repository } from 'typeorm';
import { type AuthContext } from '../auth/auth-context.js';
import { ClientDirectory } from '../auth/client-directory.js';
import { ClientSecretHasher } from '../auth/client-secret-hasher.js';
import { type PageQueryDto, PageDto } from '../common/dto/page.dto.js';
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
  ) {}

  async create(auth: AuthContext, dto: CreateClientDto): Promise<ClientCredentialsDto> {
    this.checkAssignable(auth, dto.scopes);
    const { secret, hash } = this.hasher.generate();
    const now = new Date();
    const client = this.repository.create({
      id: randomBytes(16).toString('hex'),
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

  /** Newest first; the root client is configuration, not data, and is left out (as Fides does). */
  async list(query: PageQueryDto): Promise<PageDto<ClientDto>> {
    const [clients, total] = await this.repository.findAndCount({
      where: { isRoot: false },
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: (query.page - 1) * query.size,
      take: query.size,
    });
    return PageDto.of(clients.map(ClientDto.from), total, query);
  }

  async get(id: string): Promise<ClientDto> {
    return ClientDto.from(await this.findVisible(id));
  }

  async getScopes(id: string): Promise<string[]> {
    return (await this.findVisible(id)).scopes;
  }

  async update(auth: AuthContext, id: string, dto: UpdateClientDto): Promise<ClientDto> {
    const client = await this.findChangeable(id);
    if (dto.scopes !== undefined) this.checkAssignable(auth, dto.scopes);
    const changes: Partial<OAuthClientEntity> = {
      ...(dto.name !== undefined && { name: dto.name }),
      ...(dto.description !== undefined && { description: dto.description }),
      ...(dto.scopes !== undefined && { scopes: dto.scopes }),
      ...(dto.access_token_lifespan !== undefined && { accessTokenLifespan: dto.access_token_lifespan }),
      ...(dto.disabled !== undefined && { disabled: dto.disabled }),
    };
    return ClientDto.from(await this.save(client, changes));
  }

  async setScopes(auth: AuthContext, id: string, scopes: string[]): Promise<string[]> {
    const client = await this.findChangeable(id);
    this.checkAssignable(auth, scopes);
    return (await this.save(client, { scopes })).scopes;
  }

  /** The old secret stops working at once on this process (the cache entry is dropped). */
  async regenerateSecret(id: string): Promise<ClientCredentialsDto> {
    const client = await this.findChangeable(id);
    const { secret, hash } = this.hasher.generate();
    await this.save(client, { secretHash: hash });
    return { client_id: client.id, client_secret: secret };
  }

  async delete(id: string): Promise<void> {
    const client = await this.findChangeable(id);
    await this.repository.delete({ id: client.id });
    this.directory.invalidate(client.id);
  }

  private async save(client: OAuthClientEntity, changes: Partial<OAuthClientEntity>): Promise<OAuthClientEntity> {
    const updated = { ...client, ...changes, updatedAt: new Date() };
    await this.repository.update({ id: client.id }, { ...changes, updatedAt: updated.updatedAt });
    this.directory.invalidate(client.id);
    return updated;
  }

  private async findVisible(id: string): Promise<OAuthClientEntity> {
    const client = await this.repository.findOneBy({ id });
    if (!client || client.isRoot) throw new NotFoundException(`No client with id ${id}`);
    return client;
  }

  private async findChangeable(id: string): Promise<OAuthClientEntity> {
    const client = await this.repository.findOneBy({ id });
    if (client?.isRoot) {
      throw new ForbiddenException('The root client is defined by OAUTH_ROOT_CLIENT_ID and OAUTH_ROOT_CLIENT_SECRET; it cannot be changed, disabled or deleted through the API');
    }
    if (!client) throw new NotFoundException(`No client with id ${id}`);
    return client;
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
