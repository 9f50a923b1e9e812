// Express: a middleware that answers 401/403/503 itself and leaves the token for the handler (accessTokenOf).
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { AccessTokenError } from './errors.js';
import { rememberAccessToken } from './request-token.js';
import { RESOURCE_METADATA_HEADERS } from './resource-metadata-headers.js';
import type { AccessRequirements, ResourceServer } from './resource-server.js';

export interface MiddlewareOptions {
  /** The API's public origin (`https://api.example.com`), for a DPoP proof's `htu` behind a proxy; by default the audience's origin when the audience is an http(s) URL; otherwise DPoP-bound tokens are refused. */
  origin?: string;
}

/** The request's absolute URL as the client addressed it (`originalUrl`: before any router mount point was stripped). */
export function expressRequestUrl(request: Request, origin?: string): string {
  return `${origin ?? `${request.protocol}://${request.get('host') ?? ''}`}${request.originalUrl}`;
}

/** A middleware for a route or a router. `requirements` may depend on the request, e.g. the project in its path. */
export function requireAccessToken(
  server: ResourceServer,
  requirements: AccessRequirements | ((request: Request) => AccessRequirements) = {},
  options: MiddlewareOptions = {},
): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    const header = request.headers.dpop;
    const origin = options.origin ?? server.defaultOrigin;
    server
      .verify(
        { method: request.method, url: expressRequestUrl(request, origin), originFromHost: origin === undefined, authorization: request.headers.authorization, dpop: header },
        typeof requirements === 'function' ? requirements(request) : requirements,
      )
      .then(
        (token) => {
          rememberAccessToken(request, token);
          next();
        },
        (error: unknown) => {
          if (!(error instanceof AccessTokenError)) return next(error);
          response.status(error.status).set(error.headers).json(error.body);
        },
      );
  };
}

/**
 * Serves the API's protected resource metadata (RFC 9728) at its well-known path: public, so
 * readable from any origin and cacheable. The server needs the `resourceMetadata` option.
 */
export function publishResourceMetadata(app: Pick<Router, 'get'>, server: ResourceServer): void {
  const path = server.resourceMetadataPath;
  if (path === undefined) throw new TypeError('publishResourceMetadata needs a ResourceServer created with the resourceMetadata option');
  const metadata = server.protectedResourceMetadata();
  app.get(path, (_request: Request, response: Response) => {
    response.set(RESOURCE_METADATA_HEADERS).json(metadata);
  });
}
