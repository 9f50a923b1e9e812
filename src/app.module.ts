import { type DynamicModule, Module } from '@nestjs/common';
import { RequestValidationPipe } from './common/pipes/request-validation.pipe.js';
import { ApisModule } from './apis/apis.module.js';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { AccessModule } from './access/access.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { AuthorizationModule } from './authorization/authorization.module.js';
import { ChangeFeedModule } from './change-feed/change-feed.module.js';
import { ClientsModule } from './clients/clients.module.js';
import { ClientRegistrationModule } from './client-registration/client-registration.module.js';
import { ConsoleModule } from './console/console.module.js';
import { ClockModule } from './common/clock.js';
import { HttpErrorFilter } from './common/errors/http-error.filter.js';
import { GatehouseConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { KeysModule } from './keys/keys.module.js';
import { LockoutModule } from './lockout/lockout.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { OrganizationsModule } from './organizations/organizations.module.js';
import { PersonalAccessTokensModule } from './personal-access-tokens/personal-access-tokens.module.js';
import { PoliciesModule } from './policies/policies.module.js';
import { ProjectsModule } from './projects/projects.module.js';
import { ReplayModule } from './replay/replay.module.js';
import { RevocationModule } from './revocation/revocation.module.js';
import { RolesModule } from './roles/roles.module.js';
import { ScopesModule } from './access/scopes.module.js';
import { TablesModule } from './tables/tables.module.js';
import { TokenPolicyModule } from './token-policy/token-policy.module.js';
import { TokensModule } from './tokens/tokens.module.js';
import { UsersModule } from './users/users.module.js';

@Module({})
export class AppModule {
  /** A function rather than a static module so that each app built reads the environment as it is then (tests build several). */
  static forRoot(): DynamicModule {
    return {
      module: AppModule,
      imports: [ClockModule, GatehouseConfigModule.forRoot(), MetricsModule, DatabaseModule, ChangeFeedModule, RevocationModule, ReplayModule, AuditModule, KeysModule, AccessModule, LockoutModule, TokenPolicyModule, AuthModule, ScopesModule, OrganizationsModule, ProjectsModule, ApisModule, RolesModule, ClientsModule, ClientRegistrationModule, UsersModule, PersonalAccessTokensModule, AuthorizationModule, TokensModule, TablesModule, PoliciesModule, HealthModule, ConsoleModule],
      providers: [
        { provide: APP_FILTER, useClass: HttpErrorFilter },
        {
          provide: APP_PIPE,
          // Unknown fields are refused rather than silently dropped: a typo in a field name
          // should not look like success.
          useValue: new RequestValidationPipe({ whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, transform: true }),
        },
      ],
    };
  }
}
