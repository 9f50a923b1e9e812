import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { ExpiredToken, InvalidToken } from '../common/errors/oauth-errors.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { decodeCompactJws } from '../keys/compact-jws.js';
import { SigningKeyService } from '../keys/signing-key.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { RevocationList } from '../revocation/revocation-list.js';
import { issuedAtMsOf } from './access-token-id.js';
import { type TokenPrincipal } from '../access/auth-context.js';
import { ClientDirectory, type ClientRecord } from '../clients/client-directory.js';
import { OrganizationDirectory, type OrganizationRecord } from '../organizations/organization-directory.js';
import { PersonalAccessTokenDirectory } from '../personal-access-tokens/personal-access-token-directory.js';
import { isPersonalAccessToken } from '../personal-access-tokens/personal-access-token-format.js';
import { roleIn, UserDirectory, type UserRecord } from '../users/user-directory.js';
import { RoleDirectory } from '../roles/role-directory.js';

/** Far longer than any token we issue (a root token lists every scope): refuse before parsing. */
const MAX_TOKEN_LENGTH = 8192;

export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** The `sub_type` claim of a token issued to a client on behalf of a user (Polar's name); client tokens have none. */
export const USER_SUBJECT = 'user';
/** The `sub_type` of an organization token (Polar): `sub` is the organization; the user who granted it bounds it (GRANTED_BY_CLAIM). */
export const ORGANIZATION_SUBJECT = 'organization';
/**
 * The claim of an organization token naming the user who granted it: the token carries at most
 * what that user's current role in the organization gives, and stops with the user (disabled,
 * deleted, removed from it, given a new password). A private claim rather than RFC 8693's `act`: `act`
 * names the party acting for the subject, which here is the client (`client_id`), not the user;
 * a resource server reading `act` would take the user for the actor.
 */
export const GRANTED_BY_CLAIM = 'granted_by';
/** The `clientId` of a principal authenticated by a personal access token: the user's own credential, no app in between. */
export const PERSONAL_ACCESS_TOKEN_CLIENT = 'personal-access-token';

/**
 * Tokens whose signature has been checked, kept at most this many (the oldest go first). An entry
 * (the token and its claims) is about 2 KB: 10,000 covers the working set of busy clients in
 * about 20 MB. The soak run showed 100,000 holding 100 MB.
 */
const MAX_VERIFIED_TOKENS = 10_000;

/** What a user token's user may do now, in the token's organization. */
interface TokenUser {
  readonly id: string;
  readonly scopes: ReadonlySet<string>;
}

/**
 * A token whose signature has been verified, with what its claims say checked and parsed once
 * (none of it can change): only expiry and the state of its client, organization, user and the
 * revocation list are looked at again on each use.
 */
interface CheckedClaims {
  readonly claims: Record<string, unknown>;
  readonly exp: number;
  readonly nbf: number | undefined;
  readonly issuer: string;
  /** The token's `aud`, as a list. */
  readonly audiences: readonly string[];
  readonly clientId: string;
  readonly organizationId: string;
  readonly tokenId: string;
  /** From the UUIDv7 jti, to the millisecond: see issuedAtMsOf. */
  readonly issuedAt: number;
  readonly projectId: string | undefined;
  readonly granted: readonly string[];
  /** The user who granted an organization token (GRANTED_BY_CLAIM); undefined for every other token. */
  readonly grantedBy: string | undefined;
  /** The principal last worked out for a client or organization token, with the records (and the granting user's resolved role) it came from. */
  principal?: { readonly client: ClientRecord; readonly organization: OrganizationRecord; readonly grantor: UserRecord | undefined; readonly bound: ReadonlySet<string> | undefined; readonly value: TokenPrincipal };
}

/** The thumbprint of the DPoP key a token is bound to (its `cnf.jkt`, RFC 9449 §6.1); undefined for an unbound token. */
export function boundKeyOf(claims: Readonly<Record<string, unknown>>): string | undefined {
  const { cnf } = claims;
  if (cnf === undefined) return undefined;
  const jkt = typeof cnf === 'object' && cnf !== null ? (cnf as Record<string, unknown>).jkt : undefined;
  // A `cnf` we cannot read binds the token to nothing it could prove: never taken as unbound.
  return typeof jkt === 'string' ? jkt : '';
}

/** Whether a token with these audiences, tied to that organization, is good where it is presented. */
export type AudienceCheck = (audiences: readonly string[], organizationId: string, issuedAtMs: number) => boolean | Promise<boolean>;

/** A token that passed every check: who it speaks for now, and its claims as signed. */
export interface VerifiedAccessToken {
  readonly principal: TokenPrincipal;
  readonly claims: Readonly<Record<string, unknown>>;
}

/**
 * Checks an RFC 9068 JWT access token: our signature, our issuer and audience, not expired, not
 * before its time, not revoked (by its jti, or by a not-before push for its client or
 * organization), a client that still exists and is enabled, and for a user or organization
 * token a user (the granting user) still active and a member. No database round trip unless the
 * client or user has fallen out of its directory's cache: revocations are held in memory.
 */
@Injectable()
export class AccessTokenVerifier {
  /**
   * Claims of tokens whose signature has already been verified, keyed by the exact token string.
   * The ES256 check is most of a bearer request's CPU on this hardware; everything that can
   * change (expiry, issuer, organization, client status, scopes) is still checked every time.
   */
  private readonly verified = new Map<string, CheckedClaims>();
  private readonly recordVerifiedLookup: (hit: boolean) => void;

  constructor(
    private readonly keys: SigningKeyService,
    private readonly clients: ClientDirectory,
    private readonly organizations: OrganizationDirectory,
    private readonly config: GatehouseConfig,
    metrics: MetricsService,
    private readonly revocations: RevocationList,
    private readonly users: UserDirectory,
    private readonly personalTokens: PersonalAccessTokenDirectory,
    private readonly clock: Clock,
    private readonly roles: RoleDirectory,
  ) {
    this.recordVerifiedLookup = metrics.cacheLookupRecorder('verified_tokens');
  }

  /**
   * `acceptsAudience` decides which `aud` is good: by default Gatehouse's own API only (the bearer
   * guard); introspection and revocation also accept the organization's registered APIs.
   */
  async verify(token: string, acceptsAudience?: AudienceCheck): Promise<VerifiedAccessToken> {
    if (isPersonalAccessToken(token)) return this.verifyPersonal(token);
    const cached = this.verified.get(token);
    this.recordVerifiedLookup(cached !== undefined);
    const checked = cached ?? (await this.verifySignature(token));
    const { claims } = checked;
    const now = Math.floor(this.clock.now() / 1000);
    if (now >= checked.exp) {
      this.verified.delete(token);
      throw new ExpiredToken();
    }
    if (checked.nbf !== undefined && checked.nbf > now) throw new InvalidToken('The access token is not valid yet');

    const client = await this.clients.find(checked.clientId);
    if (!client || client.disabled) throw new InvalidToken('The client this token was issued to is disabled or deleted');
    const clientOrganization = await this.organizations.findById(client.organizationId);
    if (!clientOrganization || !this.organizations.issuers(clientOrganization).includes(checked.issuer)) {
      throw new InvalidToken('The access token was issued by another issuer or realm');
    }
    // Awaited only for an organization token: the common case stays free of an extra turn.
    const organization = claims.sub_type === ORGANIZATION_SUBJECT ? await this.tokenOrganization(checked, clientOrganization) : clientOrganization;
    if (!organization || checked.organizationId !== organization.id) throw new InvalidToken('The access token was issued by another issuer or realm');
    if (acceptsAudience === undefined ? !checked.audiences.includes(this.config.audience) : !(await acceptsAudience(checked.audiences, organization.id, checked.issuedAt))) {
      throw new InvalidToken('The access token is meant for another audience');
    }
    if (!clientOrganization.oauthEnabled || !organization.oauthEnabled) throw new InvalidToken(`OAuth is not enabled for the organization ${organization.name}`);
    if (this.revocations.has(checked.tokenId)) throw new InvalidToken('The access token has been revoked');
    const { issuedAt } = checked;
    if (issuedAt < client.notBefore || issuedAt < organization.notBefore || issuedAt < clientOrganization.notBefore) {
      throw new InvalidToken('The access token has been revoked: it was issued before the not-before time of its client or organization');
    }

    if (claims.sub_type === USER_SUBJECT) {
      const user = await this.userOf(claims, issuedAt, organization);
      return { principal: this.principalOf(checked, client, organization, user.id, user.scopes), claims };
    }
    // Looked up only for an organization token: a client token's path gains no await.
    const grantor = checked.grantedBy === undefined ? undefined : await this.users.find(checked.grantedBy);
    const bound = checked.grantedBy === undefined ? undefined : await this.grantorScopes(grantor, checked, organization);
    // The principal follows from the client, organization and (organization token) granting user's
    // records and role alone, and the directories hand out a new record (and RoleDirectory a new
    // set) whenever one changes: while they are the same objects, so is it.
    const memo = checked.principal;
    if (memo && memo.client === client && memo.organization === organization && memo.grantor === grantor && memo.bound === bound) return { principal: memo.value, claims };
    const principal = this.principalOf(checked, client, organization, undefined, bound);
    checked.principal = { client, organization, grantor, bound, value: principal };
    return { principal, claims };
  }

  /**
   * Who a token speaks for now: its scopes that the client still holds and, for a user or
   * organization token, that the (granting) user's role still gives.
   */
  private principalOf(checked: CheckedClaims, client: ClientRecord, organization: OrganizationRecord, userId: string | undefined, bound: ReadonlySet<string> | undefined): TokenPrincipal {
    const { projectId } = checked;
    // A scope taken away from a client (or from a user's role) stops working at once, not when its tokens expire.
    const held = checked.granted.filter(
      (scope) => (client.isRoot || client.scopes.includes(scope) || scope === `project-${projectId}`) && (!bound || bound.has(scope)),
    );
    return {
      clientId: client.id,
      userId,
      organizationId: organization.id,
      projectId,
      // A user or organization token acts for a user's role, never with the root client's powers.
      isRoot: client.isRoot && !bound,
      scopes: new Set(held),
      tokenId: checked.tokenId,
    };
  }

  /**
   * What the user who granted an organization token may grant now in its organization: the
   * checks of a user token (active, not signed out since, still a member), and a token their
   * role no longer gives any scope of is refused outright, as its refresh token would be.
   */
  private async grantorScopes(grantor: UserRecord | undefined, checked: CheckedClaims, organization: OrganizationRecord): Promise<ReadonlySet<string>> {
    const { scopes } = await this.checkedUser(grantor, checked.issuedAt, organization, 'The user who granted this organization token');
    if (!checked.granted.some((scope) => scopes.has(scope))) {
      throw new InvalidToken(`The role in ${organization.name} of the user who granted this organization token no longer gives any of its scopes`);
    }
    return scopes;
  }

  /**
   * The organization a token is tied to: its client's, except for an organization token
   * (`sub_type=organization`, Polar) from an app of the built-in organization, which a user tied
   * to one of their own organizations.
   */
  private async tokenOrganization(checked: CheckedClaims, clientOrganization: OrganizationRecord): Promise<OrganizationRecord | undefined> {
    if (checked.claims.sub !== checked.organizationId) return undefined;
    if (checked.organizationId === clientOrganization.id || !clientOrganization.builtIn) return clientOrganization;
    return this.organizations.findById(checked.organizationId);
  }

  /**
   * A personal access token: not revoked or expired, its user active and still a member of its
   * organization, and no scope beyond what the user's role gives now.
   */
  private async verifyPersonal(token: string): Promise<VerifiedAccessToken> {
    const pat = token.length <= MAX_TOKEN_LENGTH ? await this.personalTokens.find(token) : undefined;
    if (!pat || pat.revoked) throw new InvalidToken('The personal access token is unknown or has been revoked');
    if (pat.expiresAt <= this.clock.now()) throw new ExpiredToken();
    const organization = await this.organizations.findById(pat.organizationId);
    if (!organization) throw new InvalidToken('The organization of this personal access token no longer exists');
    const user = await this.userOf({ sub: pat.userId }, pat.createdAt, organization);
    const claims = { sub: pat.userId, scope: pat.scopes.join(' '), exp: Math.floor(pat.expiresAt / 1000), iat: Math.floor(pat.createdAt / 1000), org_id: organization.id, token_type: 'personal_access_token' };
    return {
      principal: {
        clientId: PERSONAL_ACCESS_TOKEN_CLIENT,
        userId: user.id,
        organizationId: organization.id,
        projectId: undefined,
        isRoot: false,
        scopes: new Set(pat.scopes.filter((scope) => user.scopes.has(scope))),
        tokenId: pat.id,
      },
      claims,
    };
  }

  /** The user a user token speaks for, with what their role in the token's organization lets them do now. */
  private async userOf(claims: Record<string, unknown>, issuedAt: number, organization: OrganizationRecord): Promise<TokenUser> {
    const user = typeof claims.sub === 'string' ? await this.users.find(claims.sub) : undefined;
    return this.checkedUser(user, issuedAt, organization, 'The user this token was issued to');
  }

  /** A user behind a token, if still active, not signed out since `issuedAt` and a member of `organization`: what their role there gives now. */
  private async checkedUser(user: UserRecord | undefined, issuedAt: number, organization: OrganizationRecord, who: string): Promise<TokenUser> {
    if (!user || user.disabled) throw new InvalidToken(`${who} is disabled or deleted`);
    if (issuedAt < user.notBefore) throw new InvalidToken("The access token has been revoked: it was issued before the user's password change or sign-out everywhere");
    const role = roleIn(user, organization);
    if (role === undefined) throw new InvalidToken(`${who} is no longer a member of the organization ${organization.name}`);
    return { id: user.id, scopes: await this.roles.userScopesOfRole(organization.id, role) };
  }

  /**
   * The same checks, for the endpoints where an invalid token is an answer, not an error
   * (introspection, revocation): `undefined` when the bearer guard would refuse it.
   */
  async verifyIfValid(token: string, acceptsAudience?: AudienceCheck): Promise<VerifiedAccessToken | undefined> {
    try {
      return await this.verify(token, acceptsAudience);
    } catch (error) {
      if (error instanceof InvalidToken) return undefined;
      throw error;
    }
  }

  private async verifySignature(token: string): Promise<CheckedClaims> {
    const jws = token.length <= MAX_TOKEN_LENGTH ? decodeCompactJws(token) : undefined;
    if (!jws) throw new InvalidToken('The access token is not a well-formed JWT');
    const { header, payload } = jws;
    if (typeof header.typ !== 'string' || !['at+jwt', 'application/at+jwt'].includes(header.typ.toLowerCase())) {
      throw new InvalidToken('The token is not an access token (typ must be at+jwt)');
    }
    if (!(await this.keys.verifySignature(jws))) throw new InvalidToken('The access token signature is invalid');
    const checked = this.checkClaims(payload);
    if (this.verified.size >= MAX_VERIFIED_TOKENS) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, checked);
    return checked;
  }

  /** The checks of a signed token's claims that cannot come out differently later, done once. */
  private checkClaims(claims: Record<string, unknown>): CheckedClaims {
    const audiences: unknown[] = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.every((audience) => typeof audience === 'string')) throw new InvalidToken('The access token audience is malformed');
    if (typeof claims.exp !== 'number') throw new InvalidToken('The access token has no expiry');
    if (claims.nbf !== undefined && typeof claims.nbf !== 'number') throw new InvalidToken('The access token is not valid yet');
    if (typeof claims.client_id !== 'string' || typeof claims.jti !== 'string' || typeof claims.org_id !== 'string') {
      throw new InvalidToken('The access token lacks client_id, org_id or jti');
    }
    if (claims.scope !== undefined && typeof claims.scope !== 'string') throw new InvalidToken('The access token scope is malformed');
    const projectId = typeof claims.project_id === 'string' ? claims.project_id : undefined;
    let grantedBy: string | undefined;
    if (claims.sub_type === ORGANIZATION_SUBJECT) {
      // One issued before the claim existed has nothing to bound it: refused (its refresh token gets one that has).
      const grantor = claims[GRANTED_BY_CLAIM];
      if (typeof grantor !== 'string') throw new InvalidToken('The organization token does not name the user who granted it');
      grantedBy = grantor;
    }
    const granted = claims.scope ? claims.scope.split(' ') : [];
    if (projectId !== undefined && !granted.includes(`project-${projectId}`)) throw new InvalidToken('The access token names a project outside its scope');
    return {
      claims,
      exp: claims.exp,
      nbf: claims.nbf,
      issuer: claims.iss as string,
      audiences: audiences as string[],
      clientId: claims.client_id,
      organizationId: claims.org_id,
      tokenId: claims.jti,
      issuedAt: issuedAtMsOf(claims.jti, claims.iat),
      projectId,
      granted,
      grantedBy,
    };
  }
}
