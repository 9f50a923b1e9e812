import { applyDecorators, Controller, createParamDecorator, type ExecutionContext, Res } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { type DpopRequest, DpopProofs } from '../auth/dpop-proofs.js';
import { ApiBadRequestResponse, ApiBody, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OAuthErrorDto } from '../common/dto/error.dto.js';
import { ClientAuthenticatedEndpoint, REALM_PATHS } from './client-authenticated-endpoint.decorator.js';
import { type ClientRecord } from '../clients/client-directory.js';
import { type OrganizationRecord } from '../organizations/organization-directory.js';
import { AuthenticatedClient, CalledRealm, ClientCallParameters } from './authenticated-client.js';
import { TOKEN_REQUEST_EXAMPLES, TokenRequestDto } from './dto/token-request.dto.js';
import { TokenResponseDto } from './dto/token-response.dto.js';
import { type TokenRequestParams } from './token-request.js';
import { TokensService } from './tokens.service.js';
import { BrowserCors } from '../common/http/cors.js';

export { TOKEN_ENDPOINT_PATH } from './token-endpoint-path.js';
import { TOKEN_ENDPOINT_PATH } from './token-endpoint-path.js';
/** Polar's paths for the same endpoint (its seed's curl lines), left out of /docs: the canonical operation names them. */
export const TOKEN_ENDPOINT_ALIASES = ['/api/v1/oauth2/token', '/v1/oauth2/token'];
/** The request's DPoP header (RFC 9449 §4), with the method and URL its proof must name. */
const DpopOf = createParamDecorator((_data: unknown, context: ExecutionContext): DpopRequest => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  return { proof: request.headers.dpop, method: request.method, url: request.url };
});

function TokenEndpoint(path: string | string[]): MethodDecorator {
  return applyDecorators(
    ClientAuthenticatedEndpoint(path, { requiredParameter: 'grant_type' }),
    ApiBody({ type: TokenRequestDto, examples: TOKEN_REQUEST_EXAMPLES }),
    ApiHeader({ name: 'DPoP', required: false, description: 'A DPoP proof (RFC 9449 §4) for this request: the tokens are bound to its key, and `token_type` is `DPoP`' }),
    ApiOkResponse({ type: TokenResponseDto }),
  );
}

@ApiTags('token')
@Controller()
@BrowserCors('caller')
export class TokensController {
  constructor(
    private readonly tokens: TokensService,
    private readonly proofs: DpopProofs,
  ) {}

  @TokenEndpoint([TOKEN_ENDPOINT_PATH, ...TOKEN_ENDPOINT_ALIASES])
  @ApiOperation({
    summary: 'Get an access token (client credentials, authorization code with PKCE, refresh token, device code, token exchange)',
    description: `\`grant_type\` picks the grant and the fields it reads (see the schema). Client authentication (client_secret_basic, client_secret_post, private_key_jwt, client_secret_jwt, or \`client_id\` alone for a public client) goes in the body (form or JSON) or in HTTP Basic. Errors follow RFC 6749 §5.2. With a \`DPoP\` proof header the access token (and a public client's refresh token) is bound to the proof's key (RFC 9449); \`invalid_dpop_proof\` or \`use_dpop_nonce\` (with \`DPoP-Nonce\`) when the proof fails. Also at Polar's paths ${TOKEN_ENDPOINT_ALIASES.map((path) => `\`${path}\``).join(' and ')}.`,
  })
  @ApiBadRequestResponse({ type: OAuthErrorDto, description: '`invalid_request`, `unsupported_grant_type`, `invalid_scope`, `invalid_target`, or `unauthorized_client` (a grant type not among the client\'s `grant_types`, or a token exchange beyond its policy), `invalid_dpop_proof` or `use_dpop_nonce`' })
  async token(@AuthenticatedClient() client: ClientRecord, @ClientCallParameters() params: TokenRequestParams, @DpopOf() dpop: DpopRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<TokenResponseDto> {
    const { response } = await this.tokens.exchange(client, params, undefined, dpop);
    await this.giveNonce(dpop, reply);
    return response;
  }

  @TokenEndpoint(REALM_PATHS.map((realm) => `${realm}/protocol/openid-connect/token`))
  @ApiOperation({
    summary: "Get an access token from an organization's realm (Keycloak path)",
    description:
      'As `/api/v1/oauth/token`, for clients of organization `{realm}` only; the token carries the realm issuer. ' +
      '`scope=project-{id}` gives a project-scoped token. 400 `unauthorized_client` while the organization has OAuth disabled.',
  })
  @ApiBadRequestResponse({ type: OAuthErrorDto, description: '`invalid_request`, `unsupported_grant_type`, `invalid_scope`, `unauthorized_client`, `invalid_dpop_proof` or `use_dpop_nonce`' })
  @ApiNotFoundResponse({ type: OAuthErrorDto, description: 'No such realm' })
  async realmToken(
    @AuthenticatedClient() client: ClientRecord,
    @ClientCallParameters() params: TokenRequestParams,
    @CalledRealm() realm: OrganizationRecord | undefined,
    @DpopOf() dpop: DpopRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TokenResponseDto> {
    const { response } = await this.tokens.exchange(client, params, realm, dpop);
    await this.giveNonce(dpop, reply);
    return response;
  }

  /** RFC 9449 §8.2: while nonces are required, each DPoP response carries the current one, so the client need not fail first when it changes. */
  private async giveNonce(dpop: DpopRequest, reply: FastifyReply): Promise<void> {
    if (this.proofs.nonceRequired && DpopProofs.presented(dpop.proof)) void reply.header('DPoP-Nonce', await this.proofs.nonce());
  }
}
