import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type FastifyRequest } from 'fastify';
import { AccessPolicy } from '../access/access-policy.js';
import { type RouteRule } from '../access/access-rule.js';
import { BearerChallengeError, ExpiredToken, InsufficientScope, InvalidDpopProof, InvalidDpopToken, InvalidToken, MissingBearerToken, UseDpopNonce } from '../common/errors/oauth-errors.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { protectedResourceMetadataPath } from '../token-policy/protected-resource.js';
import { type BearerOutcome, MetricsService } from '../metrics/metrics.service.js';
import { AccessTokenVerifier, boundKeyOf } from './access-token.verifier.js';
import { DPOP_ALGORITHMS, DpopProofs } from './dpop-proofs.js';
import { authContextOf, type AuthenticatedRequest } from '../access/auth-context.js';
import { ROUTE_RULE } from '../access/required-scope.js';
import { ApiDirectory } from '../apis/api-directory.js';
import { ApiScopes } from '../scopes/api.scopes.js';

/** RFC 6750 §2.1 b64token, after the scheme: `Bearer`, or `DPoP` (RFC 9449 §7.1). */
const CREDENTIALS = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*) *$/i;
const SCHEME = /^(bearer|dpop)(\s|$)/i;

/**
 * Guards `@Authenticated` routes: 401 without a valid access token (a bearer token, or a DPoP-bound
 * one with its proof); then the access policy decides
 * (403 without the route's scope, or out of a project token's reach). Registered once for the whole
 * app (APP_GUARD), it lets through every route that carries no `@Authenticated` rule: the
 * decorator lives in access/, which no domain depends on, and only this guard knows how to verify.
 * Its Bearer challenges name Gatehouse's protected resource metadata (RFC 9728 §5.1).
 */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  /** RFC 9728 §5.1 `resource_metadata`: where a client turned away learns how to get a token for Gatehouse's API. */
  private readonly resourceMetadata: string;

  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly reflector: Reflector,
    private readonly metrics: MetricsService,
    private readonly policy: AccessPolicy,
    private readonly apis: ApiDirectory,
    private readonly proofs: DpopProofs,
    config: GatehouseConfig,
  ) {
    this.resourceMetadata = `${config.issuer}${protectedResourceMetadataPath(config.audience)}`;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.get<RouteRule | undefined>(ROUTE_RULE, context.getHandler());
    if (!rule) {
      if (this.reflector.get<RouteRule | undefined>(ROUTE_RULE, context.getClass())) throw new Error('@Authenticated({ scope, reach }) belongs on each route, not on a controller');
      return true;
    }
    try {
      const allowed = await this.authenticate(context, rule);
      this.metrics.bearerValidation('valid');
      return allowed;
    } catch (error) {
      this.metrics.bearerValidation(outcomeOf(error));
      throw error instanceof BearerChallengeError ? error.pointTo(this.resourceMetadata) : error;
    }
  }

  private async authenticate(context: ExecutionContext, rule: RouteRule): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & AuthenticatedRequest>();
    const authorization = request.headers.authorization;
    if (!authorization || !SCHEME.test(authorization)) throw new MissingBearerToken();
    const match = CREDENTIALS.exec(authorization);
    if (!match) throw new InvalidToken('The Authorization header is not "Bearer <access_token>" or "DPoP <access_token>"');
    const [, scheme, token] = match;
    const { principal, claims } = await this.verifier.verify(token);
    const jkt = boundKeyOf(claims);
    if (scheme.toLowerCase() === 'dpop') {
      if (jkt === undefined) throw new InvalidToken('The access token is not bound to a DPoP key: send it as "Bearer <access_token>"');
      // RFC 9449 §7.1: the proof names this request and this token, and is signed with the token's key.
      await this.proofs.verify({ proof: request.headers.dpop, method: request.method, url: request.url }, { at: 'resource', accessToken: token, jkt });
    } else if (jkt !== undefined) {
      // §7.2: a bound token presented as a bearer token is refused, or a thief could use it without the key.
      throw new InvalidDpopToken('The access token is bound to a DPoP key: send "Authorization: DPoP <access_token>" with a DPoP proof', DPOP_ALGORITHMS);
    }
    this.policy.checkRoute(principal, rule);
    // Looked up only for an API administrator: every other bearer request stays free of it.
    const administered = principal.scopes.has(ApiScopes.update.name) ? await this.apis.scopeNamesOf(principal.organizationId) : undefined;
    request.auth = authContextOf(principal, request.ip, String(request.id), administered);
    return true;
  }
}

function outcomeOf(error: unknown): BearerOutcome {
  if (error instanceof MissingBearerToken) return 'missing';
  if (error instanceof ExpiredToken) return 'expired';
  if (error instanceof InsufficientScope) return 'insufficient_scope';
  if (error instanceof ForbiddenException) return 'forbidden';
  if (error instanceof InvalidToken || error instanceof InvalidDpopProof || error instanceof UseDpopNonce) return 'invalid';
  return 'error';
}
