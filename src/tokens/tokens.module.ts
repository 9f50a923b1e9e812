import { Module } from '@nestjs/common';
import { AuthorizationModule } from '../authorization/authorization.module.js';
import { ProjectsModule } from '../projects/projects.module.js';
import { ScopesModule } from '../scopes/scopes.module.js';
import { AccessTokenIssuer } from './access-token.issuer.js';
import { ClientAuthenticationGuard } from './client-authentication.guard.js';
import { DiscoveryController } from './discovery.controller.js';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant.js';
import { ClientCredentialsGrant } from './grants/client-credentials.grant.js';
import { RefreshTokenGrant } from './grants/refresh-token.grant.js';
import { IdTokenIssuer } from './id-token.issuer.js';
import { TokenPolicy } from './token-policy.js';
import { TokenRequestLabels } from './token-request-labels.js';
import { UserTokens } from './user-tokens.js';
import { TokenIntrospection } from './token-introspection.service.js';
import { TokenLifecycleController } from './token-lifecycle.controller.js';
import { TokenRevocation } from './token-revocation.service.js';
import { TokensController } from './tokens.controller.js';
import { TokensService } from './tokens.service.js';

@Module({
  imports: [ScopesModule, ProjectsModule, AuthorizationModule],
  controllers: [TokensController, TokenLifecycleController, DiscoveryController],
  providers: [TokensService, TokenPolicy, TokenRequestLabels, AccessTokenIssuer, IdTokenIssuer, UserTokens, ClientCredentialsGrant, AuthorizationCodeGrant, RefreshTokenGrant, ClientAuthenticationGuard, TokenIntrospection, TokenRevocation],
  exports: [TokensService, TokenRequestLabels],
})
export class TokensModule {}
