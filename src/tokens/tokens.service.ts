import { Injectable } from '@nestjs/common';
import { type ClientRecord } from '../clients/client-directory.js';
import { OrganizationDirectory, type OrganizationRecord } from '../organizations/organization-directory.js';
import { UnauthorizedClient, UnsupportedGrantType } from '../common/errors/oauth-errors.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { type TokenResponseDto } from './dto/token-response.dto.js';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant.js';
import { ClientCredentialsGrant } from './grants/client-credentials.grant.js';
import { RefreshTokenGrant } from './grants/refresh-token.grant.js';
import { type GrantHandler } from './grants/grant-handler.js';
import { type TokenRequestParams } from './token-request.js';

/** The grants a public client (no secret) may use. */
export const PUBLIC_CLIENT_GRANTS: ReadonlySet<string> = new Set(['authorization_code', 'refresh_token']);

/** Sends each token request to the handler of its grant type. */
@Injectable()
export class TokensService {
  private readonly grants: ReadonlyMap<string, GrantHandler>;

  constructor(
    clientCredentials: ClientCredentialsGrant,
    authorizationCode: AuthorizationCodeGrant,
    refreshToken: RefreshTokenGrant,
    private readonly organizations: OrganizationDirectory,
    private readonly config: GatehouseConfig,
  ) {
    this.grants = new Map([clientCredentials, authorizationCode, refreshToken].map((grant) => [grant.grantType, grant]));
  }

  get grantTypes(): string[] {
    return [...this.grants.keys()];
  }

  /**
   * `realm` is the organization whose endpoint was called (already checked to be the client's);
   * without one (the Fides path) the client's own organization answers, and the built-in one
   * keeps signing as the server itself.
   */
  async exchange(client: ClientRecord, params: TokenRequestParams, realm?: OrganizationRecord): Promise<TokenResponseDto> {
    const grant = this.grants.get(params.grant_type);
    if (!grant) throw new UnsupportedGrantType(`Unsupported grant_type ${JSON.stringify(params.grant_type)}; supported: ${this.grantTypes.join(', ')}`);
    // A public client has no secret: it can only act for a user who signed in, with PKCE.
    if (client.isPublic && !PUBLIC_CLIENT_GRANTS.has(grant.grantType)) throw new UnauthorizedClient(`A public client cannot use the ${grant.grantType} grant`);
    const organization = realm ?? (await this.organizations.findById(client.organizationId));
    if (!organization?.oauthEnabled) throw new UnauthorizedClient(`OAuth is not enabled for the organization ${organization?.name ?? client.organizationId}`);
    const issuer = !realm && organization.builtIn ? this.config.issuer : organization.issuer;
    return grant.handle({ client, organization, issuer, params });
  }
}
