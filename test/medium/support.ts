import { randomUUID } from 'node:crypto';
import { type DynamicModule, type Type } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AccessModule } from '../../src/access/access.module.js';
import { AuditModule } from '../../src/audit/audit.module.js';
import { AuthModule } from '../../src/auth/auth.module.js';
import { ClientSecretHasher } from '../../src/clients/client-secret-hasher.js';
import { ChangeFeedModule } from '../../src/change-feed/change-feed.module.js';
import { ClientDirectoryModule } from '../../src/clients/client-directory.module.js';
import { LockoutModule } from '../../src/lockout/lockout.module.js';
import { OrganizationDirectoryModule } from '../../src/organizations/organization-directory.module.js';
import { PersonalAccessTokenDirectoryModule } from '../../src/personal-access-tokens/personal-access-token-directory.module.js';
import { TokenPolicyModule } from '../../src/token-policy/token-policy.module.js';
import { defaultGrantTypes } from '../../src/token-policy/token-policy.js';
import { UserDirectoryModule } from '../../src/users/user-directory.module.js';
import { OAuthClientEntity } from '../../src/clients/entities/oauth-client.entity.js';
import { Clock, ClockModule } from '../../src/common/clock.js';
import { GatehouseConfigModule } from '../../src/config/config.module.js';
import { DatabaseModule } from '../../src/database/database.module.js';
import { KeysModule } from '../../src/keys/keys.module.js';
import { MetricsModule } from '../../src/metrics/metrics.module.js';
import { OrganizationEntity } from '../../src/organizations/entities/organization.entity.js';
import { RevocationModule } from '../../src/revocation/revocation.module.js';
import { ManualClock } from '../support/clock.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, emptyDatabaseUrl, TEST_PASSWORD_HASH_COST } from '../support/test-app.js';

/**
 * The middle tier: services and grants against a real database (a new SQLite file, or the
 * MariaDB database of DATABASE_URL, migrated), with only the Nest modules they need and no HTTP.
 * The clock is a ManualClock: a test moves it on instead of sleeping.
 */
export interface MediumModule {
  module: TestingModule;
  clock: ManualClock;
  dataSource: DataSource;
  get<T>(type: Type<T>): T;
  close(): Promise<void>;
}

/** What every medium spec boots: configuration, the database, the change feed, audit, keys, the cached directories and authentication. */
const CORE = () => [
  ClockModule,
  GatehouseConfigModule.forRoot(),
  DatabaseModule,
  ChangeFeedModule,
  RevocationModule,
  AuditModule,
  MetricsModule,
  AccessModule,
  KeysModule,
  LockoutModule,
  TokenPolicyModule,
  OrganizationDirectoryModule,
  ClientDirectoryModule,
  UserDirectoryModule,
  PersonalAccessTokenDirectoryModule,
  AuthModule,
];

export async function bootMedium(imports: (Type | DynamicModule)[] = [], env: Record<string, string> = {}): Promise<MediumModule> {
  const clock = new ManualClock();
  const saved = { ...process.env };
  // The administrator is configured so that a module that bootstraps one prints no generated password.
  Object.assign(process.env, { NODE_ENV: 'test', DATABASE_URL: await emptyDatabaseUrl(), ADMIN_EMAIL, ADMIN_PASSWORD, PASSWORD_HASH_COST: TEST_PASSWORD_HASH_COST, ...env });
  let module: TestingModule;
  try {
    module = await Test.createTestingModule({ imports: [...CORE(), ...imports] })
      .overrideProvider(Clock)
      .useValue(clock)
      .compile();
    module.useLogger(false);
    await module.init();
  } finally {
    // @nestjs/config writes defaults back into process.env: restore it whole for the next module.
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
  return { module, clock, dataSource: module.get(DataSource), get: (type) => module.get(type, { strict: false }), close: () => module.close() };
}

export interface StoredClient {
  id: string;
  secret: string;
  organizationId: string;
}

/** Writes a client row as the clients module would (secret hashed), for the parts under test to read. */
export async function storeClient(medium: MediumModule, fields: Partial<OAuthClientEntity> & { organizationId: string; scopes: string[] }): Promise<StoredClient> {
  const { secret, hash } = medium.get(ClientSecretHasher).generate();
  const now = medium.clock.date();
  const id = fields.id ?? `medium-${randomUUID()}`;
  await medium.dataSource.getRepository(OAuthClientEntity).insert({
    name: null,
    description: null,
    permissions: [],
    accessTokenLifespan: null,
    isRoot: false,
    disabled: false,
    notBefore: null,
    redirectUris: [],
    postLogoutRedirectUris: [],
    idTokenSignedResponseAlg: 'RS256',
    logoUri: null,
    tosUri: null,
    policyUri: null,
    isPublic: false,
    grantTypes: defaultGrantTypes(fields.isPublic ?? false),
    createdAt: now,
    updatedAt: now,
    ...fields,
    id,
    secretHash: hash,
  });
  return { id, secret, organizationId: fields.organizationId };
}

/** Writes an organization row (OAuth enabled unless told otherwise). */
export async function storeOrganization(medium: MediumModule, fields: Partial<OrganizationEntity> & { name: string }): Promise<OrganizationEntity> {
  const now = medium.clock.date();
  const row: OrganizationEntity = {
    id: randomUUID(),
    displayName: fields.name,
    oauthEnabled: true,
    accessTokenLifespan: null,
    requireProjectScopedTokens: false,
    openRegistration: false,
    requirePushedAuthorizationRequests: false,
    builtIn: false,
    notBefore: null,
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
  await medium.dataSource.getRepository(OrganizationEntity).insert(row);
  return row;
}
