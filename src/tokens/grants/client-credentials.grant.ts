import { Injectable } from '@nestjs/common';
import { InvalidScope } from '../../common/errors/oauth-errors.js';
import { ProjectsService } from '../../projects/projects.service.js';
import { ScopeRegistry } from '../../access/scope-registry.js';
import { AccessTokenIssuer } from '../access-token.issuer.js';
import { epochSeconds, type TokenResponseDto } from '../dto/token-response.dto.js';
import { TokenPolicy } from '../../token-policy/token-policy.js';
import { narrowScopes, parseScopeParameter } from '../token-request.js';
import { requestedResource } from '../../token-policy/token-target.js';
import { TokenTargets } from '../token-targets.js';
import { type GrantContext, type GrantHandler, type GrantParameters, type IssuedTokens } from './grant-handler.js';

/** The parameters this grant reads besides client authentication (RFC 6749 §4.4.2). */
export const parameters: GrantParameters<never, Optional> = { required: [], optional: ['scope', 'resource', 'audience'] };

type Optional = 'scope' | 'resource' | 'audience';

const PROJECT_SCOPE = /^project-(.+)$/;

/**
 * RFC 6749 §4.4: a client gets a token for itself. Without `scope` the token carries every scope
 * the client holds; with it, the token is narrowed to those, and asking for one the client does
 * not hold is `invalid_scope`. `project-{id}` (Polaris) binds the token to one project of the
 * client's organization; without it the token is an organization token. `resource` (RFC 8707) or
 * `audience` names the API the token is for (see resolveTarget): its scopes only, its lifespan.
 */
@Injectable()
export class ClientCredentialsGrant implements GrantHandler<never, Optional> {
  readonly grantType = 'client_credentials';
  readonly parameters = parameters;

  constructor(
    private readonly issuer: AccessTokenIssuer,
    private readonly registry: ScopeRegistry,
    private readonly projects: ProjectsService,
    private readonly policy: TokenPolicy,
    private readonly targets: TokenTargets,
  ) {}

  async handle({ client, organization, issuer, params, dpopJkt }: GrantContext<never, Optional>): Promise<IssuedTokens> {
    const resource = requestedResource(params);
    const requested = parseScopeParameter(params.scope);
    const projectIds = requested.flatMap((scope) => PROJECT_SCOPE.exec(scope)?.[1] ?? []);
    const plainRequested = requested.filter((scope) => !PROJECT_SCOPE.test(scope));
    // The root client holds every scope of Gatehouse's API, and of the APIs its own organization registers (looked up only when asked for).
    const forApi = resource !== undefined || plainRequested.some((scope) => !this.registry.has(scope));
    const held = client.isRoot ? [...this.registry.names(), ...(forApi ? await this.targets.apiScopes(organization) : [])] : client.scopes;
    narrowScopes(held, plainRequested);
    if (projectIds.length > 1) throw new InvalidScope('A token can be scoped to one project at most');
    const projectId = projectIds[0];
    if (projectId !== undefined) {
      const project = await this.projects.find(projectId);
      if (!project || project.organizationId !== organization.id) throw new InvalidScope(`project-${projectId} is not a project of organization ${organization.name}`);
    }
    const target = await this.targets.resolve({ organization, resource, requested: plainRequested, held, projectScoped: projectId !== undefined });
    const scopes = [...target.scopes, ...(projectId !== undefined ? [`project-${projectId}`] : [])];

    const lifespanSeconds = this.targets.lifespanSeconds(target, this.policy.lifespanSeconds(client, organization));
    const notBefore = this.policy.notBefore(client, organization);
    const issued = await this.issuer.issue({ issuer, clientId: client.id, subject: client.id, organization, projectId, audience: target.audience, scopes, lifespanSeconds, notBefore, jkt: dpopJkt });
    const response: TokenResponseDto = {
      access_token: issued.token,
      token_type: dpopJkt === undefined ? 'Bearer' : 'DPoP',
      expires_in: issued.expiresIn,
      expires_at: epochSeconds(issued.expiresAt),
      scope: scopes.join(' '),
      refresh_expires_in: 0,
      'not-before-policy': this.policy.notBeforePolicy(client, organization),
    };
    return { response, jti: issued.jti, expiresAt: issued.expiresAt, scopes };
  }
}
