import { Injectable } from '@nestjs/common';
import { type ClientRecord } from '../clients/client-directory.js';
import { OrganizationDirectory, type OrganizationRecord } from '../organizations/organization-directory.js';
import { InvalidDpopProof, UnauthorizedClient, UnsupportedGrantType } from '../common/errors/oauth-errors.js';
import { type DpopRequest, DpopProofs } from '../auth/dpop-proofs.js';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant.js';
import { ClientCredentialsGrant } from './grants/client-credentials.grant.js';
import { RefreshTokenGrant } from './grants/refresh-token.grant.js';
import { DeviceCodeGrant } from './grants/device-code.grant.js';
import { TokenExchangeGrant } from './grants/token-exchange.grant.js';
import { type GrantHandler, grantParameters, type IssuedTokens } from './grants/grant-handler.js';
import { GRANT_TYPES, type GrantType, TokenPolicy } from '../token-policy/token-policy.js';
import { type TokenRequestParams } from './token-request.js';
import { type DeviceAuthorizationResponseDto } from './dto/device-authorization-response.dto.js';

/** Sends each token request to the handler of its grant type, with the parameters that grant declares. */
@Injectable()
export class TokensService {
  private readonly grants: ReadonlyMap<string, GrantHandler>;

  constructor(
    clientCredentials: ClientCredentialsGrant,
    authorizationCode: AuthorizationCodeGrant,
    refreshToken: RefreshTokenGrant,
    private readonly deviceCode: DeviceCodeGrant,
    tokenExchange: TokenExchangeGrant,
    private readonly organizations: OrganizationDirectory,
    private readonly policy: TokenPolicy,
    private readonly proofs: DpopProofs,
  ) {
    const handlers = new Map<GrantType, GrantHandler>([clientCredentials, authorizationCode, refreshToken, deviceCode, tokenExchange].map((grant) => [grant.grantType, grant]));
    // Every grant type the server names has its handler, in the order the server names them.
    this.grants = new Map(
      GRANT_TYPES.map((grantType) => {
        const handler = handlers.get(grantType);
        if (!handler) throw new Error(`No handler for the grant type ${grantType}`);
        return [grantType, handler];
      }),
    );
  }

  get grantTypes(): string[] {
    return [...this.grants.keys()];
  }

  /**
   * `realm` is the organization whose endpoint was called (already checked to be the client's);
   * without one (the Fides path) the client's own organization answers. The grant sees only the
   * parameters it declares: the others are ignored (RFC 6749 §3.2). `dpop`, the request's DPoP
   * header with its method and URL, binds the tokens to the proof's key (RFC 9449 §5).
   */
  async exchange(client: ClientRecord, params: TokenRequestParams, realm?: OrganizationRecord, dpop?: DpopRequest): Promise<IssuedTokens> {
    const grant = this.grants.get(params.grant_type);
    if (!grant) throw new UnsupportedGrantType(`Unsupported grant_type ${JSON.stringify(params.grant_type)}; supported: ${this.grantTypes.join(', ')}`);
    const organization = await this.organizationFor(client, grant.grantType, realm);
    const issuer = this.policy.issuer(organization, realm !== undefined);
    const grantParams = grantParameters(grant.parameters, params);
    // The proof is checked (and its jti spent) once the request is otherwise well-formed.
    const proved = dpop && DpopProofs.presented(dpop.proof) ? await this.proofs.verify(dpop, { at: 'token' }) : undefined;
    // RFC 9449 §5.2: such a client's tokens are always bound.
    if (!proved && client.dpopBoundAccessTokens) throw new InvalidDpopProof('This client must send a DPoP proof with its token requests (dpop_bound_access_tokens)');
    return grant.handle({ client, organization, issuer, params: grantParams, dpopJkt: proved?.jkt });
  }

  /** RFC 8628 §3.1–3.2: a device asks for codes, under the same rules as a token request of the device grant. */
  async startDeviceAuthorization(client: ClientRecord, params: TokenRequestParams, realm?: OrganizationRecord): Promise<DeviceAuthorizationResponseDto> {
    const organization = await this.organizationFor(client, this.deviceCode.grantType, realm);
    return this.deviceCode.authorize(client, organization, params);
  }

  /** The organization that answers `client` for `grantType`, once the client is found to be allowed it there. */
  private async organizationFor(client: ClientRecord, grantType: GrantType, realm: OrganizationRecord | undefined): Promise<OrganizationRecord> {
    // RFC 6749 §5.2: a grant type the client is not registered for (a public client has no secret: only the user grants).
    if (!client.grantTypes.includes(grantType)) throw new UnauthorizedClient(`The client may not use the ${grantType} grant; its grant types: ${client.grantTypes.join(', ') || 'none'}`);
    const organization = realm ?? (await this.organizations.findById(client.organizationId));
    if (!organization?.oauthEnabled) throw new UnauthorizedClient(`OAuth is not enabled for the organization ${organization?.name ?? client.organizationId}`);
    return organization;
  }
}
