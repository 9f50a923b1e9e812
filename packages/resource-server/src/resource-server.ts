// The one core: verifies a Gatehouse access token with the realm's published keys only (no
// introspection, no database), through jose. The adapters (fastify.ts, express.ts, nestjs.ts)
// only translate a request into an AccessRequest and an AccessTokenError into an answer.
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from 'jose';
import { DEFAULT_DPOP_ALGORITHMS, ReplayCache, verifyDpopProof } from './dpop.js';
import { AccessTokenError, type ChallengeContext, expiredToken, insufficientScope, invalidDpopProof, invalidToken, keysUnavailable, missingToken, projectForbidden, type Scheme } from './errors.js';

/** RFC 9068 §2.1: what distinguishes an access token from an ID token signed with the same keys. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

export interface ResourceServerOptions {
  /** The realm issuer, exactly as Gatehouse writes it in `iss`: `{PUBLIC_URL}/auth/realms/{organization}`. */
  issuer: string;
  /** This API's identifier: tokens must carry it in `aud`. */
  audience: string;
  /** The `realm` of `WWW-Authenticate` challenges; the audience by default. */
  realm?: string;
  /** The JWKS URL; by default read from the issuer's discovery document on first use. */
  jwksUri?: string | URL;
  /** Leeway for the token's `exp` and `nbf`, in seconds (default 0: a token is dead when its `exp` says, as in Gatehouse and Polaris). */
  clockToleranceSeconds?: number;
  /** The token signature algorithms accepted; by default any asymmetric one the published keys allow. */
  algorithms?: readonly string[];
  /** Whether a request that reaches a project refuses organization tokens (Polaris's rule for projects created after its cut-off). Default false; a route may say otherwise. */
  requireProjectScopedTokens?: boolean;
  /** The JWKS cache (jose's createRemoteJWKSet): refetch on an unknown `kid` no sooner than `cooldownSeconds` (30) after the last fetch; keys kept `cacheMaxAgeSeconds` (600). */
  jwks?: { cooldownSeconds?: number; cacheMaxAgeSeconds?: number; timeoutSeconds?: number };
  /** DPoP proofs (RFC 9449) for tokens bound to a key: their maximum age (`iat`, default 60 s), the leeway for a client clock ahead of ours (default 5 s) and algorithms. */
  dpop?: { maxAgeSeconds?: number; clockToleranceSeconds?: number; algorithms?: readonly string[] };
  /**
   * Publish this API's protected resource metadata (RFC 9728), and name it in every challenge
   * (`resource_metadata`), so that a client holding no token learns from the 401 where to get one.
   * Serve `protectedResourceMetadata()` at `resourceMetadataPath` (the adapters' `publishResourceMetadata` do).
   */
  resourceMetadata?: ResourceMetadataOptions;
  /** The clock, in epoch milliseconds (tests inject one). */
  now?: () => number;
}

/** What the protected resource metadata says besides `resource` (the audience) and `bearer_methods_supported`. */
export interface ResourceMetadataOptions {
  /** The scopes clients may ask for, as registered with the API in Gatehouse (`scopes_supported`). */
  scopes?: readonly string[];
  /** Issuers whose tokens the API accepts (`authorization_servers`); by default the one issuer. */
  authorizationServers?: readonly string[];
  /** A page about the API for developers (`resource_documentation`). */
  documentation?: string;
  /** A name for people (`resource_name`). */
  name?: string;
  /**
   * The metadata's absolute URL, for an API whose identifier is not where it is reached. By default
   * RFC 9728 §3.1's: `/.well-known/oauth-protected-resource` between the host and the path of the audience.
   */
  url?: string;
}

