// Fastify: a hook that answers 401/403/503 itself and leaves the token for the handler (accessTokenOf).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AccessTokenError } from './errors.js';
import { rememberAccessToken } from './request-token.js';
import { RESOURCE_METADATA_HEADERS } from './resource-metadata-headers.js';
import type { AccessRequirements, ResourceServer } from './resource-server.js';

export interface HookOptions {
  /** The API's public origin (`https://api.example.com`), for a DPoP proof's `htu` behind a proxy; by default the audience's origin when the audience is an http(s) URL; otherwise DPoP-bound tokens are refused. */
  origin?: string;
}

/** The request's absolute URL, without its query (which `htu` leaves out anyway). */
export function fastifyRequestUrl(request: FastifyRequest, origin?: string): string {
  return `${origin ?? `${request.protocol}://${request.host}`}${request.url}`;
}

/**
 * A hook for a route's `preValidation` (answers before the body is validated, so 401 and 403 come
 * before 400) or `preHandler`. `requirements` may depend on the request, e.g. the project in its path.
 */
export function requireAccessToken(
  server: ResourceServer,
  requirements: AccessRequirements | ((request: FastifyRequest) => AccessRequirements) = {},
  options: HookOptions = {},
): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async (request, reply) => {
    try {
      const origin = options.origin ?? server.defaultOrigin;
      const token = await server.verify(
        { method: request.method, url: fastifyRequestUrl(request, origin), originFromHost: origin === undefined, authorization: request.headers.authorization, dpop: request.headers.dpop },
        typeof requirements === 'function' ? requirements(request) : requirements,
      );
      rememberAccessToken(request, token);
    } catch (error) {
      if (!(error instanceof AccessTokenError)) throw error;
      if (error.status >= 500) request.log.error({ err: error.cause ?? error }, error.message);
      await reply.code(error.status).headers(error.headers).send(error.body);
    }
  };
}

/**
 * Serves the API's protected resource metadata (RFC 9728) at its well-known path: public, so
 * readable from any origin and cacheable. The server needs the `resourceMetadata` option.
 */
export function publishResourceMetadata(app: FastifyInstance, server: ResourceServer): void {
  const path = server.resourceMetadataPath;
  if (path === undefined) throw new TypeError('publishResourceMetadata needs a ResourceServer created with the resourceMetadata option');
  const metadata = server.protectedResourceMetadata();
  app.get(path, async (_request, reply) => reply.headers(RESOURCE_METADATA_HEADERS).send(metadata));
}
