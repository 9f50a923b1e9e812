import { Injectable } from '@nestjs/common';
import { decodeJwt, decodeProtectedHeader, errors, type JWTPayload, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { type ClientRecord } from '../clients/client-directory.js';
import { assertionAlgorithms } from '../clients/client-auth-methods.js';
import { ClientSecretCipher } from '../clients/client-secret-cipher.js';
import { Clock } from '../common/clock.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { UsedTokenIds } from '../replay/used-token-ids.js';
import { ClientKeySets, KeySetUnavailable } from './client-key-sets.js';

/** The `client_assertion_type` of RFC 7523 §2.2. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Clocks of clients and server may differ this much (`iat`, `nbf`, `exp`). */
export const ASSERTION_CLOCK_SKEW_SECONDS = 30;
const MAX_JTI_LENGTH = 256;
/** No real assertion is longer; a longer one is refused before it is parsed. */
const MAX_ASSERTION_LENGTH = 16_384;

/** Why an assertion was refused: logged, never told to the caller (who gets `invalid_client`). */
export class AssertionRefused extends Error {
  override readonly name = 'AssertionRefused';
}

/**
 * Checks client assertions (RFC 7523 §3, OpenID Connect Core §9) for private_key_jwt and
 * client_secret_jwt: the signature with the client's keys or secret in an algorithm its method
 * allows, `iss` = `sub` = the client, `aud` naming this server, `exp` present and not too far off,
 * `iat` and `nbf` not in the future, and a `jti` that is used once, on every instance. The `jti`
 * is claimed last, once everything else holds: a forged or stale assertion must not use up the
 * identifier of the real one.
 */
@Injectable()
export class ClientAssertionVerifier {
  private readonly maxLifetimeSeconds: number;
  private readonly hmacKeys = new WeakMap<ClientRecord, Uint8Array>();

  constructor(
    config: GatehouseConfig,
    private readonly keySets: ClientKeySets,
    private readonly cipher: ClientSecretCipher,
    private readonly usedIds: UsedTokenIds,
    private readonly clock: Clock,
  ) {
    this.maxLifetimeSeconds = config.clientAssertions.maxLifetimeSeconds;
  }

  /** The client the assertion claims to come from (its `sub`), read without trusting it yet. */
  claimedClient(assertion: string): string {
    if (assertion.length > MAX_ASSERTION_LENGTH) throw new AssertionRefused('the assertion is too long');
    let payload: JWTPayload;
    try {
      payload = decodeJwt(assertion);
    } catch {
      throw new AssertionRefused('the assertion is not a JWT');
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new AssertionRefused('the assertion has no sub');
    if (payload.iss !== payload.sub) throw new AssertionRefused('the assertion\'s iss differs from its sub');
    return payload.sub;
  }

  /** Verifies `assertion` for `client`, which must authenticate with a client assertion; `audiences` are the `aud` values that name this server. */
  async verify(assertion: string, client: ClientRecord, audiences: readonly string[]): Promise<void> {
    const algorithms = assertionAlgorithms(client.tokenEndpointAuthMethod, client.tokenEndpointAuthSigningAlg);
    if (algorithms.length === 0) throw new AssertionRefused(`the client authenticates with ${client.tokenEndpointAuthMethod}, not with an assertion`);
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(assertion).alg;
    } catch {
      throw new AssertionRefused('the assertion header is malformed');
    }
    if (typeof alg !== 'string' || !algorithms.includes(alg)) throw new AssertionRefused(`alg ${String(alg)} is not allowed for ${client.tokenEndpointAuthMethod}`);

    const options = { issuer: client.id, subject: client.id, audience: [...audiences], algorithms, requiredClaims: ['exp', 'jti'], clockTolerance: ASSERTION_CLOCK_SKEW_SECONDS, currentDate: this.clock.date() };
    let payload: JWTPayload;
    try {
      if (client.tokenEndpointAuthMethod === 'client_secret_jwt') {
        payload = (await jwtVerify(assertion, this.hmacKey(client), options)).payload;
      } else {
        const { keys, refetch } = await this.keySets.keysOf(client);
        payload = await this.verifyWithKeys(assertion, keys, refetch, options);
      }
    } catch (error) {
      if (error instanceof AssertionRefused) throw error;
      if (error instanceof KeySetUnavailable) throw new AssertionRefused(`the client's keys are unavailable: ${error.message}`);
      if (error instanceof errors.JOSEError) throw new AssertionRefused(`${error.code}: ${error.message}`);
      throw error;
    }

    const now = this.clock.now() / 1000;
    const exp = payload.exp!;
    if (exp - now > this.maxLifetimeSeconds + ASSERTION_CLOCK_SKEW_SECONDS) throw new AssertionRefused(`exp is more than ${this.maxLifetimeSeconds} s away`);
    if (payload.iat !== undefined && payload.iat > now + ASSERTION_CLOCK_SKEW_SECONDS) throw new AssertionRefused('iat is in the future');
    if (typeof payload.jti !== 'string' || payload.jti === '' || payload.jti.length > MAX_JTI_LENGTH) throw new AssertionRefused('jti must be a string of 1 to 256 characters');
    // Remembered until the assertion could no longer pass the exp check anyway.
    const claimed = await this.usedIds.claim('client-assertion', client.id, payload.jti, new Date((exp + ASSERTION_CLOCK_SKEW_SECONDS) * 1000));
    if (!claimed) throw new AssertionRefused('the jti was used before (a replay)');
  }

  /** A key the cached set lacks may be a new one (the client rotated): one refetch, rate limited by ClientKeySets. */
  private async verifyWithKeys(assertion: string, keys: JWTVerifyGetKey, refetch: () => Promise<JWTVerifyGetKey | undefined>, options: Parameters<typeof jwtVerify>[2]): Promise<JWTPayload> {
    try {
      return (await jwtVerify(assertion, keys, options)).payload;
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      const fresh = await refetch();
      if (fresh === undefined) throw error;
      return (await jwtVerify(assertion, fresh, options)).payload;
    }
  }

  private hmacKey(client: ClientRecord): Uint8Array {
    let key = this.hmacKeys.get(client);
    if (!key) {
      const secret = client.secretCiphertext === null ? undefined : this.cipher.decrypt(client.id, client.secretCiphertext);
      if (secret === undefined) throw new AssertionRefused('the client has no usable secret copy (CLIENT_SECRET_ENCRYPTION_KEY missing or changed?)');
      this.hmacKeys.set(client, (key = new TextEncoder().encode(secret)));
    }
    return key;
  }
}