/** RFC 9728 §2: a protected resource's metadata. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  bearer_methods_supported: string[];
  scopes_supported?: string[];
  resource_documentation?: string;
  resource_name?: string;
  dpop_signing_alg_values_supported: string[];
}

const RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource';

/** RFC 9728 §3.1: the well-known path goes between the host and the resource identifier's path (without a trailing slash). */
export function protectedResourceMetadataUrl(resource: string): string {
  const url = new URL(resource);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`resourceMetadata needs a url: the audience ${resource} is not an http(s) URL`);
  return `${url.origin}${RESOURCE_METADATA_PATH}${url.pathname.replace(/\/+$/, '')}`;
}

/** What the core needs of a request. */
export interface AccessRequest {
  method: string;
  /** The absolute URL the client addressed (a DPoP proof's `htu` must match it). */
  url: string;
  /**
   * The URL's origin came from the request's Host header, which the caller chooses: a DPoP proof
   * made for another API could then be replayed here, so bound tokens are refused.
   */
  originFromHost?: boolean;
  authorization?: string;
  /** The DPoP header field(s). */
  dpop?: string | readonly string[];
}

/** What a route requires of the token. */
export interface AccessRequirements {
  /** Every one of these scopes (all-of). */
  scopes?: readonly string[];
  /** The project the request reaches: a project-scoped token must be scoped to it. */
  project?: string;
  /** With `project`: whether organization tokens are refused (overrides the `requireProjectScopedTokens` option). */
  requireProjectScopedToken?: boolean;
  /** The request reaches organization-wide resources: project-scoped tokens are refused. */
  organizationOnly?: boolean;
}

/** A verified token, in the terms routes need. */
export interface VerifiedAccessToken {
  /** The token as sent. */
  token: string;
  /** Its claims, as signed. */
  claims: Readonly<JWTPayload>;
  /** Its `scope` claim, split. */
  scopes: ReadonlySet<string>;
  /** `org_id`: whose resources it reaches. */
  organizationId: string;
  /** `project_id` (Polaris's `scope=project-{id}`): the one project it reaches; undefined for an organization token. */
  projectId: string | undefined;
  /** `client_id`. */
  clientId: string | undefined;
  /** Who acts: the user for a user token (`sub_type: user`), else the client. */
  actor: string;
  /** `cnf.jkt` when the token is bound to a key (and the request carried a valid proof of it). */
  boundKey: string | undefined;
}

/** RFC 6750 §2.1 b64token, under the Bearer or DPoP scheme (RFC 9449 §7.1). */
const AUTHORIZATION = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*) *$/i;
const PROJECT_SCOPE = /^project-(.+)$/;

/** jose's errors that say the token is bad, as opposed to the keys being out of reach. */
const TOKEN_FAULTS = new Map([
  ['ERR_JWS_SIGNATURE_VERIFICATION_FAILED', 'The access token signature is invalid'],
  ['ERR_JWKS_NO_MATCHING_KEY', 'No published key matches the access token (its kid or alg)'],
  ['ERR_JWKS_MULTIPLE_MATCHING_KEYS', 'No single published key matches the access token'],
  ['ERR_JWS_INVALID', 'The access token is not a well-formed JWT'],
  ['ERR_JWT_INVALID', 'The access token is not a well-formed JWT'],
  ['ERR_JOSE_ALG_NOT_ALLOWED', 'The access token is signed with an algorithm that is not allowed'],
  ['ERR_JOSE_NOT_SUPPORTED', 'The access token is signed with an algorithm that is not supported'],
]);

/** Which claim failed, in words (jose's JWTClaimValidationFailed names it). */
const CLAIM_FAULTS = new Map([
  ['iss', 'The access token was issued by another issuer'],
  ['aud', 'The access token is meant for another audience'],
  ['typ', `The token is not an access token (typ must be ${ACCESS_TOKEN_TYPE})`],
  ['nbf', 'The access token is not valid yet'],
  ['iat', 'The access token has an invalid iat'],
  ['exp', 'The access token has no valid expiry'],
]);

