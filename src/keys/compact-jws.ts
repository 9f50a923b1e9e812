import { type KeyObject, sign, verify } from 'node:crypto';
import { promisify } from 'node:util';
import { type SigningAlgorithm } from '../config/environment.js';

/**
 * JWS compact serialization (RFC 7515) signed and verified with node:crypto directly: signing is
 * several times cheaper than jose's SignJWT (bench/crypto.mjs measures both side by side; figures
 * in bench/README.md), and the token endpoint and bearer guard do nothing else that is as
 * expensive. jose still generates, exports and fingerprints the keys.
 *
 * Both run on libuv's thread pool (node:crypto's callback form), not on the event loop: the
 * signature is most of a token's CPU, and there it runs beside the request handling of the main
 * thread instead of in turn with it, for a little more CPU in all.
 */
const signOnThreadPool = promisify(sign);
const verifyOnThreadPool = promisify(verify);

function cryptoArguments(alg: SigningAlgorithm): { digest: string | null; dsaEncoding?: 'ieee-p1363' } {
  switch (alg) {
    case 'ES256':
      // JWS wants the raw r||s signature, not DER.
      return { digest: 'sha256', dsaEncoding: 'ieee-p1363' };
    case 'RS256':
      return { digest: 'sha256' };
    case 'EdDSA':
      return { digest: null };
  }
}

export function encodeSegment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export async function signCompactJws(header: Record<string, unknown>, payload: Record<string, unknown>, alg: SigningAlgorithm, privateKey: KeyObject): Promise<string> {
  const signingInput = `${encodeSegment(header)}.${encodeSegment(payload)}`;
  const { digest, dsaEncoding } = cryptoArguments(alg);
  const signature = await signOnThreadPool(digest, Buffer.from(signingInput), dsaEncoding ? { key: privateKey, dsaEncoding } : privateKey);
  return `${signingInput}.${signature.toString('base64url')}`;
}

export interface DecodedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** Splits and parses a compact JWS without trusting it; `undefined` if it is not one. */
export function decodeCompactJws(token: string): DecodedJws | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => SEGMENT.test(part))) return undefined;
  const header = parseSegment(parts[0]);
  const payload = parseSegment(parts[1]);
  if (!header || !payload) return undefined;
  return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], 'base64url') };
}

function parseSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function verifyCompactJws(decoded: DecodedJws, alg: SigningAlgorithm, publicKey: KeyObject): Promise<boolean> {
  const { digest, dsaEncoding } = cryptoArguments(alg);
  return verifyOnThreadPool(digest, Buffer.from(decoded.signingInput), dsaEncoding ? { key: publicKey, dsaEncoding } : publicKey, decoded.signature);
}
