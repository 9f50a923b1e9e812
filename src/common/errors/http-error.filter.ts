import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { html, layout } from '../html/html.js';
import { sendPage } from '../html/page-reply.js';
import { PageError, RedirectToClient } from './authorization-errors.js';
import { errorResponse } from './error-response.js';

/** Route config flag (`@RouteConfig(OAUTH_ENDPOINT)`) marking endpoints that answer in RFC 6749 error format. */
export const OAUTH_ENDPOINT = { oauthEndpoint: true } as const;

export function isOAuthEndpoint(request: FastifyRequest): boolean {
  return (request.routeOptions?.config as { oauthEndpoint?: boolean } | undefined)?.oauthEndpoint === true;
}

/** Route config flag (`@RouteConfig(PAGE_ENDPOINT)`) marking the browser pages: their errors are HTML. */
export const PAGE_ENDPOINT = { pageEndpoint: true } as const;

function isPageEndpoint(request: FastifyRequest): boolean {
  return (request.routeOptions?.config as { pageEndpoint?: boolean } | undefined)?.pageEndpoint === true;
}

const logger = new Logger('HttpError');

/** Errors of the browser pages: back to the client's redirect URI when that is allowed, else an HTML page. */
function sendPageError(exception: unknown, request: FastifyRequest, reply: FastifyReply): void {
  if (exception instanceof RedirectToClient) {
    exception.response().send(reply, request.method === 'GET' ? 302 : 303);
    return;
  }
  const response = errorResponse(exception, false);
  if (response.unexpected) logger.error(`${request.method} ${request.routeOptions?.url ?? 'unknown route'} failed`, exception instanceof Error ? exception.stack : String(exception));
  const { status, title, message } =
    exception instanceof PageError
      ? exception
      : { status: response.status, title: response.status >= 500 ? 'Something went wrong' : 'This request cannot be served', message: String(response.body.message ?? response.body.error_description ?? '') };
  sendPage(reply, status, layout(title, html`<h1>${title}</h1><p class="error" role="alert">${message}</p>`));
}

/** Sends the error response for `exception`; shared by the Nest filter and Fastify's own error handler. */
export function sendError(exception: unknown, request: FastifyRequest, reply: FastifyReply): void {
  if (isPageEndpoint(request)) {
    sendPageError(exception, request, reply);
    return;
  }
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
