import { isIP } from 'node:net';
import { plainToInstance } from 'class-transformer';
import { CLIENT_ID_PATTERN } from '../common/client-id.js';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../common/logging/logger.js';
import { IsEmail, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, validateSync, ValidateBy } from 'class-validator';

/** log2 of scrypt's N for password hashes unless PASSWORD_HASH_COST says otherwise (see PasswordHasher). */
export const DEFAULT_PASSWORD_HASH_COST = 15;

export const SIGNING_ALGORITHMS = ['ES256', 'RS256', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];
/** What ID tokens are signed with unless their client chose otherwise: OpenID Connect Discovery requires RS256. */
export const DEFAULT_ID_TOKEN_ALGORITHM: SigningAlgorithm = 'RS256';

/** Organization (realm) names: they appear in URLs and issuers. */
export const REALM_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;

export { CLIENT_ID_PATTERN } from '../common/client-id.js';

const TRUST_PROXY_PATTERN = /^[0-9A-Fa-f:.]+(\/\d{1,3})?(\s*,\s*[0-9A-Fa-f:.]+(\/\d{1,3})?)*$/;

/**
 * Fastify's `trustProxy` from TRUST_PROXY: the proxies' addresses, or false. Read before the
 * configuration is validated (the HTTP adapter comes first); a malformed value trusts nobody here
 * and is reported by the validation.
 */
export function trustedProxies(value: string | undefined): string[] | false {
  return value !== undefined && TRUST_PROXY_PATTERN.test(value.trim()) ? value.split(',').map((address) => address.trim()) : false;
}

/** An RFC 1123 host name (for HOST: an address to listen on is an IP address or a name that resolves to one). */
const HOST_NAME_PATTERN = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** The administrator's password bounds, for ADMIN_PASSWORD and for `gatehouse reset-admin-password`. */
export const ADMIN_PASSWORD_MIN_LENGTH = 12;
export const ADMIN_PASSWORD_MAX_LENGTH = 256;

/**
 * Every environment variable Gatehouse reads, with its default. `validateEnvironment` is the one
 * place they are checked; the server refuses to start with a message naming the variable.
 */
