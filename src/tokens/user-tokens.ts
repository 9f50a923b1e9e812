import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { type ClientRecord } from '../auth/client-directory.js';
import { OrganizationDirectory, type OrganizationRecord } from '../auth/organization-directory.js';
import { roleIn, UserDirectory, type UserRecord } from '../auth/user-directory.js';
import { type SubjectType } from '../authorization/entities/authorization-code.entity.js';
import { RefreshTokens } from '../authorization/refresh-tokens.js';
import { InvalidGrant } from '../common/errors/oauth-errors.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { AccessTokenIssuer } from './access-token.issuer.js';
import { type TokenResponseDto } from './dto/token-response.dto.js';
import { IdTokenIssuer } from './id-token.issuer.js';

/**
 * Whom a token from the user flow speaks for: the user, in the organization of the realm; or
 * (Polar's `sub_type=organization`) an organization the user picked, with the user only
 * recorded as who granted it.
 */
export type TokenSubject =
  | { readonly type: 'user'; readonly user: UserRecord; readonly organization: OrganizationRecord }
  | { readonly type: 'organization'; readonly organization: OrganizationRecord; readonly grantedBy: string };

/**
 * The tokens a client gets through a user (authorization code and refresh token grants): an
 * access token, a rotated refresh token of the same family, and an ID token when a user granted
 * `openid`. Polar's response fields, plus Keycloak's.
 */
@Injectable()
export class UserTokens {
  constructor(
    private readonly accessTokens: AccessTokenIssuer,
    private readonly idTokens: IdTokenIssuer,
    private readonly refreshTokens: RefreshTokens,
    private readonly users: UserDirectory,
    private readonly organizations: OrganizationDirectory,
    private readonly config: GatehouseConfig,
  ) {}

  /**
   * Who a code or refresh token still stands for, as the token endpoint of `realm` sees it. A user
   * must be active, still a member, and not signed out everywhere since `authTime`; an
   * organization token needs only its organization (reached through this realm, or through the
   * built-in organization's apps).
   */
  async subjectOf(grant: { subjectType: SubjectType; userId: string; organizationId: string; authTime: Date }, realm: OrganizationRecord): Promise<TokenSubject> {
    if (grant.subjectType === 'organization') {
      const organization = await this.organizations.findById(grant.organizationId);
      if (!organization || (organization.id !== realm.id && !realm.builtIn)) throw new InvalidGrant('The grant was issued by another realm');
      if (!organization.oauthEnabled) throw new InvalidGrant(`OAuth is not enabled for the organization ${organization.name}`);
      return { type: 'organization', organization, grantedBy: grant.userId };
    }
    if (grant.organizationId !== realm.id) throw new InvalidGrant('The grant was issued by another realm');
    const user = await this.users.find(grant.userId);
    if (!user || user.disabled) throw new InvalidGrant('The user has been disabled or deleted');
    if (grant.authTime.getTime() < user.notBefore) throw new InvalidGrant('The user changed their password or was signed out since this grant; sign in again');
    if (roleIn(user, realm) === undefined) throw new InvalidGrant(`The user is no longer a member of the organization ${realm.name}`);
    return { type: 'user', user, organization: realm };
  }

  async issue(
    manager: EntityManager,
    grant: { client: ClientRecord; issuer: string; subject: TokenSubject; scopes: readonly string[]; nonce: string | null; authTime: Date; familyId: string },
  ): Promise<TokenResponseDto> {
    const { client, subject, scopes } = grant;
    const { organization } = subject;
    const user = subject.type === 'user' ? subject.user : undefined;
    const lifespanSeconds = client.accessTokenLifespan ?? organization.accessTokenLifespan ?? this.config.defaultAccessTokenLifespanSeconds;
    const access = await this.accessTokens.issue({
      issuer: grant.issuer,
      clientId: client.id,
      subject: user ? user.id : organization.id,
      subjectType: subject.type,
      organization,
      projectId: undefined,
      scopes,
      lifespanSeconds,
      notBefore: Math.max(client.notBefore, organization.notBefore, user?.notBefore ?? 0),
    });
    const refresh = await this.refreshTokens.issue(manager, {
      familyId: grant.familyId,
      clientId: client.id,
      userId: subject.type === 'user' ? subject.user.id : subject.grantedBy,
      organizationId: organization.id,
      subjectType: subject.type,
      scopes: [...scopes],
      nonce: grant.nonce,
      authTime: grant.authTime,
      accessTokenJti: access.jti,
      accessTokenExpiresAt: access.expiresAt,
    });
    const idToken =
      user && scopes.includes('openid')
        ? await this.idTokens.issue({ issuer: grant.issuer, clientId: client.id, user, scopes, nonce: grant.nonce, authTime: grant.authTime, accessToken: access.token, lifespanSeconds })
        : undefined;
    return {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      expires_at: access.expiresAt.toISOString(),
      scope: scopes.join(' '),
      refresh_token: refresh.token,
      refresh_expires_in: refresh.expiresIn,
      ...(idToken !== undefined && { id_token: idToken }),
      'not-before-policy': Math.floor(Math.max(client.notBeforePolicy, organization.notBefore) / 1000),
    };
  }
}
