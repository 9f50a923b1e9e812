import { Injectable } from '@nestjs/common';
import { newAccessTokenId } from '../auth/access-token-id.js';
import { ACCESS_TOKEN_TYPE, GRANTED_BY_CLAIM, type ORGANIZATION_SUBJECT, type USER_SUBJECT } from '../auth/access-token.verifier.js';
import { type OrganizationRecord } from '../organizations/organization-directory.js';
import { SigningKeyService } from '../keys/signing-key.service.js';
import { Clock } from '../common/clock.js';

/** RFC 8693 §4.1 `act`: the current actor, with the one before it nested, and so on. */
export interface ActorClaim {
  readonly sub: string;
  readonly act?: ActorClaim;
}

export interface IssuedAccessToken {
  token: string;
  jti: string;
  expiresIn: number;
  expiresAt: Date;
}

/** Mints RFC 9068 JWT access tokens. Keys are in memory: no I/O here, only the signature off the event loop. */
@Injectable()
export class AccessTokenIssuer {
  constructor(
    private readonly keys: SigningKeyService,
    private readonly clock: Clock,
  ) {}

  async issue(grant: {
    issuer: string;
    clientId: string;
    subject: string;
    /** `user` when the client acts for a user, `organization` for an organization token (Polar's `sub_type`); absent for the client itself. */
    subjectType?: typeof USER_SUBJECT | typeof ORGANIZATION_SUBJECT;
    organization: OrganizationRecord;
    /** For an organization token: the user who granted it, whose current role there bounds it (see GRANTED_BY_CLAIM). */
    grantedBy?: string;
    projectId: string | undefined;
    /** The API the token is for (RFC 8707): Gatehouse's own audience, or a registered API's identifier (see resolveTarget). */
    audience: string | readonly string[];
    scopes: readonly string[];
    lifespanSeconds: number;
    /** Epoch ms before which this token would count as revoked (its client's and organization's not-before). */
    notBefore: number;
    /** RFC 8693 §4.1: who acts for the subject (token exchange by delegation), prior actors nested. */
    actor?: ActorClaim;
    /** The thumbprint of the DPoP key the token is bound to (RFC 9449 §6), when the request proved one. */
    jkt?: string;
  }): Promise<IssuedAccessToken> {
    const nowMs = this.clock.now();
    const now = Math.floor(nowMs / 1000);
    const exp = now + grant.lifespanSeconds;
    // Never before the not-before this process knows of, even if another server that pushed
    // it runs a little ahead of our clock: a token issued after a push must stay valid.
    const jti = newAccessTokenId(Math.max(nowMs, grant.notBefore));
    const token = await this.keys.sign(
      {
        iss: grant.issuer,
        sub: grant.subject,
        ...(grant.subjectType && { sub_type: grant.subjectType }),
        aud: grant.audience,
        client_id: grant.clientId,
        iat: now,
        exp,
        jti,
        scope: grant.scopes.join(' '),
        // The organization (and project) the token is tied to; an organization token names its user only as `granted_by`.
        org_id: grant.organization.id,
        org: grant.organization.name,
        ...(grant.projectId !== undefined && { project_id: grant.projectId }),
        ...(grant.grantedBy !== undefined && { [GRANTED_BY_CLAIM]: grant.grantedBy }),
        ...(grant.actor !== undefined && { act: grant.actor }),
        ...(grant.jkt !== undefined && { cnf: { jkt: grant.jkt } }),
      },
      ACCESS_TOKEN_TYPE,
    );
    return { token, jti, expiresIn: grant.lifespanSeconds, expiresAt: new Date(exp * 1000) };
  }
}
