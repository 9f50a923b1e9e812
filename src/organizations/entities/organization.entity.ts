import { Column, Entity, PrimaryColumn, Unique } from 'typeorm';

/** The organization every pre-existing client belongs to; its realm name comes from DEFAULT_ORGANIZATION. */
export const BUILT_IN_ORGANIZATION_ID = '00000000-0000-4000-8000-000000000000';

/** A tenant, and its Keycloak-style realm `/auth/realms/{name}`. */
@Entity('organization')
@Unique('uq_organization_name', ['name'])
export class OrganizationEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  /** URL-safe and unique: the realm name in paths and in the issuer. */
  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ name: 'display_name', type: 'varchar', length: 200 })
  displayName: string;

  /** Imply Hybrid's OAuth feature flag: no tokens are issued or accepted while it is off. */
  @Column({ name: 'oauth_enabled', type: 'boolean', default: false })
  oauthEnabled: boolean;

  /** Seconds; `null` falls through to OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES. */
  @Column({ name: 'access_token_lifespan', type: 'int', nullable: true })
  accessTokenLifespan: number | null;

  /** Polaris: project resources refuse tokens without `project-{id}`. */
  @Column({ name: 'require_project_scoped_tokens', type: 'boolean', default: true })
  requireProjectScopedTokens: boolean;

  /**
   * Anyone may register a public client here (RFC 7591 open registration, what MCP clients
   * expect), limited per source address; confidential clients still need a token. Off by default.
   */
  @Column({ name: 'open_registration', type: 'boolean', default: false })
  openRegistration: boolean;

  /** Its clients' authorization requests must be pushed first (RFC 9126 PAR); off by default. */
  @Column({ name: 'require_pushed_authorization_requests', type: 'boolean', default: false })
  requirePushedAuthorizationRequests: boolean;

  @Column({ name: 'is_builtin', type: 'boolean', default: false })
  builtIn: boolean;

  /**
   * Keycloak's not-before policy: access tokens issued before this instant are refused. Pushed
   * explicitly, and by disabling a client or regenerating its secret.
   */
  @Column({ name: 'not_before', type: 'datetime', precision: 3, nullable: true })
  notBefore: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt: Date;
}
