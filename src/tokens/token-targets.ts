import { Injectable } from '@nestjs/common';
import { ScopeRegistry } from '../access/scope-registry.js';
import { type AudienceCheck } from '../auth/access-token.verifier.js';
import { ApiDirectory, type ApiRecord } from '../apis/api-directory.js';
import { InvalidScope, InvalidTarget } from '../common/errors/oauth-errors.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { IDENTITY_SCOPE_NAMES } from '../scopes/identity.scopes.js';
import { type OrganizationRecord } from '../organizations/organization-directory.js';
import { resolveTarget, type TokenTarget } from '../token-policy/token-target.js';

/** Which API a token is for, among the organization's registered APIs and Gatehouse's own (see resolveTarget). */
@Injectable()
export class TokenTargets {
  constructor(
    private readonly apis: ApiDirectory,
    private readonly config: GatehouseConfig,
    private readonly registry: ScopeRegistry,
  ) {}

  /** Every scope of the organization's APIs: what the root client holds there besides Gatehouse's own. */
  async apiScopes(organization: OrganizationRecord): Promise<string[]> {
    return (await this.apis.ofOrganization(organization.id)).flatMap((api) => api.scopes.map((scope) => scope.name));
  }

  async resolve(input: {
    readonly organization: OrganizationRecord;
    readonly resource: string | undefined;
    readonly requested: readonly string[];
    readonly held: readonly string[];
    /** Whether the token will be tied to a project (only client credentials can be). */
    readonly projectScoped: boolean;
  }): Promise<TokenTarget<ApiRecord>> {
    const { organization } = input;
    // Gatehouse's own scopes only (identity scopes alone might be for the default API), and no
    // resource named: a token for Gatehouse's API, without looking up the organization's APIs.
    const candidates = input.requested.length > 0 ? input.requested.filter((scope) => input.held.includes(scope)) : input.held;
    if (input.resource === undefined && candidates.every((scope) => this.registry.has(scope)) && candidates.some((scope) => !IDENTITY_SCOPE_NAMES.has(scope))) {
      return { api: undefined, audience: this.config.audience, scopes: [...candidates] };
    }
    const target = resolveTarget({ ...input, apis: await this.apis.ofOrganization(organization.id), ownAudience: this.config.audience, organizationName: organization.name });
    if (target.api?.requireProjectScopedTokens && !input.projectScoped) {
      throw new InvalidScope(`${target.api.identifier} accepts project-scoped tokens only: ask for one with scope=project-{id} and the client credentials grant`);
    }
    return target;
  }

  /**
   * The target of a token from a user's grant (authorization code, refresh token). RFC 8707 §2.2:
   * the token endpoint's `resource` may pick what the grant covers, never more. A grant whose
   * authorization request named a resource is for it alone; one that named none covers the API its
   * scopes make a token for by default, and each API it holds a scope of. Anything else would be a
   * token for an audience the user never consented to (with only identity scopes, but an `aud` the
   * API checks), so it is `invalid_target`.
   */
  async resolveForGrant(input: {
    readonly organization: OrganizationRecord;
    /** The resource the authorization request named (kept with the code and the refresh token). */
    readonly grantResource: string | null;
    /** The resource the token request names. */
    readonly resource: string | undefined;
    readonly requested: readonly string[];
    readonly held: readonly string[];
  }): Promise<TokenTarget<ApiRecord>> {
    const { grantResource, resource } = input;
    const resolve = (named: string | undefined) => this.resolve({ organization: input.organization, resource: named, requested: input.requested, held: input.held, projectScoped: false });
    if (resource === undefined || resource === grantResource) return resolve(grantResource ?? undefined);
    if (grantResource !== null) throw new InvalidTarget(`The grant is for ${grantResource} only; ask the user again, in a new authorization request, for ${resource}`);
    const target = await resolve(resource);
    if (target.scopes.some((scope) => !IDENTITY_SCOPE_NAMES.has(scope))) return target;
    const usual = await resolve(undefined).catch(() => undefined);
    if (usual?.audience !== target.audience) throw new InvalidTarget(`The grant holds no scope of ${resource}; ask the user again, in a new authorization request, for it`);
    return target;
  }

  /**
   * The `aud` of a user's token: an API's token that carries `openid` names Gatehouse too, so
   * that the client can call userinfo with it (OpenID Connect Core §5.3); it carries no scope of
   * Gatehouse's own API, so it reaches nothing else there.
   */
  userTokenAudience(target: TokenTarget): string | string[] {
    return target.api !== undefined && target.scopes.includes('openid') ? [target.audience, this.config.audience] : target.audience;
  }

  /**
   * For introspection and revocation: a token is good when every API it names is Gatehouse's own
   * or one its organization registered before the token was issued. Deleting an API ends its
   * tokens at once, and for good: registering the identifier again does not bring them back.
   */
  readonly acceptsAudience: AudienceCheck = async (audiences, organizationId, issuedAtMs) => {
    if (audiences.length === 0) return false;
    if (audiences.every((audience) => audience === this.config.audience)) return true;
    const registeredAt = new Map((await this.apis.ofOrganization(organizationId)).map((api) => [api.identifier, api.createdAt]));
    return audiences.every((audience) => audience === this.config.audience || (registeredAt.get(audience) ?? Infinity) <= issuedAtMs);
  };

  /** The lifespan of an access token for `target`: the API's own, else what the token policy says. */
  lifespanSeconds(target: TokenTarget, policyLifespanSeconds: number): number {
    return target.api?.accessTokenLifespanSeconds ?? policyLifespanSeconds;
  }
}
