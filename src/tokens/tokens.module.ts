import { Module } from '@nestjs/common';
import { AuthorizationModule } from '../authorization/authorization.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { ProjectsModule } from '../projects/projects.module.js';
import { ScopesModule } from '../access/scopes.module.js';
import { ScopeCatalogModule } from '../apis/scope-catalog.module.js';
import { AccessTokenIssuer } from './access-token.issuer.js';
import { ClientAuthenticationGuard } from './client-authentication.guard.js';
import { ClientTokenController } from './client-token.controller.js';
import { ClientTokens } from './client-tokens.js';
import { DeviceAuthorizationController } from './device-authorization.controller.js';
import { DiscoveryController } from './discovery.controller.js';
import { DeviceCodeGrant } from './grants/device-code.grant.js';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant.js';
import { ClientCredentialsGrant } from './grants/client-credentials.grant.js';
import { RefreshTokenGrant } from './grants/refresh-token.grant.js';
import { TokenExchangeGrant } from './grants/token-exchange.grant.js';
import { IdTokenIssuer } from './id-token.issuer.js';
import { TokenRequestLabels } from './token-request-labels.js';
import { UserTokens } from './user-tokens.js';
import { TokenIntrospection } from './token-introspection.service.js';
import { TokenLifecycleController } from './token-lifecycle.controller.js';
import { TokenRevocation } from './token-revocation.service.js';
import { TokensController } from './tokens.controller.js';
import { TokensService } from './tokens.service.js';
import { TokenTargets } from './token-targets.js';
import { UserinfoController } from './userinfo.controller.js';
import { PushedAuthorizationController } from './pushed-authorization.controller.js';

@Module({
  imports: [KeysModule, ScopesModule, ScopeCatalogModule, ProjectsModule, AuthorizationModule, ClientsModule],
  controllers: [TokensController, DeviceAuthorizationController, TokenLifecycleController, DiscoveryController, UserinfoController, ClientTokenController, PushedAuthorizationController],
  providers: [TokensService, TokenRequestLabels, ClientTokens, AccessTokenIssuer, IdTokenIssuer, UserTokens, ClientCredentialsGrant, AuthorizationCodeGrant, RefreshTokenGrant, DeviceCodeGrant, TokenExchangeGrant, ClientAuthenticationGuard, TokenIntrospection, TokenRevocation, TokenTargets],
  exports: [TokensService, TokenRequestLabels],
})
export class TokensModule {}
