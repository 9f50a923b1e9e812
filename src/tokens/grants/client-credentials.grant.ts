import { Injectable } from '@nestjs/common';
import { InvalidScope } from '../../common/errors/oauth-errors.js';
import { ProjectsService } from '../../projects/projects.service.js';
import { ScopeRegistry } from '../../access/scope-registry.js';
import { AccessTokenIssuer } from '../access-token.issuer.js';
import { type TokenResponseDto } from '../dto/token-response.dto.js';
import { TokenPolicy } from '../../token-policy/token-policy.js';
import { narrowScopes, parseScopeParameter } from '../token-request.js';
import { type GrantContext, type GrantHandler, type GrantParameters, type IssuedTokens } from './grant-handler.js';

/** The parameters this grant reads besides client authentication (RFC 6749 §4.4.2). */
export const parameters: GrantParameters<never, 'scope'> = { required: [], optional: ['scope'] };

const PROJECT_SCOPE = /^project-(.+)$/;

/**
 * RFC 6749 §4.4: a client gets a token for itself. Without `scope` the token carries every scope
 * the client holds; with it, the token is narrowed to those, and asking for one the client does
 * not hold is `invalid_scope`. `project-{id}` (Polaris) binds the token to one project of the
 * client's organization; without it the token is an organization token.
 */
@Injectable()
export class ClientCredentialsGrant implements GrantHandler<never, 'scope'> {
  readonly grantType = 'client_credentials';
  readonly parameters = parameters;

  constructor(
    private readonly issuer: AccessTokenIssuer,
    private readonly registry: ScopeRegistry,
    private readonly projects: ProjectsService,
    private readonly policy: TokenPolicy,
  ) {}

  async handle({ client, organization, issuer, params }: GrantContext<never, 'scope'>): Promise<IssuedTokens> {
    const held = client.isRoot ? this.registry.names() : client.scopes;
    const requested = parseScopeParameter(params.scope);
    const projectIds = requested.flatMap((scope) => PROJECT_SCOPE.exec(scope)?.[1] ?? []);
    const plain = narrowScopes(held, requested.filter((scope) => !PROJECT_SCOPE.test(scope)));
    if (projectIds.length > 1) throw new InvalidScope('A token can be scoped to one project at most');
    const projectId = projectIds[0];
    if (projectId !== undefined) {
      const project = await this.projects.find(projectId);
      if (!project || project.organizationId !== organization.id) throw new InvalidScope(`project-${projectId} is not a project of organization ${organization.name}`);
    }
    const scopes = [...plain, ...(projectId !== undefined ? [`project-${projectId}`] : [])];

    const lifespanSeconds = this.policy.lifespanSeconds(client, organization);
    const notBefore = this.policy.notBefore(client, organization);
    const issued = await this.issuer.issue({ issuer, clientId: client.id, subject: client.id, organization, projectId, scopes, lifespanSeconds, notBefore });
    const response: TokenResponseDto = {
      access_token: issued.token,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      expires_at: issued.expiresAt.toISOString(),
      scope: scopes.join(' '),
      refresh_expires_in: 0,
      'not-before-policy': this.policy.notBeforePolicy(client, organization),
    };
    return { response, jti: issued.jti, expiresAt: issued.expiresAt, scopes };
  }
}
