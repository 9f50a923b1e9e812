import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { newClientSecret } from './client-credentials.js';

const VERSION = 'hmac-sha256';

/**
 * Client secrets are 24 random bytes (192 bits, see newClientSecret), so nobody can guess one and a fast keyed hash is
 * the right tool: HMAC-SHA-256 under a per-client random salt. A password KDF (scrypt, argon2)
 * exists to slow down guessing of low-entropy human passwords; here it would only make every
 * token request thousands of times dearer (bench/crypto.mjs measures the two side by side).
 */
@Injectable()
export class ClientSecretHasher {
  /** A new secret and the hash to store for it. The secret is shown to the caller once. */
  generate(): { secret: string; hash: string } {
    const secret = newClientSecret();
    return { secret, hash: this.hash(secret) };
  }

  hash(secret: string): string {
    const salt = randomBytes(16).toString('base64url');
    return `${VERSION}$${salt}$${this.mac(salt, secret)}`;
  }

  /** Constant-time comparison; `false` for a malformed stored hash. */
  verify(secret: string, stored: string): boolean {
    const [version, salt, expected] = stored.split('$');
    if (version !== VERSION || !salt || !expected) return false;
    const actual = Buffer.from(this.mac(salt, secret));
    const wanted = Buffer.from(expected);
    return actual.length === wanted.length && timingSafeEqual(actual, wanted);
  }

  private mac(salt: string, secret: string): string {
    return createHmac('sha256', salt).update(secret).digest('base64url');
  }
}
