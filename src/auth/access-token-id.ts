import { v7 as uuidv7 } from 'uuid';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * An access token's `jti`: a UUIDv7 (RFC 9562 §5.7), unique like any UUID, whose first 48 bits
 * are the issue time in milliseconds. `iat` has whole seconds only; not-before checks need the
 * exact instant, or a token issued just before a push and one issued just after in the same
 * second could not be told apart.
 */
export function newAccessTokenId(issuedAtMs: number): string {
  return uuidv7({ msecs: issuedAtMs });
}

/**
 * When a token was issued, in epoch ms: from its UUIDv7 `jti`, or, for a token whose `jti` is not
 * one, the last millisecond of its `iat` second (in its favour: such tokens predate not-before).
 */
export function issuedAtMsOf(jti: string, iat: unknown): number {
  if (UUID_V7.test(jti)) return parseInt(jti.slice(0, 8) + jti.slice(9, 13), 16);
  return typeof iat === 'number' ? (Math.floor(iat) + 1) * 1000 - 1 : 0;
}
