import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { type ClientRecord } from '../auth/client-directory.js';
import { type OrganizationRecord } from '../auth/organization-directory.js';
import { UserDirectory, type UserRecord } from '../auth/user-directory.js';
import { RefreshTokens } from '../authorization/refresh-tokens.js';
import { InvalidGrant } from '../common/errors/oauth-errors.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { AccessTokenIssuer } from './access-token.issuer.js';
import { type TokenResponseDto } from './dto/token-response.dto.js';
import { IdTokenIssuer } from './id-token.issuer.js';

/**
 * The tokens a client gets for a user (authorization code and refresh token grants): an access
 * token whose `sub` is the user, a rotated refresh token of the same family, and an ID token when
 * `openid` was granted. Polar's response fields, plus Keycloak's.
 */
@Injectable()
export class UserTokens {
  constructor(
    private readonly accessTokens: AccessTokenIssuer,
    private readonly idTokens: IdTokenIssuer,
    private readonly refreshTokens: RefreshTokens,
    private readonly users: UserDirectory,
    private readonly config: GatehouseConfig,
  ) {}

  /** The user, if they may still receive tokens for this organization (not disabled, still a member, not signed out everywhere since `authTime`). */
  async activeUser(userId: string, organization: OrganizationRecord, authTime: Date): Promise<UserRecord> {
    const user = await this.users.find(userId);
    if (!user || user.disabled) throw new InvalidGrant('The user has been disabled or deleted');
    if (authTime.getTime() < user.notBefore) throw new InvalidGrant('The user changed their password or was signed out since this grant; sign in again');
    if (!user.roles.has(organization.id) && !organization.builtIn) throw new InvalidGrant(`The user is no longer a member of the organization ${organization.name}`);
    return user;
  }

  async issue(
    manager: EntityManager,
    grant: { client: ClientRecord; organization: OrganizationRecord; issuer: string; user: UserRecord; scopes: readonly string[]; nonce: string | null; authTime: Date; familyId: string },
  ): Promise<TokenResponseDto> {
    const { client, organization, user, scopes } = grant;
    const lifespanSeconds = client.accessTokenLifespan ?? organization.accessTokenLifespan ?? this.config.defaultAccessTokenLifespanSeconds;
    const access = this.accessTokens.issue({
      issuer: grant.issuer,
      clientId: client.id,
      subject: user.id,
      subjectType: 'user',
      organization,
      projectId: undefined,
      scopes,
      lifespanSeconds,
      notBefore: Math.max(client.notBefore, organization.notBefore, user.notBefore),
    });
    const refresh = await this.refreshTokens.issue(manager, {
      familyId: grant.familyId,
      clientId: client.id,
      userId: user.id,
      organizationId: organization.id,
      subjectType: 'user',
      scopes: [...scopes],
      nonce: grant.nonce,
      authTime: grant.authTime,
      accessTokenJti: access.jti,
      accessTokenExpiresAt: access.expiresAt,
    });
    return {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      expires_at: access.expiresAt.toISOString(),
      scope: scopes.join(' '),
      refresh_token: refresh.token,
      refresh_expires_in: refresh.expiresIn,
      ...(scopes.includes('openid') && {
        id_token: this.idTokens.issue({ issuer: grant.issuer, clientId: client.id, user, scopes, nonce: grant.nonce, authTime: grant.authTime, accessToken: access.token, lifespanSeconds }),
      }),
      'not-before-policy': Math.floor(Math.max(client.notBeforePolicy, organization.notBefore) / 1000),
    };
  }
}
