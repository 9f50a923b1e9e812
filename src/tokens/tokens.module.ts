import { Module } from '@nestjs/common';
import { ProjectsModule } from '../projects/projects.module.js';
import { ScopesModule } from '../scopes/scopes.module.js';
import { AccessTokenIssuer } from './access-token.issuer.js';
import { ClientAuthenticationGuard } from './client-authentication.guard.js';
import { DiscoveryController } from './discovery.controller.js';
import { ClientCredentialsGrant } from './grants/client-credentials.grant.js';
import { TokenIntrospection } from './token-introspection.service.js';
import { TokenLifecycleController } from './token-lifecycle.controller.js';
import { TokenRevocation } from './token-revocation.service.js';
import { TokensController } from './tokens.controller.js';
import { TokensService } from './tokens.service.js';

@Module({
  imports: [ScopesModule, ProjectsModule],
  controllers: [TokensController, TokenLifecycleController, DiscoveryController],
  providers: [TokensService, AccessTokenIssuer, ClientCredentialsGrant, ClientAuthenticationGuard, TokenIntrospection, TokenRevocation],
  exports: [TokensService],
})
export class TokensModule {}
