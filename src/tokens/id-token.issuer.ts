import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type UserRecord } from '../users/user-directory.js';
import { type SigningAlgorithm } from '../config/environment.js';
import { SigningKeyService } from '../keys/signing-key.service.js';
import { Clock } from '../common/clock.js';

/**
 * The user's claims a set of scopes discloses (OpenID Connect Core §5.4), shared by the ID token
 * and userinfo so that the two always agree.
 */
export function identityClaims(user: UserRecord, scopes: ReadonlySet<string> | readonly string[]): Record<string, unknown> {
  const has = (scope: string) => (scopes instanceof Set ? scopes.has(scope) : (scopes as readonly string[]).includes(scope));
  return {
    sub: user.id,
    ...(has('email') && { email: user.email, email_verified: user.emailVerified }),
    ...(has('profile') && { name: user.name }),
  };
}

/** OpenID Connect ID tokens, signed with the key of the algorithm their client chose (RS256 by default), published in the JWKS. */
@Injectable()
export class IdTokenIssuer {
  constructor(
    private readonly keys: SigningKeyService,
    private readonly clock: Clock,
  ) {}

  issue(token: { issuer: string; clientId: string; alg: SigningAlgorithm; user: UserRecord; scopes: readonly string[]; nonce: string | null; authTime: Date; accessToken: string; lifespanSeconds: number }): Promise<string> {
    const now = Math.floor(this.clock.now() / 1000);
    const { alg } = token;
    return this.keys.sign(
      {
        iss: token.issuer,
        ...identityClaims(token.user, token.scopes),
        aud: token.clientId,
        azp: token.clientId,
        iat: now,
        exp: now + token.lifespanSeconds,
        auth_time: Math.floor(token.authTime.getTime() / 1000),
        ...(token.nonce !== null && { nonce: token.nonce }),
        at_hash: atHash(token.accessToken, alg),
      },
      'JWT',
      alg,
    );
  }

}

/** Core §3.1.3.6: the left half of the access token's hash, with the hash of the signing algorithm (SHA-512 for Ed25519). */
function atHash(accessToken: string, alg: SigningAlgorithm): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256').update(accessToken).digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
