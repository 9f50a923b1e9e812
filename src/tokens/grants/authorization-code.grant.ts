import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type Actor } from '../../audit/actor.js';
import { UnitOfWork } from '../../audit/unit-of-work.js';
import { retryOnDeadlock } from '../../database/deadlock-retry.js';
import { AuthorizationCodes } from '../../authorization/authorization-codes.js';
import { RefreshTokens } from '../../authorization/refresh-tokens.js';
import { InvalidGrant } from '../../common/errors/oauth-errors.js';
import { UserTokens } from '../user-tokens.js';
import { requestedResource } from '../../token-policy/token-target.js';
import { TokenTargets } from '../token-targets.js';
import { checkBoundKey, type GrantContext, type GrantHandler, type GrantParameters, type IssuedTokens } from './grant-handler.js';

type Optional = 'redirect_uri' | 'code_verifier' | 'resource' | 'audience';
import { Clock } from '../../common/clock.js';

/** The parameters this grant reads besides client authentication (RFC 6749 §4.1.3, RFC 7636 §4.5). */
export const parameters: GrantParameters<'code', Optional> = { required: ['code'], optional: ['redirect_uri', 'code_verifier', 'resource', 'audience'] };

const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

const REPLAYED = 'The authorization code has been used already; the tokens issued from it are revoked';

/**
 * RFC 6749 §4.1.3 under OAuth 2.1 rules: a code is redeemed once, by the client it was issued to,
 * with the redirect URI it was sent to and the PKCE verifier of its challenge. Every check comes
 * first; the code is consumed only then, in the transaction that issues its tokens, so a failed
 * attempt (another client, a mistyped verifier) leaves it to its rightful client. A code that was
 * really redeemed and is presented again by its own client has leaked: it fails, and every token
 * issued from it is revoked (§4.1.2). Another client presenting it learns only that it is not
 * theirs, and revokes nothing: it could otherwise end any user's session with a code it saw.
 */
@Injectable()
export class AuthorizationCodeGrant implements GrantHandler<'code', Optional> {
  readonly grantType = 'authorization_code';
  readonly parameters = parameters;

  constructor(
    private readonly codes: AuthorizationCodes,
    private readonly refreshTokens: RefreshTokens,
    private readonly userTokens: UserTokens,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
    private readonly targets: TokenTargets,
  ) {}

  async handle({ client, organization, issuer, params, dpopJkt }: GrantContext<'code', Optional>): Promise<IssuedTokens> {
    const code = await this.codes.find(params.code);
    if (!code) throw new InvalidGrant('The authorization code is invalid or has expired');
    if (code.clientId !== client.id) throw new InvalidGrant('The authorization code was issued to another client');
    const actor: Actor = { type: 'client', id: client.id };
    // Everything only the rightful client can present is checked before a replay is acted on: a
    // copy of the code without its verifier, redirect URI or DPoP key must not revoke its tokens.
    const redirectUri = params.redirect_uri ?? (client.redirectUris.length === 1 ? client.redirectUris[0] : undefined);
    if (redirectUri !== code.redirectUri) throw new InvalidGrant('redirect_uri does not match the one of the authorization request');
    this.checkVerifier(code.codeChallenge, params.code_verifier);
    checkBoundKey(code.dpopJkt, dpopJkt, 'authorization code');
    if (code.consumedAt) {
      await this.refreshTokens.revokeFamily(code.codeHash, actor, 'authorization_code.replayed');
      throw new InvalidGrant(REPLAYED);
    }
    if (code.expiresAt.getTime() <= this.clock.now()) throw new InvalidGrant('The authorization code is invalid or has expired');
    const subject = await this.userTokens.subjectOf(code, organization);
    const scopes = this.userTokens.scopesFor(subject, code.scopes, client);
    // RFC 8707 §2.2: the client may name the API here, within what its authorization request covers.
    const target = await this.targets.resolveForGrant({ organization: subject.organization, grantResource: code.resource, resource: requestedResource(params), requested: [], held: scopes });
    const issued = await retryOnDeadlock(() =>
      this.unitOfWork.run(actor, async ({ manager }) => {
        // Lost the race to a concurrent redemption: issue nothing, and revoke what the winner got (below, once this has ended).
        if (!(await this.codes.consume(manager, code))) return undefined;
        return this.userTokens.issue(manager, { client, issuer, subject, scopes, target, resource: code.resource, nonce: code.nonce, authTime: code.authTime, familyId: code.codeHash, dpopJkt });
      }),
    );
    if (issued) return issued;
    await this.refreshTokens.revokeFamily(code.codeHash, actor, 'authorization_code.replayed');
    throw new InvalidGrant(REPLAYED);
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
