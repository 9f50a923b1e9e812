// RFC 9449 §4.3 and §7.1: the checks a resource server makes of the DPoP proof that comes with a
// token bound to a key (`cnf.jkt`). Nonces (§8, §9) are not asked for.
import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, EmbeddedJWK, errors, type JWK, jwtVerify } from 'jose';
import { type ChallengeContext, invalidDpopProof } from './errors.js';

/** The proof algorithms accepted by default: asymmetric only (§4.3 point 5), the ones jose and common clients support. */
export const DEFAULT_DPOP_ALGORITHMS: readonly string[] = ['ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];

/**
 * The proofs' `jti`s seen lately, so that a proof is used once (§11.1). An entry is kept as long
 * as a proof with that `jti` could still pass the `iat` check; entries are added in the order they
 * expire, so the oldest are dropped from the front.
 */
export class ReplayCache {
  private readonly entries = new Map<string, number>();

  /** Whether `key` was recorded and has not expired at `nowMs`. */
  has(key: string, nowMs: number): boolean {
    this.purge(nowMs);
    return this.entries.has(key);
  }

  record(key: string, expiresAtMs: number): void {
    this.entries.set(key, expiresAtMs);
  }

  get size(): number {
    return this.entries.size;
  }

  private purge(nowMs: number): void {
    for (const [key, expiresAt] of this.entries) {
      if (expiresAt > nowMs) return;
      this.entries.delete(key);
    }
  }
}

/** The URI a proof's `htu` must name: the request's without query and fragment (§4.3 point 9), compared in normal form (RFC 3986 §6). */
function withoutQuery(uri: string): string | undefined {
  try {
    const url = new URL(uri);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return undefined;
  }
}

export interface ProofCheck {
  /** The DPoP header field(s) of the request. */
  proof: string | readonly string[] | undefined;
  method: string;
  /** The request's absolute URL, as the client addressed it. */
  url: string;
  accessToken: string;
  /** The token's `cnf.jkt`. */
  jkt: string;
  nowMs: number;
  clockToleranceSeconds: number;
  maxAgeSeconds: number;
  algorithms: readonly string[];
  replay: ReplayCache;
  context: ChallengeContext;
}

/**
 * Verifies the proof and returns the function that consumes its `jti`: the caller checks
 * everything else first, then consumes (synchronously, so two requests with one proof cannot both pass).
 */
export async function verifyDpopProof(check: ProofCheck): Promise<() => void> {
  const refuse = (description: string, cause?: unknown) => invalidDpopProof(check.context, description, cause);
  const proofs = check.proof === undefined ? [] : typeof check.proof === 'string' ? [check.proof] : [...check.proof];
  if (proofs.length !== 1 || !proofs[0]) throw refuse('The access token is bound to a key: send one DPoP proof in a DPoP header (RFC 9449)');

  let payload;
  let jwk: JWK;
  try {
    const verified = await jwtVerify(proofs[0], EmbeddedJWK, {
      typ: 'dpop+jwt',
      algorithms: [...check.algorithms],
      requiredClaims: ['jti', 'htm', 'htu', 'iat', 'ath'],
      currentDate: new Date(check.nowMs),
      clockTolerance: check.clockToleranceSeconds,
      maxTokenAge: check.maxAgeSeconds,
    });
    payload = verified.payload;
    jwk = verified.protectedHeader.jwk as JWK;
  } catch (error) {
    throw refuse(proofFault(error), error);
  }

  if (typeof payload.jti !== 'string' || payload.jti === '') throw refuse('The DPoP proof has no jti');
  if ((await calculateJwkThumbprint(jwk, 'sha256')) !== check.jkt) throw refuse('The DPoP proof is signed with another key than the one the access token is bound to (cnf.jkt)');
  if (payload.htm !== check.method) throw refuse(`The DPoP proof is for another HTTP method (htm must be ${check.method})`);
  const htu = typeof payload.htu === 'string' ? withoutQuery(payload.htu) : undefined;
  if (htu === undefined || htu !== withoutQuery(check.url)) throw refuse('The DPoP proof is for another URL (htu)');
  const ath = createHash('sha256').update(check.accessToken).digest('base64url');
  if (payload.ath !== ath) throw refuse('The DPoP proof is for another access token (ath)');

  const key = `${check.jkt} ${payload.jti}`;
  // Long enough that the proof's iat check would refuse it by the time its entry is dropped.
  const expiresAt = check.nowMs + (check.maxAgeSeconds + 2 * check.clockToleranceSeconds) * 1000;
  return () => {
    if (check.replay.has(key, check.nowMs)) throw refuse('The DPoP proof was used already (jti)');
    check.replay.record(key, expiresAt);
  };
}

function proofFault(error: unknown): string {
  if (error instanceof errors.JWTExpired) return error.claim === 'iat' ? 'The DPoP proof is too old (iat)' : 'The DPoP proof expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'typ') return 'The DPoP proof is not a DPoP proof (typ must be dpop+jwt)';
    if (error.claim === 'iat') return 'The DPoP proof is issued in the future (iat)';
    return `The DPoP proof's ${error.claim} claim is missing or invalid`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'The DPoP proof is signed with an algorithm that is not allowed';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The DPoP proof signature is invalid';
  return 'The DPoP proof is not a well-formed JWT with a public jwk header';
}
