import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ScopeCatalogModule } from '../apis/scope-catalog.module.js';
import { RefreshTokenEntity } from './entities/refresh-token.entity.js';
import { RevokedFamilyEntity } from './entities/revoked-family.entity.js';
import { PersonalAccessTokensModule } from '../personal-access-tokens/personal-access-tokens.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountController } from './account.controller.js';
import { ConsentsController } from './consents.controller.js';
import { Consents } from './consents.js';
import { AuthorizationCodes } from './authorization-codes.js';
import { AuthorizationRequests } from './authorization-request.js';
import { AuthorizationController } from './authorization.controller.js';
import { AuthorizationService } from './authorization.service.js';
import { BrowserSessions } from './browser-sessions.js';
import { ClientPresentation } from './client-presentation.js';
import { AuthorizationCodeEntity } from './entities/authorization-code.entity.js';
import { ConsentEntity } from './entities/consent.entity.js';
import { DeviceAuthorizationEntity } from './entities/device-authorization.entity.js';
import { DeviceAuthorizations } from './device-authorizations.js';
import { DeviceController } from './device.controller.js';
import { UserSessionEntity } from './entities/user-session.entity.js';
import { RefreshTokens } from './refresh-tokens.js';
import { EndSessionController } from './end-session.controller.js';
import { EndSessionRequests } from './end-session.js';
import { KeysModule } from '../keys/keys.module.js';
import { PushedAuthorizationRequestEntity } from './entities/pushed-authorization-request.entity.js';
import { PushedAuthorizationRequests } from './pushed-authorization-requests.js';
import { PushedAuthorizationService } from './pushed-authorization.service.js';

/**
 * What users grant to clients: browser sessions, the sign-in and consent pages, remembered
 * consents, authorization codes and the refresh tokens that follow from them. The token
 * endpoint (TokensModule) redeems the codes and refresh tokens.
 */
@Module({
  imports: [TypeOrmModule.forFeature([UserSessionEntity, ConsentEntity, AuthorizationCodeEntity, RefreshTokenEntity, RevokedFamilyEntity, PushedAuthorizationRequestEntity, DeviceAuthorizationEntity]), UsersModule, ScopeCatalogModule, PersonalAccessTokensModule, KeysModule],
  controllers: [AuthorizationController, AccountController, ConsentsController, EndSessionController, DeviceController],
  providers: [AuthorizationRequests, AuthorizationService, AuthorizationCodes, RefreshTokens, Consents, BrowserSessions, ClientPresentation, EndSessionRequests, PushedAuthorizationRequests, PushedAuthorizationService, DeviceAuthorizations],
  exports: [AuthorizationCodes, RefreshTokens, PushedAuthorizationService, DeviceAuthorizations],
})
export class AuthorizationModule {}
