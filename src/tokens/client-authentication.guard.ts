import { AccessPolicy } from '../access/access-policy.js';
import { type CanActivate, type ExecutionContext, Injectable, NotFoundException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { type FastifyRequest } from 'fastify';
import { CLIENT_BASIC_STRATEGY } from '../auth/basic-client.strategy.js';
import { ClientCredentialsAuthenticator, JWT_BEARER_ASSERTION_TYPE } from '../auth/client-credentials.authenticator.js';
import { type ClientRecord } from '../clients/client-directory.js';
import { OrganizationDirectory } from '../organizations/organization-directory.js';
import { REQUIRED_SCOPE } from '../access/required-scope.js';
import { InvalidClient, InvalidRequest } from '../common/errors/oauth-errors.js';
import { type ScopeDefinition } from '../scopes/scope-definition.js';
import { REQUIRED_PARAMETER } from './client-authenticated-endpoint.decorator.js';
import { recordClientCall } from './authenticated-client.js';
import { parseTokenRequest, type TokenRequestParams } from './token-request.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { type OrganizationRecord } from '../organizations/organization-directory.js';
import { realmTokenEndpoint, TOKEN_ENDPOINT_PATH } from './token-endpoint-path.js';

/** passport-http's Basic strategy, with its failures turned into `invalid_client` + `WWW-Authenticate: Basic`. */
class BasicClientAuthGuard extends AuthGuard(CLIENT_BASIC_STRATEGY) {
  override handleRequest<TUser>(error: unknown, client: TUser | false): TUser {
    if (error) throw error;
    if (!client) throw new InvalidClient('The HTTP Basic credentials are malformed', true);
    return client;
  }
}

/**
 * Authenticates the client calling a token, introspection or revocation endpoint:
 * client_secret_basic (HTTP Basic, through passport-http), client_secret_post (form or JSON
 * body), private_key_jwt or client_secret_jwt (`client_assertion`, RFC 7523 §2.2), or `none` for a
 * public client (client_id alone). Exactly one method may be used, and a `client_id` in the body
 * must agree with the Basic one or the assertion's `sub`. On a realm path the client must belong to that realm; where the route names a scope, the
 * client must hold it.
 */
@Injectable()
export class ClientAuthenticationGuard implements CanActivate {
  private readonly basic = new BasicClientAuthGuard();

  constructor(
    private readonly authenticator: ClientCredentialsAuthenticator,
    private readonly organizations: OrganizationDirectory,
    private readonly reflector: Reflector,
    private readonly policy: AccessPolicy,
    private readonly config: GatehouseConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const realmName = (request.params as { realm?: string }).realm;
    const realm = realmName === undefined ? undefined : await this.organizations.findByName(realmName);
    if (realmName !== undefined && !realm) throw new NotFoundException(`Realm ${realmName} does not exist`);
    if (realm) recordClientCall(request, { realm });
    const client = await this.authenticate(request, context, realm);
    // A client of another realm is told exactly what an unknown client is told.
    if (realm && client.organizationId !== realm.id) throw new InvalidClient('Client authentication failed', request.headers.authorization !== undefined);
    const scope = this.reflector.get<ScopeDefinition | undefined>(REQUIRED_SCOPE, context.getHandler());
    // Introspection is for resource servers, which can keep a secret.
    if (scope && client.isPublic) throw new InvalidClient('A public client cannot call this endpoint');
    if (scope) this.policy.checkClientScope(client, scope.name);
    recordClientCall(request, { client });
    return true;
  }

  private async authenticate(request: FastifyRequest, context: ExecutionContext, realm: OrganizationRecord | undefined): Promise<ClientRecord> {
    const params = parseTokenRequest(request.body);
    recordClientCall(request, { params });
    const required = this.reflector.get<string | undefined>(REQUIRED_PARAMETER, context.getHandler());
    if (required !== undefined && !params[required]) throw new InvalidRequest(`The ${required} parameter is missing`);

    const authorization = request.headers.authorization;
    if (params.client_assertion !== undefined || params.client_assertion_type !== undefined) return this.authenticateAssertion(request, params, realm);
    if (authorization !== undefined) {
      if (!/^basic /i.test(authorization)) throw new InvalidClient('Only HTTP Basic client authentication is accepted in the Authorization header', true);
      if (params.client_secret !== undefined) throw new InvalidRequest('Use one client authentication method: HTTP Basic or client_secret in the body, not both');
      await this.basic.canActivate(context);
      const client = (request as unknown as { user: ClientRecord }).user;
      if (params.client_id !== undefined && params.client_id !== client.id) {
        throw new InvalidRequest('The client_id in the body differs from the one in the HTTP Basic credentials');
      }
      return client;
    }
    if (params.client_id !== undefined && params.client_secret === undefined) {
      // token_endpoint_auth_method "none" (RFC 7591): a public client names itself; PKCE and refresh token rotation protect it.
      return this.authenticator.authenticatePublic(params.client_id);
    }
    if (params.client_id === undefined || params.client_secret === undefined) {
      throw new InvalidClient('Client authentication is missing: send client_id and client_secret in the body, or use HTTP Basic');
    }
    return this.authenticator.authenticate(params.client_id, params.client_secret, false, request.ip);
  }

  private async authenticateAssertion(request: FastifyRequest, params: TokenRequestParams, realm: OrganizationRecord | undefined): Promise<ClientRecord> {
    if (request.headers.authorization !== undefined || params.client_secret !== undefined) {
      throw new InvalidRequest('Use one client authentication method: a client assertion, HTTP Basic or client_secret, not several');
    }
    if (params.client_assertion_type !== JWT_BEARER_ASSERTION_TYPE) throw new InvalidClient(`client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}`);
    if (params.client_assertion === undefined || params.client_assertion === '') throw new InvalidClient('client_assertion is missing');
    return this.authenticator.authenticateAssertion(params.client_assertion, this.audiences(request, realm), request.ip, params.client_id, realm?.id);
  }

  /**
   * What an assertion's `aud` may name: the issuer (RFC 7523 §3 and the newer drafts; what
   * oauth4webapi and openid-client send), the token endpoint (OpenID Connect Core §9), or the
   * endpoint called; a realm's own on its paths.
   */
  private audiences(request: FastifyRequest, realm: OrganizationRecord | undefined): string[] {
    const issuer = realm?.issuer ?? this.config.issuer;
    const tokenEndpoint = realm ? realmTokenEndpoint(realm.issuer) : `${this.config.issuer}${TOKEN_ENDPOINT_PATH}`;
    return [...new Set([issuer, tokenEndpoint, `${this.config.issuer}${request.url.split('?')[0]}`])];
  }
}
