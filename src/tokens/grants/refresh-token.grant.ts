import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RefreshTokens } from '../../authorization/refresh-tokens.js';
import { InvalidGrant, InvalidRequest } from '../../common/errors/oauth-errors.js';
import { type TokenResponseDto } from '../dto/token-response.dto.js';
import { narrowScopes, parseScopeParameter } from '../token-request.js';
import { UserTokens } from '../user-tokens.js';
import { type GrantContext, type GrantHandler } from './grant-handler.js';

/** The parameters this grant reads besides client authentication (RFC 6749 §6). */
export const parameters: ReadonlySet<string> = new Set(['refresh_token', 'scope']);

/**
 * RFC 6749 §6 with rotation (RFC 9700 §4.14.2): each refresh token works once and is replaced by
 * a new one of its family; a spent one presented again revokes the family. `scope` may narrow,
 * never widen. Not-before pushes for the client or organization, and a user's password change,
 * end the family too.
 */
@Injectable()
export class RefreshTokenGrant implements GrantHandler {
  readonly grantType = 'refresh_token';
  readonly parameters = parameters;

  constructor(
    private readonly refreshTokens: RefreshTokens,
    private readonly userTokens: UserTokens,
    private readonly dataSource: DataSource,
  ) {}

  async handle({ client, organization, issuer, params }: GrantContext): Promise<TokenResponseDto> {
    if (!params.refresh_token) throw new InvalidRequest('The refresh_token parameter is missing');
    const found = await this.refreshTokens.find(params.refresh_token, client.id, { type: 'client', id: client.id });
    if (found.outcome === 'invalid') throw new InvalidGrant(found.reason);
    if (found.outcome === 'reused') throw new InvalidGrant('The refresh token has been used already; every token of its family is now revoked');
    const { token } = found;
    const subject = await this.userTokens.subjectOf(token, organization);
    if (token.createdAt.getTime() < Math.max(client.notBefore, organization.notBefore, subject.organization.notBefore)) throw new InvalidGrant('The refresh token has been revoked by a not-before push');
    const scopes = narrowScopes(token.scopes, parseScopeParameter(params.scope));
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.refreshTokens.spend(manager, token))) throw new InvalidGrant('The refresh token has been used already');
      return this.userTokens.issue(manager, { client, issuer, subject, scopes, nonce: token.nonce, authTime: token.authTime, familyId: token.familyId });
    });
  }
}
