import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type FastifyRequest } from 'fastify';
import { ExpiredToken, InsufficientScope, InvalidToken, MissingBearerToken } from '../common/errors/oauth-errors.js';
import { type BearerOutcome, MetricsService } from '../metrics/metrics.service.js';
import { type ScopeDefinition } from '../scopes/scope-definition.js';
import { AccessTokenVerifier } from './access-token.verifier.js';
import { authContextOf, type AuthenticatedRequest } from './auth-context.js';
import { REQUIRED_SCOPE } from './required-scope.js';

/** RFC 6750 §2.1 b64token. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/** Guards `@Authenticated` routes: 401 without a valid access token, 403 without the route's scope. */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly reflector: Reflector,
    private readonly metrics: MetricsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    try {
      const allowed = await this.authenticate(context);
      this.metrics.bearerValidation('valid');
      return allowed;
    } catch (error) {
      this.metrics.bearerValidation(outcomeOf(error));
      throw error;
    }
  }

  private async authenticate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & AuthenticatedRequest>();
    const authorization = request.headers.authorization;
    if (!authorization || !/^bearer(\s|$)/i.test(authorization)) throw new MissingBearerToken();
    const match = BEARER.exec(authorization);
    if (!match) throw new InvalidToken('The Authorization header is not "Bearer <access_token>"');
    const { principal } = await this.verifier.verify(match[1]);
    const scope = this.reflector.get<ScopeDefinition | undefined>(REQUIRED_SCOPE, context.getHandler());
    if (scope && !principal.scopes.has(scope.name)) throw new InsufficientScope(scope.name);
    request.auth = authContextOf(principal, request.ip, String(request.id));
    return true;
  }
}

function outcomeOf(error: unknown): BearerOutcome {
  if (error instanceof MissingBearerToken) return 'missing';
  if (error instanceof ExpiredToken) return 'expired';
  if (error instanceof InsufficientScope) return 'insufficient_scope';
  if (error instanceof InvalidToken) return 'invalid';
  return 'error';
}
