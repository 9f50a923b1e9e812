import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { errorResponse } from './error-response.js';

/** Route config flag (`@RouteConfig(OAUTH_ENDPOINT)`) marking endpoints that answer in RFC 6749 error format. */
export const OAUTH_ENDPOINT = { oauthEndpoint: true } as const;

export function isOAuthEndpoint(request: FastifyRequest): boolean {
  return (request.routeOptions?.config as { oauthEndpoint?: boolean } | undefined)?.oauthEndpoint === true;
}

const logger = new Logger('HttpError');

/** Sends the error response for `exception`; shared by the Nest filter and Fastify's own error handler. */
export function sendError(exception: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const oauthEndpoint = isOAuthEndpoint(request);
  const response = errorResponse(exception, oauthEndpoint);
  if (response.unexpected) {
    // Only the error itself is logged: never the request body, which may hold a client secret.
    logger.error(`${request.method} ${request.routeOptions?.url ?? 'unknown route'} failed`, exception instanceof Error ? exception.stack : String(exception));
  }
  // Read by the request metrics (onResponse): the outcome of a refused token request.
  if (typeof response.body.error === 'string') (request as { errorCode?: string }).errorCode = response.body.error;
  if (oauthEndpoint) {
    reply.header('Cache-Control', 'no-store');
    reply.header('Pragma', 'no-cache');
  }
  reply.headers(response.headers).status(response.status).send(response.body);
}

/** The one place where exceptions become HTTP responses. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}
