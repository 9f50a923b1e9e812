import { HttpException, HttpStatus } from '@nestjs/common';
import { errorDescription, OAuthError } from './oauth-errors.js';

export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** An error we did not expect: worth a stack trace in the log. */
  unexpected: boolean;
}

/** Driver error codes that mean "the database cannot be reached", not "the request is wrong". */
const DATABASE_UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'PROTOCOL_CONNECTION_LOST', 'ER_CON_COUNT_ERROR', 'SQLITE_BUSY']);

/**
 * Maps anything thrown while serving a request to one response. Two body shapes exist:
 * OAuth endpoints (and bearer-token failures anywhere) answer `{error, error_description}` as
 * RFC 6749/6750 ask; the REST API answers `{statusCode, error, message}` (plus `details` for
 * validation failures).
 */
export function errorResponse(exception: unknown, oauthEndpoint: boolean): ErrorResponse {
  if (exception instanceof OAuthError) {
    return { status: exception.status, headers: exception.headers(), body: exception.body(), unexpected: false };
  }
  if (exception instanceof HttpException && isStructuredBody(exception.getResponse())) {
    // A body built on purpose by its thrower (terminus's health report) goes out as it is.
    return { status: exception.getStatus(), headers: {}, body: exception.getResponse() as Record<string, unknown>, unexpected: false };
  }
  const { status, message, details, unexpected } = describe(exception);
  if (oauthEndpoint) {
    const error = status === 503 ? 'temporarily_unavailable' : status >= 500 ? 'server_error' : 'invalid_request';
    return { status, headers: {}, body: { error, error_description: errorDescription(message) }, unexpected };
  }
  const body: Record<string, unknown> = { statusCode: status, error: reasonPhrase(status), message };
  if (details) body.details = details;
  return { status, headers: {}, body, unexpected };
}

function isStructuredBody(response: string | object): boolean {
  return typeof response === 'object' && response !== null && !('message' in response);
}

function describe(exception: unknown): { status: number; message: string; details?: string[]; unexpected: boolean } {
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    const raw = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    if (Array.isArray(raw)) {
      const details = raw.map(String);
      return { status: exception.getStatus(), message: details.join('; '), details, unexpected: false };
    }
    return { status: exception.getStatus(), message: String(raw ?? exception.message), unexpected: false };
  }
  const error = exception as { statusCode?: unknown; code?: unknown; message?: unknown };
  // Nest maps Fastify's request errors (bad JSON, wrong content type, body too large) to
  // HttpExceptions; any other error carrying a 4xx statusCode has a message safe to show.
  if (typeof error?.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return { status: error.statusCode, message: String(error.message), unexpected: false };
  }
  if (typeof error?.code === 'string' && DATABASE_UNAVAILABLE_CODES.has(error.code)) {
    return { status: 503, message: 'The database is unavailable; try again shortly', unexpected: true };
  }
  return { status: 500, message: 'An unexpected error occurred', unexpected: true };
}

function reasonPhrase(status: number): string {
  const name = HttpStatus[status] as string | undefined;
  return name ? name.toLowerCase().replace(/(^|_)(\w)/g, (_match, separator: string, letter: string) => (separator ? ' ' : '') + letter.toUpperCase()) : 'Error';
}
