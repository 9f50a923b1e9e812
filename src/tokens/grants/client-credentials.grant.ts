import { Injectable } from '@nestjs/common';
import { type ClientRecord } from '../../auth/client-directory.js';
import { InvalidScope } from '../../common/errors/oauth-errors.js';
import { GatehouseConfig } from '../../config/gatehouse-config.js';
import { ScopeRegistry } from '../../scopes/scope-registry.js';
import { AccessTokenIssuer } from '../access-token.issuer.js';
import { type TokenResponseDto } from '../dto/token-response.dto.js';
import { parseScopeParameter, type TokenRequestParams } from '../token-request.js';
import { type GrantHandler } from './grant-handler.js';

/** The parameters this grant reads besides client authentication (RFC 6749 §4.4.2). */
export const parameters: ReadonlySet<string> = new Set(['scope']);

/**
 * RFC 6749 §4.4: a client gets a token for itself. Without `scope` the token carries every scope
 * the client holds; with it, the token is narrowed to those, and asking for one the client does
 * not hold is `invalid_scope`.
 */
@Injectable()
export class ClientCredentialsGrant implements GrantHandler {
  readonly grantType = 'client_credentials';
  readonly parameters = parameters;

  constructor(
    private readonly issuer: AccessTokenIssuer,
    private readonly registry: ScopeRegistry,
    private readonly config: GatehouseConfig,
  ) {}

  handle(client: ClientRecord, params: TokenRequestParams): TokenResponseDto {
    const held = client.isRoot ? this.registry.names() : client.scopes;
    const requested = parseScopeParameter(params.scope);
    const notHeld = requested.filter((scope) => !held.includes(scope));
    if (notHeld.length > 0) throw new InvalidScope(`The client may not request: ${notHeld.join(' ')}`);
    const scopes = requested.length > 0 ? requested : held;

    const lifespanSeconds = client.accessTokenLifespan ?? this.config.defaultAccessTokenLifespanSeconds;
    const issued = this.issuer.issue({ clientId: client.id, subject: client.id, scopes, lifespanSeconds });
    return {
      access_token: issued.token,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      expires_at: issued.expiresAt.toISOString(),
      scope: scopes.join(' '),
      refresh_expires_in: 0,
      'not-before-policy': 0,
    };
  }
}
