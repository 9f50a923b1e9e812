import * as oauth from 'oauth4webapi';

/** The console's client, registered by the server at start (src/clients/console-client.ts). */
export const CLIENT_ID = 'gatehouse-console';

/**
 * Everything the console can use: every scope a built-in role gives (the platform administrator's: the signing-key and organization scopes)
 * (the console client's scopes, src/clients/console-client.ts). The authorization endpoint drops what the user's role does not
 * give, and the token response's `scope` says what is left: the console shows only that. All of
 * them, even those no page uses yet: acting on someone (another administrator, or everyone in an
 * organization) takes holding every scope they hold.
 */
const SCOPES = [
  'openid', 'profile', 'email',
  'client:create', 'client:read', 'client:update', 'client:delete', 'scope:read',
  'organization:read', 'organization:update', 'project:create', 'project:read', 'project:update', 'project:delete',
  'user:create', 'user:read', 'user:update', 'user:delete', 'role:create', 'role:read', 'role:update', 'role:delete',
  'api:create', 'api:read', 'api:update', 'api:delete', 'audit:read', 'token:personal',
  'consent:personal', 'invitation:personal', 'key:read', 'key:rotate', 'organization:create', 'organization:delete',
];

export interface Session {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  readonly idToken: string | undefined;
  readonly expiresAt: number;
  readonly scopes: ReadonlySet<string>;
  readonly email: string | undefined;
  /** Polar's organization token (`sub_type=organization`): the console acts for an organization the user picked, not for the user. */
  readonly forOrganization: boolean;
  /** The organization the token acts in (its `org_id`), to pick it out of the organizations a platform administrator lists. */
  readonly organizationId: string | undefined;
}

/** Whom the console's token speaks for: the user, in the built-in organization; or one of their organizations, picked at Gatehouse's consent page. */
export type SubjectType = 'user' | 'organization';

const IDENTITY_SCOPES = new Set(['openid', 'profile', 'email']);

const client: oauth.Client = { client_id: CLIENT_ID };
const clientAuth = oauth.None();
const PENDING = 'gatehouse-console.pending';
const SIGNED_OUT = 'gatehouse-console.signed-out';
// Plain http is for a server on this machine (development and the tests); PUBLIC_URL is https elsewhere.
const options = { [oauth.allowInsecureRequests]: location.protocol === 'http:' };

export const consoleHome = `${location.origin}/console`;
const redirectUri = `${consoleHome}/callback`;

let server: Promise<oauth.AuthorizationServer> | undefined;
function authorizationServer(): Promise<oauth.AuthorizationServer> {
  server ??= (async () => {
    const issuer = new URL(location.origin);
    return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...options, algorithm: 'oidc' }));
  })();
  return server;
}

/* Tokens live in this module's memory only: never in storage, gone when the tab closes. */
let session: Session | undefined;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
const listeners = new Set<() => void>();

export function currentSession(): Session | undefined {
  return session;
}

export function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function setSession(next: Session | undefined): void {
  session = next;
  clearTimeout(refreshTimer);
  if (next?.refreshToken) refreshTimer = setTimeout(() => void refresh().catch(() => undefined), Math.max(5_000, next.expiresAt - Date.now() - 30_000));
  for (const listener of listeners) listener();
}

function claimString(claims: oauth.IDToken | undefined, name: string): string | undefined {
  const value = claims?.[name];
  return typeof value === 'string' ? value : undefined;
}

function toSession(result: oauth.TokenEndpointResponse, previous?: Session, known?: { email?: string; forOrganization: boolean }): Session {
  const claims = result.id_token ? oauth.getValidatedIdTokenClaims(result) : undefined;
  return {
    accessToken: result.access_token,
    // Rotation: each refresh answers a new refresh token, and the old one is spent.
    refreshToken: result.refresh_token ?? previous?.refreshToken,
    idToken: result.id_token ?? previous?.idToken,
    expiresAt: Date.now() + (result.expires_in ?? 300) * 1000,
    scopes: new Set((result.scope ?? '').split(' ').filter(Boolean)),
    email: claimString(claims, 'email') ?? previous?.email ?? known?.email,
    forOrganization: previous?.forOrganization ?? known?.forOrganization ?? false,
    organizationId: organizationOf(result.access_token),
  };
}

