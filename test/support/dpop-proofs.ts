import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

/** A DPoP key of the test's own, and proofs signed with it, built by hand to get each field wrong in turn. */
export interface ProofKey {
  readonly privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  readonly jwk: JWK;
  /** Its JWK thumbprint: what a bound token's `cnf.jkt` names. */
  readonly jkt: string;
}

export async function proofKey(): Promise<ProofKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

/** A proof for `htm` `htu`, with a fresh `jti` and the current `iat` unless given. */
export function proof(key: ProofKey, claims: { htm: string; htu: string; ath?: string; iat?: number; nonce?: string; jti?: string }): Promise<string> {
  return new SignJWT({ jti: randomUUID(), iat: Math.floor(Date.now() / 1000), ...claims }).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.jwk }).sign(key.privateKey);
}