/** The RFC 8414 §3.1 metadata URL: the well-known segment goes between the host and the issuer's path. */
function rfc8414MetadataUrl(issuer: URL): string {
  return `${issuer.origin}/.well-known/oauth-authorization-server${issuer.pathname.replace(/\/+$/, '')}`;
}

/**
 * The issuer's `jwks_uri`, from OpenID Connect Discovery (which Gatehouse serves for every realm),
 * else from RFC 8414 metadata. The document must name the same issuer (RFC 8414 §3.3), or anyone
 * answering at that URL could hand us their keys.
 */
export async function discoverJwksUri(issuer: string, timeoutMs = 5000): Promise<URL> {
  const failures: string[] = [];
  for (const url of [`${issuer}/.well-known/openid-configuration`, rfc8414MetadataUrl(new URL(issuer))]) {
    const response = await fetch(url, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) {
      failures.push(`${url}: ${response.status}`);
      continue;
    }
    const metadata = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (metadata.issuer !== issuer) throw new Error(`${url} names the issuer ${String(metadata.issuer)}, not ${issuer}`);
    if (typeof metadata.jwks_uri !== 'string') throw new Error(`${url} has no jwks_uri`);
    return new URL(metadata.jwks_uri);
  }
  throw new Error(`No authorization server metadata for ${issuer} (${failures.join('; ')})`);
}

