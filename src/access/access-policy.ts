import { BadRequestException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { InsufficientClientScope, InsufficientScope, InvalidToken, UnauthorizedClient } from '../common/errors/oauth-errors.js';
import { IDENTITY_SCOPE_NAMES } from '../scopes/identity.scopes.js';
import { type Reach, type RouteRule } from './access-rule.js';

/** What the policy needs to know of a caller: the verified token's principal (TokenPrincipal satisfies it). */
export interface Caller {
  readonly isRoot: boolean;
  readonly organizationId: string;
  readonly projectId: string | undefined;
  readonly userId: string | undefined;
  /** The token's scopes that its client (and user) still hold: what the caller holds, for every comparison below. */
  readonly scopes: ReadonlySet<string>;
  /** Scopes of its organization's APIs that the caller administers (AuthContext.administeredApiScopes): held too, for rule 3. */
  readonly administeredApiScopes?: ReadonlySet<string>;
}

/** Whose tenant a caller is: a token's principal, or a client authenticated by its credentials. */
export type Tenant = Pick<Caller, 'isRoot' | 'organizationId'>;

/** A client calling an endpoint with its own credentials (introspection, revocation). */
export interface CallingClient extends Tenant {
  readonly id: string;
  readonly scopes: readonly string[];
}

/** A client or a user's membership that a caller wants to act on, with every scope it holds. */
export interface Holder {
  readonly organizationId: string;
  readonly scopes: readonly string[];
}

/** A user's role in one organization, with the API scopes it gives there (resolved by the caller: this module knows no role). */
export interface Membership {
  readonly organizationId: string;
  readonly role: string;
  readonly scopes: readonly string[];
}

/** A named bundle of scopes (a built-in permission or an organization's role), resolved in its organization. */
export interface Bundle {
  readonly name: string;
  readonly scopes: readonly string[];
}

/** The scope that lets a user manage their personal access tokens (spelled out: this module depends on no domain). */
export const PERSONAL_TOKEN_SCOPE = 'token:personal';

/** The scope an administrator needs in each of a user's organizations to change the user's account. */
const ACCOUNT_SCOPE = 'user:update';

/** The scopes of creating and deleting organizations (reach `platform`): whoever holds one sees every organization. */
const ORGANIZATION_LIFECYCLE_SCOPES: readonly string[] = ['organization:create', 'organization:delete'];

/**
 * The one place that answers "may this caller do this to that target". Guards and services ask;
 * none keeps a rule of its own. The rules (README, "Who may do what"):
 * 1. A route needs its scope; a project-scoped token reaches only its own project's resources.
 * 2. A target in another organization is answered exactly like a missing one: 404.
 * 3. Nobody acts on a client or a user that holds more than they do, and nobody grants a scope,
 *    permission or role they do not hold (the root client passes).
 * 4. A change to a user's account (name, password, disabled) needs authority over every
 *    organization the user belongs to, with at least the user's role in each. `memberships` are
 *    the ones the user accepted: an invitation neither gives its inviter authority nor takes it
 *    from the others; an account with none is the root client's alone.
 * 5. What spans organizations (reach `platform`) is held by the root client, by the built-in
 *    organization's platform administrators, and by nobody else unless one of them gave it.
 * Identity scopes (openid, email, profile) only let a client ask users for consent, so they count
 * for nobody's privileges.
 */
@Injectable()
export class AccessPolicy {
  /** Rule 1, for the bearer guard: the route's scope, and where a project-scoped token may go. */
  checkRoute(caller: Caller, rule: RouteRule): void {
    if (!caller.scopes.has(rule.scope.name)) throw new InsufficientScope(rule.scope.name);
    if (caller.projectId !== undefined && !PROJECT_TOKEN_REACH.has(rule.reach)) {
      throw new ForbiddenException(`This access token is scoped to project ${caller.projectId}: it reaches that project's resources only. Use an organization token for this request`);
    }
  }

  /** Rule 2: may the caller see what belongs to `organizationId` at all? */
  sees(caller: Tenant, organizationId: string): boolean {
    return caller.isRoot || caller.organizationId === organizationId;
  }

  /** Rule 2 for lists: the organization whose items the caller may list, or undefined for all (the root client). */
  listedOrganization(caller: Caller): string | undefined {
    return caller.isRoot ? undefined : caller.organizationId;
  }

  /** The same, as a query condition on an `organizationId` column. */
  listFilter(caller: Caller): { organizationId?: string } {
    const organizationId = this.listedOrganization(caller);
    return organizationId === undefined ? {} : { organizationId };
  }

  /** Rule 2 for a found target: 404 with `notFound`'s message unless the caller sees it. */
  checkSees<T extends { readonly organizationId: string }>(caller: Caller, target: T | undefined, notFound: string): T {
    if (!target || !this.sees(caller, target.organizationId)) throw new NotFoundException(notFound);
    return target;
  }

  /** Rule 2 for an organization itself. */
  checkSeesOrganization<T extends { readonly id: string }>(caller: Caller, organization: T | undefined, notFound: string): T {
    if (!organization || !this.sees(caller, organization.id)) throw new NotFoundException(notFound);
    return organization;
  }

  /** Rule 3: the caller holds every scope `target` holds (`what` names it in the refusal). */
  checkActOn(caller: Caller, target: Holder, what: string): void {
    this.checkSees(caller, target, `No ${what}`);
    const beyond = this.beyondCaller(caller, target.scopes);
    if (beyond.length > 0) throw new ForbiddenException(`You cannot act on ${what}: it holds scopes you do not hold: ${beyond.join(', ')}`);
  }

  /**
   * Rule 3 for what acts on everyone in an organization at once (a not-before push, turning
   * OAuth off): the caller holds every scope anyone there holds, and only the root client acts
   * on the organization the root client lives in.
   */
  checkActOnEveryone(caller: Caller, everyone: Holder & { readonly includesRoot: boolean }, what: string): void {
    if (caller.isRoot) return;
    if (everyone.includesRoot) throw new ForbiddenException(`Only the root client can ${what}: the root client's own tokens would be refused`);
    const beyond = this.beyondCaller(caller, everyone.scopes);
    if (beyond.length > 0) throw new ForbiddenException(`You cannot ${what}: clients or members there hold scopes you do not hold: ${beyond.join(', ')}`);
  }

  /** Rule 3 for scopes handed to a client or a token. */
  checkGrantScopes(caller: Caller, scopes: readonly string[]): void {
    const beyond = this.beyondCaller(caller, scopes);
    if (beyond.length > 0) throw new ForbiddenException(`You cannot assign scopes you do not hold: ${beyond.join(', ')}`);
  }

  /**
   * Rule 3 for taking scopes away from others (deleting an API, or removing scopes from it, takes
   * them from every client holding them): only someone holding them could have given them, and
   * only they may take them. `held` are the scopes that something actually holds.
   */
  checkRemoveHeldScopes(caller: Caller, held: readonly string[]): void {
    const beyond = this.beyondCaller(caller, held);
    if (beyond.length > 0) throw new ForbiddenException(`You cannot remove scopes that clients hold and you do not: ${beyond.join(', ')}`);
  }

  /** Rule 3 for permissions handed to a client: every scope they bundle, as resolved in the client's organization. */
  checkGrantPermissions(caller: Caller, permissions: readonly Bundle[]): void {
    const refused = permissions.filter((permission) => this.beyondCaller(caller, permission.scopes).length > 0).map((permission) => permission.name);
    if (refused.length > 0) throw new ForbiddenException(`You cannot grant permissions you do not hold: ${refused.join(', ')}`);
  }

  /**
   * Rule 3 for a client's token exchange policy (RFC 8693): it lets the client turn tokens it
   * receives into tokens for each of `audiences`, speaking for their users, with any scope of
   * that audience they carry; whoever allows it holds every scope of each audience (`scopes`).
   */
  checkGrantTokenExchange(caller: Caller, audiences: readonly { readonly audience: string; readonly scopes: readonly string[] }[]): void {
    const refused = audiences.filter((target) => this.beyondCaller(caller, target.scopes).length > 0).map((target) => target.audience);
    if (refused.length > 0) throw new ForbiddenException(`You cannot allow token exchange for audiences whose scopes you do not all hold: ${refused.join(', ')}`);
  }

  /**
   * Rule 3 for a role an organization defines (created, or given new scopes): nobody defines one
   * granting a scope they do not hold. `scopes` are what it grants now, patterns expanded.
   */
  checkDefineRole(caller: Caller, name: string, scopes: readonly string[]): void {
    const beyond = this.beyondCaller(caller, scopes);
    if (beyond.length > 0) throw new ForbiddenException(`You cannot define the role ${name} with scopes you do not hold: ${beyond.join(', ')}`);
  }

  /**
   * Rule 3 for a personal access token: the user's own credential, so it carries what the user's
   * role in its organization gives (`roleScopes`), never more, and never `token:personal` itself.
   * Made through the API with an access token (`caller`), it is also bounded by that token: its
   * organization only, and only scopes the token holds, so that an app the user allowed to manage
   * their tokens cannot turn that into their whole role.
   */
  checkGrantPersonalScopes(roleScopes: ReadonlySet<string>, scopes: readonly string[], organization: { readonly id: string; readonly name: string }, caller: Caller | undefined): void {
    if (scopes.includes(PERSONAL_TOKEN_SCOPE)) throw new BadRequestException('A personal access token cannot manage personal access tokens');
    if (caller !== undefined && caller.organizationId !== organization.id) {
      throw new ForbiddenException(`This access token is for another organization: it creates personal access tokens for its own organization only, not ${organization.name}`);
    }
    const notHeld = scopes.filter((scope) => !roleScopes.has(scope));
    if (notHeld.length > 0) throw new ForbiddenException(`You do not hold these scopes in ${organization.name}: ${notHeld.join(', ')}`);
    if (caller !== undefined) this.checkGrantScopes(caller, scopes);
  }

  /**
   * Rule 3 for consent: of the scopes an app asks for, those a user may grant it, `held` being
   * what their role in the organization gives them (RFC 6749 §3.3 lets the rest be dropped);
   * none for a non-member (`undefined`).
   */
  scopesUserMayGrant(held: ReadonlySet<string> | undefined, requested: readonly string[]): string[] {
    if (held === undefined) return [];
    return requested.filter((scope) => held.has(scope));
  }

  /** Rule 3 for a user's role: giving it, or changing or removing it. `scopes` are the API scopes it gives in its organization. */
  checkGrantRole(caller: Caller, role: string, scopes: readonly string[]): void {
    const beyond = this.beyondCaller(caller, scopes);
    if (beyond.length > 0) throw new ForbiddenException(`You cannot grant or change the role ${role}: you do not hold ${beyond.join(', ')}`);
  }

  /**
   * Rule 4 (`memberships` accepted ones only). `callerRoles` are the API scopes of the calling user's own roles, by organization
   * (for a user token or a personal access token): a user who administers several organizations
   * may act in each, but only with scopes their token carries. A client acts in its own
   * organization only.
   */
  checkAccountChange(caller: Caller, callerRoles: ReadonlyMap<string, readonly string[]> | undefined, memberships: readonly Membership[]): void {
    if (caller.isRoot) return;
    const refused = () =>
      new ForbiddenException(
        "You cannot change this user's account: they belong to an organization where you do not hold every scope of their role. Only the root client, or someone administering each of their organizations, can",
      );
    // An account in no organization yet (only invited) is administered by nobody but the root client, and refused in the same words.
    if (memberships.length === 0) throw refused();
    for (const membership of memberships) {
      const authority = this.authorityIn(caller, callerRoles, membership.organizationId);
      const needed = [ACCOUNT_SCOPE, ...membership.scopes];
      if (needed.some((scope) => !authority.has(scope))) throw refused();
    }
  }

  /**
   * Rule 1 and 2 for a project's resources: the project belongs to the caller's organization (else
   * 404), a project-scoped token names this project, and an organization token is accepted only
   * where the organization does not require project-scoped tokens (Polaris's rule for projects
   * before its cut-off).
   */
  checkProject<T extends { readonly id: string; readonly organizationId: string }>(caller: Caller, project: T | undefined, requireProjectScopedTokens: boolean, id: string): T {
    const found = this.checkSees(caller, project, `No project with id ${id}`);
    if (caller.projectId !== undefined && caller.projectId !== found.id) {
      throw new ForbiddenException(`This access token is scoped to project ${caller.projectId}, not ${found.id}`);
    }
    if (caller.projectId === undefined && !caller.isRoot && requireProjectScopedTokens) {
      throw new ForbiddenException(`This project requires a project-scoped token: request one with scope=project-${found.id}`);
    }
    return found;
  }

  /** Which of `projects` a caller may list: a project-scoped token sees its own project only. */
  visibleProjects<T extends { readonly id: string }>(caller: Caller, projects: readonly T[]): T[] {
    return caller.projectId === undefined ? [...projects] : projects.filter((project) => project.id === caller.projectId);
  }

  /** What a `self` route acts on: the calling user, who must be there (`what` says what belongs to users). */
  checkSelf(caller: Caller, what: string): string {
    if (caller.userId === undefined) throw new ForbiddenException(`${what} belong to users: call this with a token issued to a user`);
    return caller.userId;
  }

  /**
   * Userinfo (OpenID Connect Core §5.3) answers for a user's token only, and on a realm's path
   * only for that realm's tokens; anything else is an invalid token there (RFC 6750 §3.1).
   */
  checkUserinfo(caller: Caller, realmOrganizationId: string | null | undefined): string {
    if (realmOrganizationId !== null && realmOrganizationId !== caller.organizationId) throw new InvalidToken('The access token was issued by another realm');
    if (caller.userId === undefined) throw new InvalidToken('userinfo needs an access token issued to a user, not to a client');
    return caller.userId;
  }

  /** For endpoints a client calls with its own credentials: it holds the endpoint's scope (the root client holds all). */
  checkClientScope(client: CallingClient, scope: string): void {
    if (!client.isRoot && !client.scopes.includes(scope)) throw new InsufficientClientScope(scope);
  }

  /** RFC 7662: a resource server learns about tokens of its own organization only (the root client, of all). */
  mayIntrospect(client: CallingClient, tokenOrganizationId: string): boolean {
    return this.sees(client, tokenOrganizationId);
  }

  /** RFC 7009 §2.1: a client revokes only tokens issued to it (the root client, any). */
  checkRevoke(client: CallingClient, tokenClientId: string): void {
    if (!client.isRoot && tokenClientId !== client.id) throw new UnauthorizedClient('The token was issued to another client: a client can revoke only its own tokens');
  }

  /**
   * Rule 2 and 5 for organizations themselves: whoever may create or delete organizations (the root
   * client, a platform administrator) sees every organization's record, though nothing in it: its
   * clients, users and projects stay behind rule 2, and its settings are its own administrators'.
   */
  seesEveryOrganization(caller: Caller): boolean {
    return caller.isRoot || (caller.projectId === undefined && ORGANIZATION_LIFECYCLE_SCOPES.some((scope) => caller.scopes.has(scope)));
  }

  /** The same for a found organization: 404 with `notFound`'s message unless the caller sees it. */
  checkSeesOrganizationRecord<T extends { readonly id: string }>(caller: Caller, organization: T | undefined, notFound: string): T {
    if (organization && this.seesEveryOrganization(caller)) return organization;
    return this.checkSeesOrganization(caller, organization, notFound);
  }

  /**
   * Rule 3 and 5 for deleting an organization, which deletes everyone in it: the route's scope
   * (organization:delete) and every Gatehouse scope anyone there holds. `everyone.scopes` are
   * Gatehouse's own: the organization's API scopes mean nothing outside it and go with it. The
   * built-in organization, where the root client and the platform administrators live, stays.
   */
  checkDeleteOrganization(caller: Caller, organization: { readonly builtIn: boolean }, everyone: Holder & { readonly includesRoot: boolean }): void {
    if (organization.builtIn) throw new ForbiddenException('The built-in organization cannot be deleted');
    this.checkActOnEveryone(caller, everyone, 'delete this organization');
  }

  private beyondCaller(caller: Caller, scopes: readonly string[]): string[] {
    if (caller.isRoot) return [];
    return scopes.filter((scope) => !caller.scopes.has(scope) && !IDENTITY_SCOPE_NAMES.has(scope) && !caller.administeredApiScopes?.has(scope));
  }

  /** What the caller may do in `organizationId`: its token's scopes there, or, for another organization, those its user's role there also gives. */
  private authorityIn(caller: Caller, callerRoles: ReadonlyMap<string, readonly string[]> | undefined, organizationId: string): ReadonlySet<string> {
    if (organizationId === caller.organizationId) return caller.administeredApiScopes?.size ? new Set([...caller.scopes, ...caller.administeredApiScopes]) : caller.scopes;
    const roleScopes = caller.userId !== undefined ? callerRoles?.get(organizationId) : undefined;
    if (roleScopes === undefined) return EMPTY;
    const granted = new Set(roleScopes);
    return new Set([...caller.scopes].filter((scope) => granted.has(scope)));
  }
}

const PROJECT_TOKEN_REACH: ReadonlySet<Reach> = new Set(['project']);
const EMPTY: ReadonlySet<string> = new Set();
