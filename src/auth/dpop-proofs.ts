import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { calculateJwkThumbprint, type CryptoKey, errors, importJWK, type JWK, type JWSHeaderParameters, type JWTPayload, jwtVerify } from 'jose';
import { Clock } from '../common/clock.js';
import { InvalidDpopProof, UseDpopNonce } from '../common/errors/oauth-errors.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { decodeCompactJws } from '../keys/compact-jws.js';
import { SigningKeyService } from '../keys/signing-key.service.js';
import { UsedTokenIds } from '../replay/used-token-ids.js';

/** The proof algorithms taken: asymmetric only (RFC 9449 §4.3 point 5); published as `dpop_signing_alg_values_supported`. */
export const DPOP_ALGORITHMS: readonly string[] = ['ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];

/** The JOSE `typ` of a server nonce (see DpopProofs.nonce). */
const NONCE_TYPE = 'dpop-nonce+jwt';
/** A nonce is good in the window it was issued in and the next one: 5 to 10 minutes. */
const NONCE_WINDOW_MS = 5 * 60_000;
/** Longer than any honest proof's `jti` (jose and the libraries send 43 characters). */
const MAX_JTI_LENGTH = 256;

/** How many proof keys a process keeps imported: a client signs every proof with its one key. */
const PROOF_KEY_CACHE_SIZE = 1000;

/**
 * The public keys proofs embed (`jwk`), imported once each with their thumbprint, as jose's
 * EmbeddedJWK would import them on every proof: a client signs all its proofs with one key, and
 * importing it and computing its thumbprint again cost more than checking the signature.
 */
class ProofKeys {
  private readonly keys = new Map<string, Promise<{ key: CryptoKey; jkt: string }>>();

  /** The header's `jwk` as a verification key for its `alg`, with its RFC 7638 thumbprint; throws for anything but a public key. */
  async resolve(header: JWSHeaderParameters): Promise<{ key: CryptoKey; jkt: string }> {
    const jwk = header.jwk as Record<string, unknown> | undefined;
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw new errors.JWSInvalid('"jwk" (JSON Web Key) Header Parameter must be a JSON object');
    // A private key in a header is refused whatever its public half, which may be cached already.
    if ('d' in jwk || 'p' in jwk || 'k' in jwk) throw new errors.JWSInvalid('"jwk" (JSON Web Key) Header Parameter must be a public key');
    // What identifies the key (RFC 7638's members, whatever the kty) and how it is used (alg).
    const id = JSON.stringify([header.alg, jwk.kty, jwk.crv, jwk.x, jwk.y, jwk.e, jwk.n]);
    let entry = this.keys.get(id);
    if (!entry) {
      entry = this.importPublic(jwk as JWK, String(header.alg));
      if (this.keys.size >= PROOF_KEY_CACHE_SIZE) this.keys.delete(this.keys.keys().next().value!);
      this.keys.set(id, entry);
      // A key that failed to import is not kept: the error is the proof's, not the key's forever.
      entry.catch(() => this.keys.delete(id));
    }
    return entry;
  }

  private async importPublic(jwk: JWK, alg: string): Promise<{ key: CryptoKey; jkt: string }> {
    const key = await importJWK({ ...jwk, ext: true }, alg);
    if (key instanceof Uint8Array || key.type !== 'public') throw new errors.JWSInvalid('"jwk" (JSON Web Key) Header Parameter must be a public key');
    return { key, jkt: await calculateJwkThumbprint(jwk, 'sha256') };
  }
}

/** The request a proof comes with: its DPoP header field, method, and path with query, as received. */
export interface DpopRequest {
  readonly proof: string | readonly string[] | undefined;
  readonly method: string;
  readonly url: string;
}

export interface DpopCheck {
  /** Where the proof was sent: `resource` answers 401 with a DPoP challenge (§7.1), `token` 400 (§5). */
  readonly at: 'token' | 'resource';
  /** The access token the proof comes with (§7.1): its hash must be the proof's `ath`. */
  readonly accessToken?: string;
  /** The key the token or grant is bound to: the proof must be signed with it. */
  readonly jkt?: string;
}

/**
 * RFC 9449's proof checks, in one place for the token endpoint and the bearer guard: `typ`,
 * an asymmetric `alg`, a public `jwk`, the signature, `htm`, `htu` (rebuilt from the public URL,
 * never from the Host header), `iat` within DPOP_PROOF_MAX_AGE_SECONDS of the Clock, `ath`, the
 * server's nonce (§8), and last, once every other check has passed, `jti` used once across every
 * instance (§11.1, through the shared UsedTokenIds).
 *
 * Nonces are stateless, so that one issued by any instance is good at every other: a JWS over
 * the time window, signed with the server's own ES256 key (shared through the database, and
 * rotated with it), cached per window in this process.
 */
@Injectable()
export class DpopProofs {
  private currentNonce: { window: number; value: Promise<string> } | undefined;
  private readonly proofKeys = new ProofKeys();

  constructor(
    private readonly config: GatehouseConfig,
    private readonly clock: Clock,
    private readonly keys: SigningKeyService,
    private readonly usedTokenIds: UsedTokenIds,
  ) {}

  /** Whether a server nonce is asked of every proof (DPOP_NONCE=required). */
  get nonceRequired(): boolean {
    return this.config.dpop.nonceRequired;
  }

  /** Whether the request carries a DPoP header at all. */
  static presented(proof: DpopRequest['proof']): boolean {
    return proof !== undefined && proof.length > 0;
  }

  /** Checks the proof and claims its `jti`; the key's thumbprint (`jkt`) for the token's `cnf`. */
  async verify(request: DpopRequest, check: DpopCheck): Promise<{ jkt: string }> {
    const challenge = check.at === 'resource' ? { algorithms: DPOP_ALGORITHMS } : undefined;
    const refuse = (description: string) => new InvalidDpopProof(description, challenge);
    const proofs = request.proof === undefined ? [] : typeof request.proof === 'string' ? [request.proof] : [...request.proof];
    if (proofs.length !== 1 || !proofs[0]) throw refuse('Send exactly one DPoP proof, in one DPoP header (RFC 9449)');

    let payload: JWTPayload;
    let jkt = '';
    try {
      const verified = await jwtVerify(
        proofs[0],
        async (header) => {
          const resolved = await this.proofKeys.resolve(header);
          jkt = resolved.jkt;
          return resolved.key;
        },
        { typ: 'dpop+jwt', algorithms: [...DPOP_ALGORITHMS], requiredClaims: ['jti', 'htm', 'htu', 'iat'], currentDate: this.clock.date() },
      );
      payload = verified.payload;
    } catch (error) {
      throw refuse(proofFault(error));
    }

    const now = this.clock.now() / 1000;
    const maxAge = this.config.dpop.proofMaxAgeSeconds;
    if (typeof payload.jti !== 'string' || payload.jti === '' || payload.jti.length > MAX_JTI_LENGTH) throw refuse('The DPoP proof has no usable jti');
    if (typeof payload.iat !== 'number' || Math.abs(now - payload.iat) > maxAge) throw refuse(`The DPoP proof's iat is more than ${maxAge} seconds from the server's time`);
    if (payload.htm !== request.method) throw refuse(`The DPoP proof is for another HTTP method (htm must be ${request.method})`);
    const htu = typeof payload.htu === 'string' ? withoutQuery(payload.htu) : undefined;
    if (htu === undefined || htu !== this.requestUri(request.url)) throw refuse('The DPoP proof is for another URL (htu)');
    if (check.accessToken !== undefined && payload.ath !== createHash('sha256').update(check.accessToken).digest('base64url')) throw refuse('The DPoP proof is for another access token (ath)');
    if (check.jkt !== undefined && jkt !== check.jkt) throw refuse('The DPoP proof is signed with another key than the one the token or grant is bound to (jkt)');
    if (payload.nonce !== undefined || this.nonceRequired) {
      if (typeof payload.nonce !== 'string' || !(await this.validNonce(payload.nonce))) throw new UseDpopNonce(await this.nonce(), challenge);
    }
    if (!(await this.usedTokenIds.claim('dpop-proof', jkt, payload.jti, new Date((payload.iat + maxAge) * 1000)))) throw refuse('The DPoP proof has been used already (jti)');
    return { jkt };
  }

  /** The nonce to give in the `DPoP-Nonce` header now: one per window, the same from every request of this process. */
  nonce(): Promise<string> {
    const window = Math.floor(this.clock.now() / NONCE_WINDOW_MS);
    if (this.currentNonce?.window !== window) {
      const value = this.keys.sign({ window }, NONCE_TYPE, 'ES256');
      this.currentNonce = { window, value };
      // A failed signature is not kept: the next request signs again.
      value.catch(() => {
        if (this.currentNonce?.value === value) this.currentNonce = undefined;
      });
    }
    return this.currentNonce.value;
  }

  private async validNonce(nonce: string): Promise<boolean> {
    const jws = decodeCompactJws(nonce);
    if (!jws || jws.header.typ !== NONCE_TYPE || typeof jws.payload.window !== 'number') return false;
    const age = Math.floor(this.clock.now() / NONCE_WINDOW_MS) - jws.payload.window;
    return age >= 0 && age <= 1 && (await this.keys.verifySignature(jws));
  }

  /** The URI a client addressed: the public URL (the issuer's base) and the path, never the Host header. */
  private requestUri(url: string): string | undefined {
    const path = url.split(/[?#]/, 1)[0];
    return withoutQuery(`${this.config.issuer}${path}`);
  }
}

/** A URI without query and fragment (§4.3 point 9), in normal form (RFC 3986 §6: case of scheme and host, default port, dot segments). */
function withoutQuery(uri: string): string | undefined {
  try {
    const url = new URL(uri);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return undefined;
  }
}

function proofFault(error: unknown): string {
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'typ') return 'The DPoP proof is not a DPoP proof (typ must be dpop+jwt)';
    return `The DPoP proof's ${error.claim} claim is missing or invalid`;
  }
  if (error instanceof errors.JWTExpired) return 'The DPoP proof has expired';
  if (error instanceof errors.JOSEAlgNotAllowed) return `The DPoP proof must be signed with one of ${DPOP_ALGORITHMS.join(', ')}`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'The DPoP proof signature is invalid';
  return 'The DPoP proof is not a well-formed JWT with a public jwk header';
}
