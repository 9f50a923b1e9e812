import { CliError, EXIT } from './errors.js';

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in?: number;
  scope?: string;
  [field: string]: unknown;
}

type Query = Record<string, string | number | boolean | undefined>;

/** The message of an error body: the house shape ({message, details}), RFC 6749 ({error, error_description}) or Polaris's ({message}). */
function errorMessage(status: number, body: unknown): string {
  if (body && typeof body === 'object') {
    const { message, details, error, error_description: description } = body as Record<string, unknown>;
    if (typeof message === 'string') return Array.isArray(details) && details.length > 0 ? `${message}\n  ${details.map(String).join('\n  ')}` : message;
    if (typeof description === 'string') return `${String(error)}: ${description}`;
    if (typeof error === 'string') return error;
  }
  return `HTTP ${status}`;
}

async function send(url: string, init: RequestInit): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, redirect: 'manual' });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(`Cannot reach ${new URL(url).origin}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, EXIT.unreachable);
  }
  const text = await response.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  return { status: response.status, body };
}

/**
 * Gets an access token with the client credentials grant at the server's token endpoint. A refusal
 * of the credentials exits with EXIT.auth; the secret itself never appears in any message.
 */
export async function requestToken(baseUrl: string, clientId: string, clientSecret: string, scope?: string): Promise<TokenResponse> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
  if (scope) form.set('scope', scope);
  const { status, body } = await send(`${baseUrl}/api/v1/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: form,
  });
  if (status === 200 && body && typeof (body as TokenResponse).access_token === 'string') return body as TokenResponse;
  const code = (body as { error?: unknown } | undefined)?.error;
  const refused = status === 401 || code === 'invalid_client' || code === 'unauthorized_client';
  throw new CliError(`${refused ? 'Authentication failed: ' : 'Token request refused: '}${errorMessage(status, body)}`, refused ? EXIT.auth : EXIT.failure);
}

/** Calls the public REST API (/api/v1/...) with a bearer token. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly accessToken: string,
  ) {}

  get<T>(path: string, query?: Query): Promise<T> {
    return this.call<T>('GET', path, query);
  }

  post<T>(path: string, body?: unknown, query?: Query): Promise<T> {
    return this.call<T>('POST', path, query, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('PUT', path, undefined, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('PATCH', path, undefined, body);
  }

  delete(path: string): Promise<void> {
    return this.call<void>('DELETE', path);
  }

  private async call<T>(method: string, path: string, query?: Query, body?: unknown): Promise<T> {
    const url = new URL(`${this.baseUrl}${path}`);
    for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { authorization: `Bearer ${this.accessToken}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await send(url.toString(), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (response.status >= 200 && response.status < 300) return response.body as T;
    throw new CliError(errorMessage(response.status, response.body), response.status === 401 ? EXIT.auth : EXIT.failure, response.status);
  }
}

/**
 * A path segment from user input: encoded, so that an id cannot reach another route. "." and
 * ".." are refused: URL resolution removes them (encoded too) as dot segments, so no path can name them.
 */
export function segment(value: string): string {
  if (value === '.' || value === '..') throw new CliError(`The id ${value} cannot be named in a URL path`, EXIT.usage);
  return encodeURIComponent(value);
}
