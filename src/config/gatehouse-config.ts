import { canonicalEmail } from '../common/canonical-email.js';
import { type Environment, type SigningAlgorithm } from './environment.js';

/** The validated configuration in the shape the rest of the code wants it. */
export class GatehouseConfig {
  readonly production: boolean;
  readonly port: number;
  /** The address the server listens on. */
  readonly host: string;
  /** A second port serving only /metrics, without a token (none when unset). */
  readonly metricsPort: number | undefined;
  readonly databaseUrl: string;
  /** Base URL under which clients reach this server; also the `iss` of every token. */
  readonly issuer: string;
  /** The `aud` of access tokens: the API they are meant for. */
  readonly audience: string;
  readonly rootClient: { readonly id: string; readonly secret: string } | undefined;
  readonly defaultAccessTokenLifespanSeconds: number;
  readonly signingAlgorithm: SigningAlgorithm;
  readonly clientCacheTtlMs: number;
  readonly signingKeyReloadMs: number;
  readonly changeFeedPollMs: number;
  /** Realm name of the built-in organization, home of the root client and of the Fides paths. */
  readonly defaultOrganization: string;
  readonly shutdownGraceMs: number;
  readonly bruteForce: { readonly maxFailures: number; readonly maxFailuresOverall: number; readonly maxFailuresPerAddress: number; readonly windowMs: number; readonly lockoutMs: number };
  readonly rateLimitPerMinute: number;
  /** Anonymous client registrations per source address per hour (open registration). */
  readonly openRegistrationPerHour: number;
  /** How long a pushed authorization request's request_uri may be presented (RFC 9126 `expires_in`). */
  readonly pushedRequestLifetimeSeconds: number;
  /** How long an invitation's one-time code may be used to accept it. */
  readonly invitationLifetimeSeconds: number;
  /** Browser origins allowed by CORS; empty turns CORS off. */
  readonly corsOrigins: readonly string[];
  /** The bootstrap administrator; the password is generated when not configured (never in production). */
  readonly admin: { readonly email: string; readonly password: string | undefined };
  readonly sessionLifespanMs: number;
  readonly refreshTokenLifespanSeconds: number;
  readonly signInRateLimitPerMinute: number;
  /** log2 of scrypt's N for new password hashes. */
  readonly passwordHashCost: number;
  /** Cookies get `Secure` in production and whenever the public URL is https. */
  readonly secureCookies: boolean;
  /** Client assertions (private_key_jwt, client_secret_jwt): their longest validity, and where their keys may be fetched from. */
  readonly clientAssertions: { readonly maxLifetimeSeconds: number; readonly jwksUriAllowPrivateAddresses: boolean };
  /** The AES-256-GCM key of client_secret_jwt clients' secret copies, when configured. */
  readonly clientSecretEncryptionKey: Buffer | undefined;
  /** DPoP proofs (RFC 9449): how far `iat` may be off, and whether a server nonce is required. */
  readonly dpop: { readonly proofMaxAgeSeconds: number; readonly nonceRequired: boolean };

  constructor(environment: Environment) {
    this.production = environment.NODE_ENV === 'production';
    this.port = environment.PORT;
    this.host = environment.HOST;
    this.metricsPort = environment.METRICS_PORT;
    this.databaseUrl = environment.DATABASE_URL;
    this.issuer = (environment.PUBLIC_URL ?? `http://localhost:${environment.PORT}`).replace(/\/+$/, '');
    this.audience = environment.OAUTH_TOKEN_AUDIENCE ?? this.issuer;
    this.rootClient =
      environment.OAUTH_ROOT_CLIENT_ID && environment.OAUTH_ROOT_CLIENT_SECRET
        ? { id: environment.OAUTH_ROOT_CLIENT_ID, secret: environment.OAUTH_ROOT_CLIENT_SECRET }
        : undefined;
    this.defaultAccessTokenLifespanSeconds = environment.OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES * 60;
    this.signingAlgorithm = environment.OAUTH_SIGNING_ALG;
    this.clientCacheTtlMs = environment.CLIENT_CACHE_TTL_SECONDS * 1000;
    this.signingKeyReloadMs = environment.SIGNING_KEY_RELOAD_SECONDS * 1000;
    this.changeFeedPollMs = environment.CHANGE_FEED_POLL_MS;
    this.defaultOrganization = environment.DEFAULT_ORGANIZATION;
    this.shutdownGraceMs = environment.SHUTDOWN_GRACE_SECONDS * 1000;
    this.bruteForce = {
      maxFailures: environment.BRUTE_FORCE_MAX_FAILURES,
      maxFailuresOverall: environment.BRUTE_FORCE_MAX_FAILURES_OVERALL,
      maxFailuresPerAddress: environment.BRUTE_FORCE_MAX_FAILURES_PER_ADDRESS,
      windowMs: environment.BRUTE_FORCE_WINDOW_SECONDS * 1000,
      lockoutMs: environment.BRUTE_FORCE_LOCKOUT_SECONDS * 1000,
    };
    this.rateLimitPerMinute = environment.RATE_LIMIT_PER_MINUTE;
    this.openRegistrationPerHour = environment.OPEN_REGISTRATION_PER_HOUR;
    this.pushedRequestLifetimeSeconds = environment.PAR_REQUEST_URI_LIFETIME_SECONDS;
    this.invitationLifetimeSeconds = environment.INVITATION_LIFETIME_SECONDS;
    this.admin = { email: canonicalEmail(environment.ADMIN_EMAIL ?? 'admin@gatehouse.local'), password: environment.ADMIN_PASSWORD };
    this.sessionLifespanMs = environment.SESSION_LIFESPAN_SECONDS * 1000;
    this.refreshTokenLifespanSeconds = environment.REFRESH_TOKEN_LIFESPAN_SECONDS;
    this.signInRateLimitPerMinute = environment.SIGN_IN_RATE_LIMIT_PER_MINUTE;
    this.passwordHashCost = environment.PASSWORD_HASH_COST;
    this.clientAssertions = { maxLifetimeSeconds: environment.CLIENT_ASSERTION_MAX_LIFETIME_SECONDS, jwksUriAllowPrivateAddresses: environment.JWKS_URI_ALLOW_PRIVATE_ADDRESSES === 'true' };
    this.clientSecretEncryptionKey = environment.CLIENT_SECRET_ENCRYPTION_KEY === undefined ? undefined : Buffer.from(environment.CLIENT_SECRET_ENCRYPTION_KEY, 'base64');
    this.secureCookies = this.production || this.issuer.startsWith('https:');
    this.dpop = { proofMaxAgeSeconds: environment.DPOP_PROOF_MAX_AGE_SECONDS, nonceRequired: environment.DPOP_NONCE === 'required' };
    this.corsOrigins = environment.CORS_ORIGINS ? environment.CORS_ORIGINS.split(',').map((origin) => origin.trim().replace(/\/+$/, '')) : [];
  }

  /** The longest an access token can live: how long a retired signing key stays published. */
  get maxAccessTokenLifespanSeconds(): number {
    return Math.max(this.defaultAccessTokenLifespanSeconds, MAX_CLIENT_ACCESS_TOKEN_LIFESPAN_SECONDS);
  }
}

/** Upper bound of a client's own `access_token_lifespan`. */
export const MAX_CLIENT_ACCESS_TOKEN_LIFESPAN_SECONDS = 86400;
