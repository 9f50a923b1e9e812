import { randomBytes } from 'node:crypto';

/**
 * Generated client credentials are sized so that `id:secret` is at most 57 bytes: base64 of 57
 * bytes is 76 characters, the width at which GNU `base64` wraps. A longer pair puts a newline into
 * `Authorization: Basic $(echo -n ID:SECRET | base64)` (the Atlas seed's command), and the HTTP
 * parser refuses the request before Gatehouse sees it. 20 + 1 + 32 = 53 bytes.
 */
export const GENERATED_CLIENT_ID_LENGTH = 20;
export const GENERATED_CLIENT_SECRET_LENGTH = 32;

/**
 * A new client id: `prefix` then lowercase hex up to 20 characters. Hex, because ids are
 * compared case-sensitively but some databases' default collations are not; an id is not a
 * secret, so its 80 random bits (60 after `root-`) only have to make collisions unlikely.
 */
export function newClientId(prefix = ''): string {
  const length = GENERATED_CLIENT_ID_LENGTH - prefix.length;
  return prefix + randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);
}

/** A new client secret: 24 random bytes (192 bits), 32 base64url characters. */
export function newClientSecret(): string {
  return randomBytes((GENERATED_CLIENT_SECRET_LENGTH * 3) / 4).toString('base64url');
}