/** `https://api.example.com` of `https://api.example.com/v1`; undefined for an identifier that is not an http(s) URL. */
function httpOrigin(identifier: string): string | undefined {
  try {
    const url = new URL(identifier);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

export class ResourceServer {
  readonly issuer: string;
  readonly audience: string;
  readonly realm: string;
  private readonly clockTolerance: number;
  private readonly now: () => number;
  private readonly dpopMaxAge: number;
  private readonly dpopAlgorithms: readonly string[];
  private readonly replay = new ReplayCache();
  private keySet: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  /** Where the protected resource metadata is (RFC 9728), when the API publishes it. */
  readonly resourceMetadataUrl: string | undefined;
  /**
   * The API's public origin when the adapters are not told one: the audience's, when the audience
   * is an http(s) URL (it names this API). A DPoP proof's `htu` must then name this origin.
   */
  readonly defaultOrigin: string | undefined;

  constructor(private readonly options: ResourceServerOptions) {
    if (!/^https?:\/\/[^/]/.test(options.issuer)) throw new TypeError('issuer must be the realm issuer URL, e.g. https://gatehouse.example.com/auth/realms/acme');
    if (!options.audience) throw new TypeError("audience must be this API's identifier (the aud of its tokens)");
    this.issuer = options.issuer;
    this.audience = options.audience;
    this.realm = options.realm ?? options.audience;
    this.clockTolerance = options.clockToleranceSeconds ?? 0;
    this.now = options.now ?? Date.now;
    this.dpopMaxAge = options.dpop?.maxAgeSeconds ?? 60;
    this.dpopAlgorithms = options.dpop?.algorithms ?? DEFAULT_DPOP_ALGORITHMS;
    this.resourceMetadataUrl = options.resourceMetadata === undefined ? undefined : (options.resourceMetadata.url ?? protectedResourceMetadataUrl(options.audience));
    this.defaultOrigin = httpOrigin(options.audience);
  }

  /** The path to serve `protectedResourceMetadata()` at (undefined without the `resourceMetadata` option). */
  get resourceMetadataPath(): string | undefined {
    return this.resourceMetadataUrl === undefined ? undefined : new URL(this.resourceMetadataUrl).pathname;
  }

  /** The API's protected resource metadata (RFC 9728 §2), to serve as JSON at `resourceMetadataPath`. */
  protectedResourceMetadata(): ProtectedResourceMetadata {
    const metadata = this.options.resourceMetadata;
    if (metadata === undefined) throw new TypeError('This ResourceServer was created without the resourceMetadata option');
    return {
      resource: this.audience,
      authorization_servers: [...(metadata.authorizationServers ?? [this.issuer])],
      // The adapters read the token from the Authorization header only.
      bearer_methods_supported: ['header'],
      ...(metadata.scopes !== undefined && { scopes_supported: [...metadata.scopes] }),
      ...(metadata.documentation !== undefined && { resource_documentation: metadata.documentation }),
      ...(metadata.name !== undefined && { resource_name: metadata.name }),
      dpop_signing_alg_values_supported: [...this.dpopAlgorithms],
    };
  }

  /**
   * The request's token, verified and checked against `requirements`; else throws an
   * AccessTokenError to send as it is. Checks, in order: the header; the signature with the
   * issuer's key its `kid` names; `typ`, `iss`, `aud`, `exp` and `nbf`; Gatehouse's claims; the
   * DPoP proof when the token is bound; the scopes; the project.
   */
  async verify(request: AccessRequest, requirements: AccessRequirements = {}): Promise<VerifiedAccessToken> {
    const presented = AUTHORIZATION.exec(request.authorization ?? '');
    const scheme: Scheme = presented?.[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
    let context: ChallengeContext = { realm: this.realm, scheme, algs: this.dpopAlgorithms, ...(this.resourceMetadataUrl !== undefined && { resourceMetadata: this.resourceMetadataUrl }) };
    if (!presented) {
      if (!request.authorization || !/^(bearer|dpop)(\s|$)/i.test(request.authorization)) throw missingToken(context);
      throw invalidToken(context, 'The Authorization header is not "Bearer <access_token>"');
    }
    const token = presented[2];

    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, await this.keys(), {
        issuer: this.issuer,
        audience: this.audience,
        typ: ACCESS_TOKEN_TYPE,
        requiredClaims: ['exp'],
        algorithms: this.options.algorithms ? [...this.options.algorithms] : undefined,
        clockTolerance: this.clockTolerance,
        currentDate: new Date(this.now()),
      }));
    } catch (error) {
      throw this.refusal(context, error);
    }
    const verified = readClaims(token, claims, context);

    let consumeProof = () => {};
    if (verified.boundKey !== undefined) {
      context = { ...context, scheme: 'DPoP' };
      if (scheme !== 'DPoP') throw invalidToken(context, 'The access token is bound to a key (cnf.jkt): send it as "Authorization: DPoP <access_token>" with a DPoP proof');
      if (request.originFromHost) throw invalidDpopProof(context, "This API does not accept DPoP-bound tokens: it was not told its public origin (the adapters' origin option)");
      consumeProof = await verifyDpopProof({
        proof: request.dpop,
        method: request.method.toUpperCase(),
        url: request.url,
        accessToken: token,
        jkt: verified.boundKey,
        nowMs: this.now(),
        clockToleranceSeconds: this.options.dpop?.clockToleranceSeconds ?? 5,
        maxAgeSeconds: this.dpopMaxAge,
        algorithms: this.dpopAlgorithms,
        replay: this.replay,
        context,
      });
    } else if (scheme === 'DPoP') {
      throw invalidToken(context, 'The access token is not bound to a key: send it as "Authorization: Bearer <access_token>"');
    }

    const required = requirements.scopes ?? [];
    const missing = required.filter((scope) => !verified.scopes.has(scope));
    if (missing.length > 0) throw insufficientScope(context, required, missing);
    this.checkProject(context, verified, requirements);
    consumeProof();
    return verified;
  }

  private checkProject(context: ChallengeContext, token: VerifiedAccessToken, requirements: AccessRequirements): void {
    if (requirements.organizationOnly && token.projectId !== undefined) {
      throw projectForbidden(context, `This access token is scoped to project ${token.projectId}; this resource belongs to the organization: use a token without a project scope`);
    }
    const project = requirements.project;
    if (project === undefined) return;
    if (token.projectId !== undefined && token.projectId !== project) throw projectForbidden(context, `This access token is scoped to project ${token.projectId}, not ${project}`);
    const projectScopedOnly = requirements.requireProjectScopedToken ?? this.options.requireProjectScopedTokens ?? false;
    if (token.projectId === undefined && projectScopedOnly) {
      throw projectForbidden(context, `This project requires a project-scoped token: request one with scope=project-${project}`, `project-${project}`);
    }
  }

  /** The issuer's keys: discovered on first use and kept; a failed discovery is not kept, so the next request tries again (the API may start before Gatehouse). */
  private keys(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    const jwks = this.options.jwks ?? {};
    const remote = (uri: URL) =>
      createRemoteJWKSet(uri, {
        cooldownDuration: (jwks.cooldownSeconds ?? 30) * 1000,
        cacheMaxAge: (jwks.cacheMaxAgeSeconds ?? 600) * 1000,
        timeoutDuration: (jwks.timeoutSeconds ?? 5) * 1000,
      });
    this.keySet ??= (this.options.jwksUri ? Promise.resolve(new URL(this.options.jwksUri)) : discoverJwksUri(this.issuer, (jwks.timeoutSeconds ?? 5) * 1000)).then(remote, (error: unknown) => {
      this.keySet = undefined;
      throw error;
    });
    return this.keySet;
  }

  private refusal(context: ChallengeContext, error: unknown): AccessTokenError {
    if (error instanceof AccessTokenError) return error;
    if (error instanceof errors.JWTExpired) return expiredToken(context, error);
    if (error instanceof errors.JWTClaimValidationFailed) return invalidToken(context, CLAIM_FAULTS.get(error.claim) ?? `The access token's ${error.claim} claim is invalid`, error);
    const code = (error as { code?: unknown } | undefined)?.code;
    const fault = typeof code === 'string' ? TOKEN_FAULTS.get(code) : undefined;
    if (fault) return invalidToken(context, fault, error);
    // The discovery document or the JWKS could not be fetched: the token may well be good.
    return keysUnavailable(this.issuer, error);
  }
}