export class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: string = 'development';

  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 8080;

  // The address to listen on; every interface by default. A host name is resolved by the OS.
  @ValidateBy({
    name: 'isListenAddress',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && (isIP(value) !== 0 || HOST_NAME_PATTERN.test(value)),
      defaultMessage: () => 'HOST must be an IP address or a host name, such as 127.0.0.1, :: or localhost',
    },
  })
  HOST: string = '0.0.0.0';

  // A second port, on HOST, serving GET /metrics without a token, for a scraper on a private
  // network; unset, /metrics is served only on PORT, to tokens with the metrics:read scope.
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  METRICS_PORT?: number;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  // JSON lines for a log collector, or one readable line per event for a person at a terminal.
  // Unset: JSON with NODE_ENV=production (and test), readable in development.
  @IsOptional()
  @IsIn(LOG_FORMATS)
  LOG_FORMAT?: LogFormat;

  @IsString()
  @Matches(/^(sqlite:.+|mysql:\/\/.+|mariadb:\/\/.+)$/, {
    message: 'DATABASE_URL must look like sqlite:<file>, sqlite::memory: or mysql://user:password@host:port/database',
  })
  DATABASE_URL: string = 'sqlite:data/gatehouse.sqlite';

  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, { message: 'PUBLIC_URL must be an http(s) URL such as https://auth.example.com' })
  PUBLIC_URL?: string;

  // OpenTelemetry (the SDK's own variable names): where to send traces over OTLP/HTTP; unset, nothing is traced.
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, { message: 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL such as http://otel-collector:4318' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  @IsOptional()
  @Matches(/^[\w.-]{1,100}$/, { message: 'OTEL_SERVICE_NAME must be 1-100 characters of A-Z a-z 0-9 _ . -' })
  OTEL_SERVICE_NAME?: string;

  @IsOptional()
  @Matches(CLIENT_ID_PATTERN, { message: 'OAUTH_ROOT_CLIENT_ID must be 1-64 characters of A-Z a-z 0-9 . _ ~ -' })
  OAUTH_ROOT_CLIENT_ID?: string;

  // The root client holds every scope, so its secret must be as strong as a generated one
  // (32 random bytes are 43 base64url characters).
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'OAUTH_ROOT_CLIENT_SECRET must be at least 32 characters long' })
  @MaxLength(512)
  OAUTH_ROOT_CLIENT_SECRET?: string;

  // Fides defaults to 8 days; a token that lives that long is a credential in its own right.
  // One hour (Atlas's fixed validity) keeps scripts simple and leaks short.
  @IsInt()
  @Min(1)
  @Max(60 * 24 * 30)
  OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES: number = 60;

  @IsIn(SIGNING_ALGORITHMS)
  OAUTH_SIGNING_ALG: SigningAlgorithm = 'ES256';

  @IsOptional()
  @IsString()
  @MaxLength(512)
  OAUTH_TOKEN_AUDIENCE?: string;

  // The reverse proxies in front of Gatehouse, comma-separated addresses or CIDR ranges: from
  // them, X-Forwarded-For names the caller (request.ip), which the brute-force lockouts and the
  // rate limits count by. None by default: the caller is the connection's address.
  @IsOptional()
  @Matches(TRUST_PROXY_PATTERN, { message: 'TRUST_PROXY must be a comma-separated list of IP addresses or CIDR ranges such as 10.0.0.0/8' })
  TRUST_PROXY?: string;

  // Browser origins allowed to call the API (CORS), comma-separated; none by default.
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/,]+\/?(,\s*https?:\/\/[^\s/,]+\/?)*$/, { message: 'CORS_ORIGINS must be a comma-separated list of origins such as https://app.example.com' })
  CORS_ORIGINS?: string;

  @Matches(REALM_NAME_PATTERN, { message: 'DEFAULT_ORGANIZATION must be 1-64 characters of a-z 0-9 - (starting with a letter or digit)' })
  DEFAULT_ORGANIZATION: string = 'default';

  // How long a client's state (scopes, disabled flag, secret hash) may be served from this
  // process's memory before it is read again from the database.
  @IsInt()
  @Min(0)
  @Max(3600)
  CLIENT_CACHE_TTL_SECONDS: number = 30;

  // Worker processes (node:cluster) sharing the port, the database and the signing keys.
  @IsInt()
  @Min(1)
  @Max(64)
  GATEHOUSE_WORKERS: number = 1;

  // Brute-force protection (see ClientLockout): after this many failed authentications for one
  // client_id or email from one address within BRUTE_FORCE_WINDOW_SECONDS, that address is
  // refused for that id for a wait that starts at BRUTE_FORCE_LOCKOUT_SECONDS and doubles with
  // each lockout (at most an hour). 0 turns brute-force protection off.
  @IsInt()
  @Min(0)
  @Max(1000)
  BRUTE_FORCE_MAX_FAILURES: number = 10;

  // Failed authentications for one client_id or email from all addresses together within
  // BRUTE_FORCE_WINDOW_SECONDS; beyond it, for the same growing wait, only addresses that
  // authenticated as that id recently are served. 0 turns this overall bound off.
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  BRUTE_FORCE_MAX_FAILURES_OVERALL: number = 100;

  // Failed authentications from one address for all client_ids and emails together within
  // BRUTE_FORCE_WINDOW_SECONDS; beyond it, for the same growing wait, that address is refused for
  // every id it has not authenticated as recently. 0 turns this bound off.
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  BRUTE_FORCE_MAX_FAILURES_PER_ADDRESS: number = 100;

  @IsInt()
  @Min(1)
  @Max(86400)
  BRUTE_FORCE_WINDOW_SECONDS: number = 60;

  @IsInt()
  @Min(1)
  @Max(3600)
  BRUTE_FORCE_LOCKOUT_SECONDS: number = 30;

  // Requests per minute per client IP on each token endpoint; 0 turns the limit off.
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  RATE_LIMIT_PER_MINUTE: number = 1200;

  // Anonymous client registrations (an organization's open_registration) per source address
  // (an IPv6 address counts as its /64) per hour, on each instance.
  @IsInt()
  @Min(1)
  @Max(100_000)
  OPEN_REGISTRATION_PER_HOUR: number = 10;

  // How long a pushed authorization request's request_uri may be presented (RFC 9126 `expires_in`).
  @IsInt()
  @Min(10)
  @Max(600)
  PAR_REQUEST_URI_LIFETIME_SECONDS: number = 60;

  // How long an invitation's one-time code may be used to accept it (default 7 days).
  @IsInt()
  @Min(300)
  @Max(7_776_000)
  INVITATION_LIFETIME_SECONDS: number = 604_800;

  // On SIGTERM, how long readiness answers 503 (so load balancers stop sending traffic) before
  // the server stops accepting connections and finishes the requests in flight.
  @IsInt()
  @Min(0)
  @Max(300)
  SHUTDOWN_GRACE_SECONDS: number = 5;

  // How often each process re-reads the signing keys, so that a rotation done by one process
  // reaches the others.
  @IsInt()
  @Min(1)
  @Max(86400)
  SIGNING_KEY_RELOAD_SECONDS: number = 60;

  // How far a DPoP proof's `iat` may be from this server's time, either way (RFC 9449 §11.1): also
  // how long its `jti` is remembered.
  @IsInt()
  @Min(5)
  @Max(600)
  DPOP_PROOF_MAX_AGE_SECONDS: number = 60;

  // `required`: every DPoP proof must carry a nonce this server issued (RFC 9449 §8), given in the
  // `DPoP-Nonce` header; `optional`: a nonce is checked when a proof carries one.
  @IsIn(['optional', 'required'])
  DPOP_NONCE: 'optional' | 'required' = 'optional';

  // How often each process reads the change feed (revocations, not-before pushes, client and
  // organization changes made by other processes): the bound on how stale its memory can be.
  @IsInt()
  @Min(50)
  @Max(10_000)
  CHANGE_FEED_POLL_MS: number = 250;

  // The bootstrap administrator: a user with administer-account in the built-in organization,
  // made at start (generated and printed once outside production, as the root client is).
  @IsOptional()
  @IsEmail({}, { message: 'ADMIN_EMAIL must be an email address' })
  ADMIN_EMAIL?: string;

  @IsOptional()
  @IsString()
  @MinLength(ADMIN_PASSWORD_MIN_LENGTH, { message: `ADMIN_PASSWORD must be at least ${ADMIN_PASSWORD_MIN_LENGTH} characters long` })
  @MaxLength(ADMIN_PASSWORD_MAX_LENGTH)
  ADMIN_PASSWORD?: string;

  // How long a sign-in lasts in the browser before the password is asked again.
  @IsInt()
  @Min(60)
  @Max(30 * 86400)
  SESSION_LIFESPAN_SECONDS: number = 8 * 3600;

  // How long each refresh token can be used; every use rotates it and the new one gets a full lifespan.
  @IsInt()
  @Min(60)
  @Max(365 * 86400)
  REFRESH_TOKEN_LIFESPAN_SECONDS: number = 30 * 86400;

  // Sign-in attempts per minute per client IP; 0 turns the limit off.
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  SIGN_IN_RATE_LIMIT_PER_MINUTE: number = 30;

  // scrypt's cost for new password hashes, as the base-2 logarithm of N (r=8, p=3): 15 is one of
  // OWASP's settings. Higher slows guessing from a stolen table, and every sign-in alike. Lower
  // is for test suites only, refused when NODE_ENV=production. A hash keeps the cost it was made
  // with, so a change applies to passwords set from then on.
  @IsInt()
  @Min(10)
  @Max(17)
  PASSWORD_HASH_COST: number = DEFAULT_PASSWORD_HASH_COST;

  // The longest a client assertion (private_key_jwt, client_secret_jwt) may be valid for, from
  // now to its exp: a short life bounds how long its jti must be remembered.
  @IsInt()
  @Min(10)
  @Max(3600)
  CLIENT_ASSERTION_MAX_LIFETIME_SECONDS: number = 300;

  // Lets Gatehouse fetch a client's jwks_uri from loopback, private and link-local addresses, and
  // over http from loopback: for tests and closed networks only. Off, such a jwks_uri is refused
  // when it is fetched (the addresses actually connected to are checked, not only the name).
  @IsIn(['true', 'false'])
  JWKS_URI_ALLOW_PRIVATE_ADDRESSES: 'true' | 'false' = 'false';

  // 32 random bytes (base64 or base64url, 43-44 characters): the AES-256-GCM key of the copies of
  // client_secret_jwt clients' secrets, which Gatehouse needs to check their HMAC assertions. Only
  // those clients' secrets are kept this way; without the key such clients cannot be created, and
  // the server refuses to start while one exists.
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/_-]{43}=?$/, { message: 'CLIENT_SECRET_ENCRYPTION_KEY must be 32 random bytes in base64 or base64url (e.g. openssl rand -base64 32)' })
  CLIENT_SECRET_ENCRYPTION_KEY?: string;
}

