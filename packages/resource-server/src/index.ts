export {
  ACCESS_TOKEN_TYPE,
  type AccessRequest,
  type AccessRequirements,
  discoverJwksUri,
  type ProtectedResourceMetadata,
  type ResourceMetadataOptions,
  protectedResourceMetadataUrl,
  ResourceServer,
  type ResourceServerOptions,
  type VerifiedAccessToken,
} from './resource-server.js';
export { AccessTokenError, challenge, EXPIRED_TOKEN_BODY } from './errors.js';
export { DEFAULT_DPOP_ALGORITHMS } from './dpop.js';
export { accessTokenOf, rememberAccessToken } from './request-token.js';
