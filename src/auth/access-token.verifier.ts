import { Injectable } from '@nestjs/common';
import { ExpiredToken, InvalidToken } from '../common/errors/oauth-errors.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { decodeCompactJws } from '../keys/compact-jws.js';
import { SigningKeyService } from '../keys/signing-key.service.js';
import { type AuthContext } from './auth-context.js';
import { ClientDirectory } from './client-directory.js';

/** Far longer than any token we issue (a root token lists every scope): refuse before parsing. */
const MAX_TOKEN_LENGTH = 8192;

export const ACCESS_TOKEN_TYPE = 'at+jwt';

/**
 * Checks an RFC 9068 JWT access token: our signature, our issuer and audience, not expired, not
 * before its time, and a client that still exists and is enabled. No database round trip unless
 * the client has fallen out of the ClientDirectory cache.
 */
@Injectable()
export class AccessTokenVerifier {
  constructor(
    private readonly keys: SigningKeyService,
    private readonly clients: ClientDirectory,
    private readonly config: GatehouseConfig,
  ) {}

  async verify(token: string): Promise<AuthContext> {
    const jws = token.length <= MAX_TOKEN_LENGTH ? decodeCompactJws(token) : undefined;
    if (!jws) throw new InvalidToken('The access token is not a well-formed JWT');
    const { header, payload: claims } = jws;
    if (typeof header.typ !== 'string' || !['at+jwt', 'application/at+jwt'].includes(header.typ.toLowerCase())) {
      throw new InvalidToken('The token is not an access token (typ must be at+jwt)');
    }
    if (!(await this.keys.verifySignature(jws))) throw new InvalidToken('The access token signature is invalid');
    if (claims.iss !== this.config.issuer) throw new InvalidToken('The access token was issued by another issuer');
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.includes(this.config.audience)) throw new InvalidToken('The access token is meant for another audience');
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== 'number') throw new InvalidToken('The access token has no expiry');
    if (now >= claims.exp) throw new ExpiredToken();
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > now)) throw new InvalidToken('The access token is not valid yet');
    if (typeof claims.client_id !== 'string' || typeof claims.jti !== 'string') throw new InvalidToken('The access token lacks client_id or jti');
    if (claims.scope !== undefined && typeof claims.scope !== 'string') throw new InvalidToken('The access token scope is malformed');

    const client = await this.clients.find(claims.client_id);
    if (!client || client.disabled) throw new InvalidToken('The client this token was issued to is disabled or deleted');
    const granted = claims.scope ? claims.scope.split(' ') : [];
    // A scope taken away from a client stops working at once, not when its tokens expire.
    const held = client.isRoot ? granted : granted.filter((scope) => client.scopes.includes(scope));
    return { clientId: client.id, isRoot: client.isRoot, scopes: new Set(held), tokenId: claims.jti };
  }
}
