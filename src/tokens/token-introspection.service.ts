import { AccessPolicy } from '../access/access-policy.js';
import { Injectable } from '@nestjs/common';
import { AccessTokenVerifier, boundKeyOf } from '../auth/access-token.verifier.js';
import { type ClientRecord } from '../clients/client-directory.js';
import { type IntrospectionResponseDto } from './dto/introspection.dto.js';
import { TokenTargets } from './token-targets.js';

const INACTIVE: IntrospectionResponseDto = Object.freeze({ active: false });

/**
 * RFC 7662 for resource servers that would rather ask than validate JWTs themselves. A token is
 * active exactly when the bearer guard would accept it, and only towards a caller of its own
 * organization (the root client sees all): everything else, foreign realms included, is just
 * inactive, so the answer says nothing about why.
 */
@Injectable()
export class TokenIntrospection {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly policy: AccessPolicy,
    private readonly targets: TokenTargets,
  ) {}

  async introspect(caller: ClientRecord, token: string): Promise<IntrospectionResponseDto> {
    const verified = await this.verifier.verifyIfValid(token, this.targets.acceptsAudience);
    if (!verified) return INACTIVE;
    const { principal, claims } = verified;
    if (!this.policy.mayIntrospect(caller, principal.organizationId)) return INACTIVE;
    const jkt = boundKeyOf(claims);
    return {
      active: true,
      scope: [...principal.scopes].join(' '),
      client_id: principal.clientId,
      sub: claims.sub as string,
      exp: claims.exp as number,
      iat: claims.iat as number,
      iss: claims.iss as string,
      aud: claims.aud as string | string[],
      jti: principal.tokenId,
      // RFC 9449 §6.2: a bound token's key, for a resource server to check the proof against.
      token_type: jkt === undefined ? 'Bearer' : 'DPoP',
      ...(jkt !== undefined && { cnf: { jkt } }),
      org_id: principal.organizationId,
      org: claims.org as string,
      ...(principal.projectId !== undefined && { project_id: principal.projectId }),
      ...(isActClaim(claims.act) && { act: claims.act }),
    };
  }
}

function isActClaim(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
