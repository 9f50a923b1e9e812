import { currentSession, refresh } from './auth';

/** An error answer of the REST API, in the house shape: `message`, and `details` (one line per invalid field) for validation errors. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: readonly string[],
  ) {
    super(message);
  }

  /** The detail lines about `field` (they start with its name), for showing next to that field. */
  about(field: string): string | undefined {
    const lines = this.details.filter((line) => line === field || line.startsWith(`${field} `) || line.startsWith(`${field}.`) || line.startsWith(`each value in ${field}`));
    return lines.length > 0 ? lines.join('; ') : undefined;
  }
}

async function errorOf(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => ({}))) as { message?: unknown; error_description?: unknown; details?: unknown };
  const details = Array.isArray(body.details) ? body.details.map(String) : Array.isArray(body.message) ? body.message.map(String) : [];
  const message = typeof body.message === 'string' ? body.message : typeof body.error_description === 'string' ? body.error_description : `The server answered ${response.status} ${response.statusText}`;
  return new ApiError(response.status, message, details);
}

/** Calls the public REST API with the signed-in user's token; a 401 is retried once after a refresh. */
export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const send = (token: string) =>
    fetch(path, {
      method,
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(body !== undefined && { 'Content-Type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const session = currentSession();
  if (!session) throw new ApiError(401, 'You are signed out; sign in again.', []);
  let response = await send(session.accessToken);
  if (response.status === 401) {
    const renewed = await refresh();
    if (!renewed) throw new ApiError(401, 'Your session ended; sign in again.', []);
    response = await send(renewed.accessToken);
  }
  if (!response.ok) throw await errorOf(response);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

export interface Client {
  client_id: string;
  organization_id: string;
  name: string | null;
  description: string | null;
  scopes: string[];
  permissions: string[];
  access_token_lifespan: number | null;
  disabled: boolean;
  redirect_uris: string[];
  logo_uri: string | null;
  tos_uri: string | null;
  policy_uri: string | null;
  public: boolean;
  grant_types: string[];
  /** RFC 9449: every token request must carry a DPoP proof. */
  dpop_bound_access_tokens: boolean;
  /** RFC 9126: authorization requests only through the PAR endpoint. */
  require_pushed_authorization_requests: boolean;
  /** RFC 8693: what it may exchange tokens for (null: nothing). */
  token_exchange: TokenExchangePolicy | null;
  /** Fixed at creation. */
  token_endpoint_auth_method: string;
  /** private_key_jwt: its public keys, inline or by URL (one of the two). */
  jwks: { keys: object[] } | null;
  jwks_uri: string | null;
  token_endpoint_auth_signing_alg: string | null;
  created_at: string;
  updated_at: string;
}

export interface TokenExchangePolicy {
  audiences: string[];
  delegation: boolean;
  impersonation: boolean;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  size: number;
  pages: number;
}

export interface Credentials {
  client_id: string;
  client_secret?: string;
  /** In the creation's answer (the whole client); not in a regeneration's. */
  token_endpoint_auth_method?: string;
}

export interface Role {
  name: string;
  description: string;
  granted_scopes: string[];
  built_in: boolean;
}

export interface CatalogScope {
  name: string;
  description: string;
  api?: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
}

export const clientPath = (id: string) => `/api/v1/oauth/client/${encodeURIComponent(id)}`;

/** One event of the audit trail (GET /api/v1/audit). */
export interface AuditEvent {
  id: string;
  occurred_at: string;
  actor: { type: string; id: string };
  organization_id: string | null;
  action: string;
  target: { type: string; id: string };
  source_ip: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

export interface AuditPage {
  events: AuditEvent[];
  next_cursor: string | null;
}

export interface SigningKey {
  kid: string;
  alg: string;
  status: 'active' | 'retired';
  created_at: string;
  retired_at: string | null;
  published_until: string | null;
}

export interface PersonalAccessToken {
  id: string;
  name: string;
  token_prefix: string;
  scopes: string[];
  organization_id: string;
  expires_at: string;
  created_at: string;
}

export interface CreatedPersonalAccessToken extends PersonalAccessToken {
  token: string;
}

/** An organization's invitation to the signed-in user (GET /api/v1/users/me/invitations). */
export interface Invitation {
  organization: string;
  organization_id: string;
  role: string;
  status: 'invited' | 'active';
  invited_at: string;
}

/** An app the signed-in user allowed (GET /api/v1/users/me/consents). */
export interface Consent {
  client_id: string;
  client_name: string;
  scopes: string[];
  granted_at: string;
}
