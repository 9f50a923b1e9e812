import { Injectable } from '@nestjs/common';
import { type ClientRecord } from '../auth/client-directory.js';
import { UnsupportedGrantType } from '../common/errors/oauth-errors.js';
import { type TokenResponseDto } from './dto/token-response.dto.js';
import { ClientCredentialsGrant } from './grants/client-credentials.grant.js';
import { type GrantHandler } from './grants/grant-handler.js';
import { type TokenRequestParams } from './token-request.js';

/** Sends each token request to the handler of its grant type. */
@Injectable()
export class TokensService {
  private readonly grants: ReadonlyMap<string, GrantHandler>;

  constructor(clientCredentials: ClientCredentialsGrant) {
    this.grants = new Map([clientCredentials].map((grant) => [grant.grantType, grant]));
  }

  get grantTypes(): string[] {
    return [...this.grants.keys()];
  }

  async exchange(client: ClientRecord, params: TokenRequestParams): Promise<TokenResponseDto> {
    const grant = this.grants.get(params.grant_type);
    if (!grant) throw new UnsupportedGrantType(`Unsupported grant_type ${JSON.stringify(params.grant_type)}; supported: ${this.grantTypes.join(', ')}`);
    return grant.handle(client, params);
  }
}