/** The claims Gatehouse puts in every access token, checked for their form. */
function readClaims(token: string, claims: JWTPayload, context: ChallengeContext): VerifiedAccessToken {
  if (claims.scope !== undefined && typeof claims.scope !== 'string') throw invalidToken(context, 'The access token scope is malformed');
  if (typeof claims.org_id !== 'string') throw invalidToken(context, 'The access token names no organization (org_id)');
  if (claims.project_id !== undefined && typeof claims.project_id !== 'string') throw invalidToken(context, 'The access token project_id is malformed');
  const scopes = new Set(typeof claims.scope === 'string' && claims.scope ? claims.scope.split(' ') : []);
  const projectScopes = [...scopes].flatMap((scope) => PROJECT_SCOPE.exec(scope)?.[1] ?? []);
  if (projectScopes.length > 1) throw invalidToken(context, 'The access token is scoped to more than one project');
  // Gatehouse writes both; either alone is enough, but they must agree.
  const projectId = (claims.project_id as string | undefined) ?? projectScopes[0];
  if (projectId !== undefined && projectScopes[0] !== projectId) throw invalidToken(context, 'The access token names a project outside its scope');
  let boundKey: string | undefined;
  if (claims.cnf !== undefined) {
    const jkt = (claims.cnf as { jkt?: unknown } | null)?.jkt;
    if (typeof jkt !== 'string' || jkt === '') throw invalidToken(context, 'The access token is bound to a key this server cannot check (cnf without jkt)');
    boundKey = jkt;
  }
  const clientId = typeof claims.client_id === 'string' ? claims.client_id : undefined;
  const actor = claims.sub_type === 'user' && typeof claims.sub === 'string' ? claims.sub : (clientId ?? String(claims.sub));
  return { token, claims, scopes, organizationId: claims.org_id, projectId, clientId, actor, boundKey };
}
