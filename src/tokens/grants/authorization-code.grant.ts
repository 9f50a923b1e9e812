import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthorizationCodes } from '../../authorization/authorization-codes.js';
import { RefreshTokens } from '../../authorization/refresh-tokens.js';
import { InvalidGrant, InvalidRequest } from '../../common/errors/oauth-errors.js';
import { type TokenResponseDto } from '../dto/token-response.dto.js';
import { UserTokens } from '../user-tokens.js';
import { type GrantContext, type GrantHandler } from './grant-handler.js';

/** The parameters this grant reads besides client authentication (RFC 6749 §4.1.3, RFC 7636 §4.5). */
export const parameters: ReadonlySet<string> = new Set(['code', 'redirect_uri', 'code_verifier']);

const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/**
 * RFC 6749 §4.1.3 under OAuth 2.1 rules: a code is redeemed once, by the client it was issued to,
 * with the redirect URI it was sent to and the PKCE verifier of its challenge. A code presented a
 * second time has leaked: it fails, and every token issued from it is revoked.
 */
@Injectable()
export class AuthorizationCodeGrant implements GrantHandler {
  readonly grantType = 'authorization_code';
  readonly parameters = parameters;

  constructor(
    private readonly codes: AuthorizationCodes,
    private readonly refreshTokens: RefreshTokens,
    private readonly userTokens: UserTokens,
    private readonly dataSource: DataSource,
  ) {}

  async handle({ client, organization, issuer, params }: GrantContext): Promise<TokenResponseDto> {
    if (!params.code) throw new InvalidRequest('The code parameter is missing');
    const redemption = await this.codes.redeem(params.code);
    if (redemption.outcome === 'replayed') {
      if (redemption.code.clientId === client.id) await this.refreshTokens.revokeFamily(redemption.code.codeHash, { type: 'client', id: client.id }, 'authorization_code.replayed');
      throw new InvalidGrant('The authorization code has been used already; the tokens issued from it are revoked');
    }
    if (redemption.outcome !== 'redeemed') throw new InvalidGrant('The authorization code is invalid or has expired');
    const { code } = redemption;
    if (code.clientId !== client.id) throw new InvalidGrant('The authorization code was issued to another client');
    const redirectUri = params.redirect_uri ?? (client.redirectUris.length === 1 ? client.redirectUris[0] : undefined);
    if (redirectUri !== code.redirectUri) throw new InvalidGrant('redirect_uri does not match the one of the authorization request');
    this.checkVerifier(code.codeChallenge, params.code_verifier);
    const subject = await this.userTokens.subjectOf(code, organization);
    return this.dataSource.transaction((manager) =>
      this.userTokens.issue(manager, { client, issuer, subject, scopes: code.scopes, nonce: code.nonce, authTime: code.authTime, familyId: code.codeHash }),
    );
  }

  /** RFC 7636 §4.6, S256 only; and no verifier without a challenge (RFC 9700 §2.1.1: PKCE downgrade). */
  private checkVerifier(challenge: string | null, verifier: string | undefined): void {
    if (challenge === null) {
      if (verifier !== undefined) throw new InvalidGrant('code_verifier was sent, but the authorization request had no code_challenge');
      return;
    }
    if (verifier === undefined) throw new InvalidGrant('code_verifier is missing: the authorization request used PKCE');
    if (!CODE_VERIFIER.test(verifier)) throw new InvalidGrant('code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~');
    if (createHash('sha256').update(verifier).digest('base64url') !== challenge) throw new InvalidGrant('code_verifier does not match the code_challenge');
  }
}
