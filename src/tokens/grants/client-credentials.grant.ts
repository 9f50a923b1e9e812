import { Injectable } from '@nestjs/common';
import { InvalidScope } from '../../common/errors/oauth-errors.js';
import { GatehouseConfig } from '../../config/gatehouse-config.js';
import { ProjectsService } from '../../projects/projects.service.js';
import { ScopeRegistry } from '../../access/scope-registry.js';
import { AccessTokenIssuer } from '../access-token.issuer.js';
import { type TokenResponseDto } from '../dto/token-response.dto.js';
import { narrowScopes, parseScopeParameter } from '../token-request.js';
import { type GrantContext, type GrantHandler } from './grant-handler.js';

/** The parameters this grant reads besides client authentication (RFC 6749 §4.4.2). */
export const parameters: ReadonlySet<string> = new Set(['scope']);

const PROJECT_SCOPE = /^project-(.+)$/;

/**
 * RFC 6749 §4.4: a client gets a token for itself. Without `scope` the token carries every scope
 * the client holds; with it, the token is narrowed to those, and asking for one the client does
 * not hold is `invalid_scope`. `project-{id}` (Polaris) binds the token to one project of the
 * client's organization; without it the token is an organization token.
 */
@Injectable()
export class ClientCredentialsGrant implements GrantHandler {
  readonly grantType = 'client_credentials';
  readonly parameters = parameters;

  constructor(
    private readonly issuer: AccessTokenIssuer,
    private readonly registry: ScopeRegistry,
    private readonly projects: ProjectsService,
    private readonly config: GatehouseConfig,
  ) {}

  async handle({ client, organization, issuer, params }: GrantContext): Promise<TokenResponseDto> {
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

    // Precedence: the client's own lifespan, then its organization's, then the server default.
    const lifespanSeconds = client.accessTokenLifespan ?? organization.accessTokenLifespan ?? this.config.defaultAccessTokenLifespanSeconds;
    const notBefore = Math.max(client.notBefore, organization.notBefore);
    const issued = await this.issuer.issue({ issuer, clientId: client.id, subject: client.id, organization, projectId, scopes, lifespanSeconds, notBefore });
    return {
      access_token: issued.token,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      expires_at: issued.expiresAt.toISOString(),
      scope: scopes.join(' '),
      refresh_expires_in: 0,
      // Keycloak's field: the latest not-before push for this client or its organization, in epoch seconds (0: none).
      'not-before-policy': Math.floor(Math.max(client.notBeforePolicy, organization.notBefore) / 1000),
    };
  }
}