/**
 * The variables read as integers: every one whose default is a number, and the optional METRICS_PORT.
 * Derived rather than listed, so a new numeric setting cannot be left out (and then refused as "not
 * an integer" whenever it comes from the environment as text).
 */
const NUMERIC_KEYS: readonly string[] = [...Object.entries(new Environment()).flatMap(([key, value]) => (typeof value === 'number' ? [key] : [])), 'METRICS_PORT'];

/** Variables without a default (not own properties of a new Environment). */
export const OPTIONAL_KEYS = ['METRICS_PORT', 'PUBLIC_URL', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_SERVICE_NAME', 'OAUTH_ROOT_CLIENT_ID', 'OAUTH_ROOT_CLIENT_SECRET', 'OAUTH_TOKEN_AUDIENCE', 'TRUST_PROXY', 'CORS_ORIGINS', 'ADMIN_EMAIL', 'ADMIN_PASSWORD', 'LOG_FORMAT', 'CLIENT_SECRET_ENCRYPTION_KEY'] as const;

/** Every variable Gatehouse reads. */
export const ENVIRONMENT_KEYS = [...Object.keys(new Environment()), ...OPTIONAL_KEYS] as (keyof Environment)[];

/**
 * The one message to report for a variable: whether it has the right type first (a value that is
 * not a number is not "too small" as well), then its range or pattern.
 */
function firstProblem(constraints: Record<string, string>): string {
  const typeCheck = ['isInt', 'isString', 'isIn'].find((name) => name in constraints);
  return constraints[typeCheck ?? Object.keys(constraints)[0]!]!;
}

export class InvalidConfigurationError extends Error {
  override readonly name = 'InvalidConfigurationError';
}

/** Reads and checks the environment; throws `InvalidConfigurationError` naming each bad variable. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const known: Record<string, unknown> = {};
  for (const key of ENVIRONMENT_KEYS) {
    const value = raw[key];
    if (value === undefined || value === '') continue;
    // Numbers are converted here rather than by class-transformer's implicit conversion, which
    // would turn "8080abc" into NaN and "" into 0 without a word. A negative integer is converted
    // too, so that it is reported as below the minimum rather than as not a number.
    known[key] = NUMERIC_KEYS.includes(key) && typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  }
  const environment = plainToInstance(Environment, known);
  // One message per variable: "PORT=abc" is not an integer, and saying it is also out of range
  // (both ways) only contradicts that.
  const problems = validateSync(environment, { forbidUnknownValues: true }).map((error) => {
    const message = firstProblem(error.constraints ?? {});
    return message.startsWith(error.property) ? message : `${error.property}: ${message}`;
  });
  const rootParts = [environment.OAUTH_ROOT_CLIENT_ID, environment.OAUTH_ROOT_CLIENT_SECRET].filter(Boolean).length;
  if (rootParts === 1) {
    problems.push('OAUTH_ROOT_CLIENT_ID and OAUTH_ROOT_CLIENT_SECRET must be set together');
  } else if (rootParts === 0 && environment.NODE_ENV === 'production') {
    problems.push('OAUTH_ROOT_CLIENT_ID and OAUTH_ROOT_CLIENT_SECRET must be set when NODE_ENV=production');
  }
  if (environment.METRICS_PORT !== undefined && environment.METRICS_PORT === environment.PORT) {
    problems.push('METRICS_PORT must differ from PORT: the public port serves /metrics only to tokens with metrics:read');
  }
  const adminParts = [environment.ADMIN_EMAIL, environment.ADMIN_PASSWORD].filter(Boolean).length;
  if (adminParts === 0 && environment.NODE_ENV === 'production') {
    problems.push('ADMIN_EMAIL and ADMIN_PASSWORD must be set when NODE_ENV=production');
  } else if (adminParts === 1 && environment.NODE_ENV === 'production') {
    problems.push(`${environment.ADMIN_EMAIL ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'} must be set with ${environment.ADMIN_EMAIL ? 'ADMIN_EMAIL' : 'ADMIN_PASSWORD'} when NODE_ENV=production`);
  }
  if (environment.PASSWORD_HASH_COST < DEFAULT_PASSWORD_HASH_COST && environment.NODE_ENV === 'production') {
    problems.push(`PASSWORD_HASH_COST must be at least ${DEFAULT_PASSWORD_HASH_COST} when NODE_ENV=production`);
  }
  if (problems.length > 0) {
    throw new InvalidConfigurationError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return environment;
}
