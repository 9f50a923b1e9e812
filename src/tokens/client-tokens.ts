import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { type AuthContext } from '../access/auth-context.js';
import { actorOf } from '../audit/actor.js';
import { UnitOfWork } from '../audit/unit-of-work.js';
import { ClientDirectory } from '../clients/client-directory.js';
import { ClientsService } from '../clients/clients.service.js';
import { OAuthError } from '../common/errors/oauth-errors.js';
import { type IssueTokenDto } from './dto/issue-token.dto.js';
import { type TokenResponseDto } from './dto/token-response.dto.js';
import { type IssuedTokens } from './grants/grant-handler.js';
import { TokensService } from './tokens.service.js';

/**
 * Tokens issued through the clients API rather than the token endpoint. Here, not in clients/,
 * because the token endpoint authenticates clients through the clients module: the clients
 * module must not depend on the tokens module in turn.
 */
@Injectable()
export class ClientTokens {
  constructor(
    private readonly clients: ClientsService,
    private readonly directory: ClientDirectory,
    private readonly tokens: TokensService,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  /**
   * Imply Hybrid's "Download Token": a fresh token for a client, without its secret. Only for a
   * caller holding every scope the client holds (findChangeable), or it would be a way to act beyond one's own.
   */
  async issueToken(auth: AuthContext, id: string, dto: IssueTokenDto): Promise<TokenResponseDto> {
    const client = await this.clients.findChangeable(auth, id);
    if (client.disabled) throw new ConflictException(`Client ${id} is disabled`);
    const record = await this.directory.find(client.id);
    if (!record) throw new NotFoundException(`No client with id ${id}`);
    let issued: IssuedTokens;
    try {
      issued = await this.tokens.exchange(record, { grant_type: 'client_credentials', ...(dto.scope !== undefined && { scope: dto.scope }) });
    } catch (error) {
      // Same refusal as at the token endpoint, in this API's error format.
      if (error instanceof OAuthError) throw new BadRequestException(error.description);
      throw error;
    }
    await this.unitOfWork.record(actorOf(auth), { action: 'client.token_issued', targetType: 'client', targetId: client.id, organizationId: client.organizationId, details: { jti: issued.jti, scope: issued.scopes.join(' ') } });
    return issued.response;
  }
}
