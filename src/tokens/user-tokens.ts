import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { type ClientRecord } from '../clients/client-directory.js';
import { OrganizationDirectory, type OrganizationRecord } from '../organizations/organization-directory.js';
import { roleIn, UserDirectory, type UserRecord } from '../users/user-directory.js';
import { type SubjectType } from '../authorization/entities/authorization-code.entity.js';
import { RefreshTokens } from '../authorization/refresh-tokens.js';
import { InvalidGrant } from '../common/errors/oauth-errors.js';
import { RoleDirectory } from '../roles/role-directory.js';
import { AccessTokenIssuer } from './access-token.issuer.js';
import { type IssuedTokens } from './grants/grant-handler.js';
import { epochSeconds, type TokenResponseDto } from './dto/token-response.dto.js';
import { IdTokenIssuer } from './id-token.issuer.js';
import { TokenPolicy } from '../token-policy/token-policy.js';
import { type TokenTarget } from '../token-policy/token-target.js';
import { TokenTargets } from './token-targets.js';

/**
 * Whom a token from the user flow speaks for: the user, in the organization of the realm; or
 * (Polar's `sub_type=organization`) an organization the user picked, bounded by what the user
 * who granted it may grant there now.
 */
export type TokenSubject =
  | { readonly type: 'user'; readonly user: UserRecord; readonly organization: OrganizationRecord; readonly grantable: ReadonlySet<string> }
  | { readonly type: 'organization'; readonly organization: OrganizationRecord; readonly grantedBy: UserRecord; readonly grantable: ReadonlySet<string> };

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
    private readonly policy: TokenPolicy,
    private readonly targets: TokenTargets,
    private readonly roles: RoleDirectory,
  ) {}

  /**
   * Who a code or refresh token still stands for, as the token endpoint of `realm` sees it. The
   * user (for an organization token, the user who granted it) must be active, still a member of
   * the token's organization, and not signed out everywhere since `authTime`. An organization
   * token's organization is reached through this realm, or through the built-in organization's apps.
   */
  async subjectOf(grant: { subjectType: SubjectType; userId: string; organizationId: string; authTime: Date }, realm: OrganizationRecord): Promise<TokenSubject> {
    if (grant.subjectType === 'organization') {
      const organization = await this.organizations.findById(grant.organizationId);
      if (!organization || (organization.id !== realm.id && !realm.builtIn)) throw new InvalidGrant('The grant was issued by another realm');
      if (!organization.oauthEnabled) throw new InvalidGrant(`OAuth is not enabled for the organization ${organization.name}`);
      const { user, role } = await this.activeMember(grant, organization, 'The user who granted this organization token');
      return { type: 'organization', organization, grantedBy: user, grantable: await this.roles.userScopesOfRole(organization.id, role) };
    }
    if (grant.organizationId !== realm.id) throw new InvalidGrant('The grant was issued by another realm');
    const { user, role } = await this.activeMember(grant, realm, 'The user');
    return { type: 'user', user, organization: realm, grantable: await this.roles.userScopesOfRole(realm.id, role) };
  }

  /**
   * The scopes a code or refresh token may still be exchanged for: those that the (granting)
   * user's role gives now and the client still holds. A demotion or a scope taken from the client
   * takes effect at the next refresh, and stays; none left ends the grant. Gatehouse's bearer
   * guard would bound a token's scopes on each use anyway, but another API that only checks the
   * token's signature cannot: what the token says must already be true.
   */
  scopesFor(subject: TokenSubject, scopes: readonly string[], client: ClientRecord): readonly string[] {
    const kept = scopes.filter((scope) => subject.grantable.has(scope) && (client.isRoot || client.scopes.includes(scope)));
    if (kept.length === 0) {
      const whose = subject.type === 'user' ? "The user's role" : 'The role of the user who granted this organization token';
      throw new InvalidGrant(`${whose} in ${subject.organization.name}, or the client's scopes, no longer give any of this grant's scopes`);
    }
    return kept;
  }

  private async activeMember(grant: { userId: string; authTime: Date }, organization: OrganizationRecord, who: string): Promise<{ user: UserRecord; role: string }> {
    const user = await this.users.find(grant.userId);
    if (!user || user.disabled) throw new InvalidGrant(`${who} has been disabled or deleted`);
    if (grant.authTime.getTime() < user.notBefore) throw new InvalidGrant(`${who} changed their password or was signed out since this grant; sign in again`);
    const role = roleIn(user, organization);
    if (role === undefined) throw new InvalidGrant(`${who} is no longer a member of the organization ${organization.name}`);
    return { user, role };
  }

  async issue(
    manager: EntityManager,
    grant: {
      client: ClientRecord;
      issuer: string;
      subject: TokenSubject;
      /** The scopes of the grant, which its refresh token keeps: the access token carries those of `target`. */
      scopes: readonly string[];
      target: TokenTarget;
      /** The resource the authorization request named, which the refresh token keeps too. */
      resource: string | null;
      nonce: string | null;
      authTime: Date;
      familyId: string;
      /** The DPoP key the request proved: binds the access token, and a public client's refresh token (RFC 9449 §5). */
      dpopJkt: string | undefined;
    },
  ): Promise<IssuedTokens> {
    const { client, subject, target } = grant;
    const { scopes } = target;
    const { organization } = subject;
    const user = subject.type === 'user' ? subject.user : undefined;
    const person = subject.type === 'user' ? subject.user : subject.grantedBy;
    const lifespanSeconds = this.targets.lifespanSeconds(target, this.policy.lifespanSeconds(client, organization));
    const access = await this.accessTokens.issue({
      issuer: grant.issuer,
      clientId: client.id,
      subject: user ? user.id : organization.id,
      subjectType: subject.type,
      organization,
      ...(subject.type === 'organization' && { grantedBy: subject.grantedBy.id }),
      projectId: undefined,
      audience: this.targets.userTokenAudience(target),
      scopes,
      lifespanSeconds,
      notBefore: this.policy.notBefore(client, organization, person.notBefore),
      jkt: grant.dpopJkt,
    });
    const refresh = await this.refreshTokens.issue(manager, {
      familyId: grant.familyId,
      clientId: client.id,
      userId: person.id,
      organizationId: organization.id,
      subjectType: subject.type,
      scopes: [...grant.scopes],
      resource: grant.resource,
      nonce: grant.nonce,
      authTime: grant.authTime,
      accessTokenJti: access.jti,
      accessTokenExpiresAt: access.expiresAt,
      // A confidential client's refresh token is bound by its credentials already; a public client's only by the key (§5).
      dpopJkt: client.isPublic ? (grant.dpopJkt ?? null) : null,
    });
    const idToken =
      user && scopes.includes('openid')
        ? await this.idTokens.issue({ issuer: grant.issuer, clientId: client.id, alg: client.idTokenSignedResponseAlg, user, scopes, nonce: grant.nonce, authTime: grant.authTime, accessToken: access.token, lifespanSeconds })
        : undefined;
    const response: TokenResponseDto = {
      access_token: access.token,
      token_type: grant.dpopJkt === undefined ? 'Bearer' : 'DPoP',
      expires_in: access.expiresIn,
      expires_at: epochSeconds(access.expiresAt),
      scope: scopes.join(' '),
      refresh_token: refresh.token,
      refresh_expires_in: refresh.expiresIn,
      ...(idToken !== undefined && { id_token: idToken }),
      'not-before-policy': this.policy.notBeforePolicy(client, organization),
    };
    return { response, jti: access.jti, expiresAt: access.expiresAt, scopes };
  }
}