/** The `org_id` claim of our own access token (RFC 9068 JWT), read for display only: the API decides what the token may do. */
function organizationOf(accessToken: string): string | undefined {
  try {
    const part = accessToken.split('.')[1] ?? '';
    const bytes = Uint8Array.from(atob(part.replace(/-/g, '+').replace(/_/g, '/')), (char) => char.charCodeAt(0));
    const orgId = (JSON.parse(new TextDecoder().decode(bytes)) as { org_id?: unknown }).org_id;
    return typeof orgId === 'string' ? orgId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sends the browser to Gatehouse's sign-in (code + PKCE); the verifier and state wait in
 * sessionStorage for the way back. For an organization (the switcher), Gatehouse's consent page
 * asks which of the user's organizations; that token names no person, so no ID token and no
 * identity scopes, and the email shown is carried over from the session being left.
 */
export async function signIn(returnTo: string, subjectType: SubjectType = 'user'): Promise<never> {
  const as = await authorizationServer();
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = subjectType === 'user' ? oauth.generateRandomNonce() : undefined;
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, nonce, returnTo, subjectType, email: session?.email }));
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: (subjectType === 'user' ? SCOPES : SCOPES.filter((scope) => !IDENTITY_SCOPES.has(scope))).join(' '),
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...(nonce !== undefined && { nonce }),
    ...(subjectType === 'organization' && { sub_type: 'organization' }),
  }).toString();
  location.assign(url.href);
  return new Promise<never>(() => undefined);
}

/** The way back from sign-in: checks the state, redeems the code with the verifier, and answers where to go next. */
export async function completeSignIn(): Promise<string> {
  const pending = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING);
  if (!pending) throw new Error('This sign-in was not started here (or was already completed); sign in again.');
  const { verifier, state, nonce, returnTo, subjectType, email } = JSON.parse(pending) as { verifier: string; state: string; nonce?: string; returnTo: string; subjectType?: SubjectType; email?: string };
  const forOrganization = subjectType === 'organization';
  const as = await authorizationServer();
  const params = oauth.validateAuthResponse(as, client, new URL(location.href), state);
  const response = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, redirectUri, verifier, options);
  const result = await oauth.processAuthorizationCodeResponse(as, client, response, forOrganization ? { requireIdToken: false } : { expectedNonce: nonce, requireIdToken: true });
  setSession(toSession(result, undefined, { email, forOrganization }));
  return returnTo.startsWith('/') ? returnTo : '/';
}

let refreshing: Promise<Session | undefined> | undefined;

/** Trades the refresh token for new tokens (and a new refresh token); undefined when it is gone or refused. */
export function refresh(): Promise<Session | undefined> {
  refreshing ??= (async () => {
    const previous = session;
    if (!previous?.refreshToken) return undefined;
    try {
      const as = await authorizationServer();
      const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, previous.refreshToken, options);
      const next = toSession(await oauth.processRefreshTokenResponse(as, client, response), previous);
      setSession(next);
      return next;
    } catch {
      setSession(undefined);
      return undefined;
    }
  })().finally(() => (refreshing = undefined));
  return refreshing;
}

/** Signs out of Gatehouse through its end-session endpoint, which sends the browser back to the console. */
export async function signOut(): Promise<never> {
  const as = await authorizationServer();
  const ending = session;
  if (ending?.refreshToken) {
    await oauth.revocationRequest(as, client, clientAuth, ending.refreshToken, options).catch(() => undefined);
  }
  const state = oauth.generateRandomState();
  sessionStorage.setItem(SIGNED_OUT, state);
  setSession(undefined);
  const url = new URL(as.end_session_endpoint!);
  url.search = new URLSearchParams({ client_id: CLIENT_ID, post_logout_redirect_uri: consoleHome, state, ...(ending?.idToken && { id_token_hint: ending.idToken }) }).toString();
  location.assign(url.href);
  return new Promise<never>(() => undefined);
}

/** True once, when the end-session endpoint has just sent the browser back here. */
export function justSignedOut(): boolean {
  const expected = sessionStorage.getItem(SIGNED_OUT);
  const state = new URL(location.href).searchParams.get('state');
  if (!expected || expected !== state) return false;
  sessionStorage.removeItem(SIGNED_OUT);
  return true;
}
