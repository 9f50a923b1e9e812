import { type ClientRecord } from '../../clients/client-directory.js';
import { type OrganizationRecord } from '../../organizations/organization-directory.js';
import { InvalidDpopProof, InvalidGrant, InvalidRequest } from '../../common/errors/oauth-errors.js';
import { type TokenResponseDto } from '../dto/token-response.dto.js';
import { type GrantType } from '../../token-policy/token-policy.js';
import { type TokenRequestParams } from '../token-request.js';

/** The parameters a grant reads besides `grant_type` and client authentication: those it cannot do without, and the others. */
export interface GrantParameters<Required extends string, Optional extends string> {
  readonly required: readonly Required[];
  readonly optional: readonly Optional[];
}

/** What a grant's handler is given of the request: its declared parameters, the required ones always present. */
export type GrantParams<Required extends string, Optional extends string> = Readonly<Record<Required, string> & Partial<Record<Optional, string>>>;

/** What every grant is handed: the authenticated client, its organization, the issuer to sign as, and its own parameters. */
export interface GrantContext<Required extends string = string, Optional extends string = string> {
  readonly client: ClientRecord;
  readonly organization: OrganizationRecord;
  readonly issuer: string;
  readonly params: GrantParams<Required, Optional>;
  /** The thumbprint of the key the request's DPoP proof was signed with (checked already); undefined without a proof. */
  readonly dpopJkt?: string;
}

/** What a grant issued: the response for the client, and the facts of its access token for whoever records it. */
export interface IssuedTokens {
  readonly response: TokenResponseDto;
  readonly jti: string;
  readonly expiresAt: Date;
  readonly scopes: readonly string[];
}

/** One OAuth grant type: what it is called, which parameters it reads, and how it answers. */
export interface GrantHandler<Required extends string = string, Optional extends string = string> {
  readonly grantType: GrantType;
  readonly parameters: GrantParameters<Required, Optional>;
  handle(context: GrantContext<Required, Optional>): Promise<IssuedTokens>;
}

/**
 * The parameters of `request` that `declared` names, and only those: a parameter the grant does
 * not know is ignored (RFC 6749 §3.2), and one it requires that is absent or empty is
 * `invalid_request` (§5.2). Repeated parameters were refused already (see parseTokenRequest).
 */
export function grantParameters<Required extends string, Optional extends string>(declared: GrantParameters<Required, Optional>, request: TokenRequestParams): GrantParams<Required, Optional> {
  const picked: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const name of declared.required) {
    const value = request[name];
    if (value === undefined || value === '') throw new InvalidRequest(`The ${name} parameter is missing`);
    picked[name] = value;
  }
  for (const name of declared.optional) {
    const value = request[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked as GrantParams<Required, Optional>;
}

/**
 * A code or refresh token bound to a DPoP key (RFC 9449 §5, §10) is redeemed only with a proof
 * signed by that key: none is `invalid_dpop_proof`, another key's `invalid_grant` (the grant is
 * not that key's). Checked before the code or token is consumed, so a thief's attempt burns nothing.
 */
export function checkBoundKey(boundJkt: string | null, provedJkt: string | undefined, what: string): void {
  if (boundJkt === null) return;
  if (provedJkt === undefined) throw new InvalidDpopProof(`The ${what} is bound to a DPoP key: send a DPoP proof signed with it`);
  if (provedJkt !== boundJkt) throw new InvalidGrant(`The ${what} is bound to another DPoP key than the one this proof is signed with`);
}
