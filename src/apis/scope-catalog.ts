import { Injectable } from '@nestjs/common';
import { ScopeRegistry } from '../access/scope-registry.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { ApiDirectory, type ApiRecord } from './api-directory.js';
import { IDENTITY_SCOPE_NAMES } from '../scopes/identity.scopes.js';

/** A scope as the catalog lists it: Gatehouse's own have no `api`; an API's carry its identifier. */
export interface CatalogScope {
  readonly name: string;
  readonly description: string;
  /** The identifier of the API that defines it; absent for Gatehouse's own scopes. */
  readonly api?: string;
}

/** An API as a consent page names it (RFC 8707 `resource`). */
export interface NamedResource {
  readonly name: string;
  /** The API's identifier: the `resource` asked for, and the tokens' `aud`. */
  readonly identifier: string;
}

/**
 * Every scope an organization knows: Gatehouse's own (ScopeRegistry: the routes' scopes and the
 * identity scopes) and those of the organization's APIs. A scope name resolves to one definition
 * at most: API scopes may not reuse a built-in name, and are unique across one organization's APIs
 * (ApisService enforces both).
 */
@Injectable()
export class ScopeCatalog {
  constructor(
    private readonly registry: ScopeRegistry,
    private readonly apis: ApiDirectory,
    private readonly config: GatehouseConfig,
  ) {}

  /** The API a request is for, by its name: Gatehouse's own, or one of the organization's (its identifier alone if deleted since). */
  async describeResource(organizationId: string, identifier: string): Promise<NamedResource> {
    if (identifier === this.config.audience) return { name: 'Gatehouse', identifier };
    const api = (await this.apis.ofOrganization(organizationId)).find((candidate) => candidate.identifier === identifier);
    return { name: api?.name ?? identifier, identifier };
  }

  /**
   * Gatehouse's scopes, then the organization's API scopes (by API, oldest first, each API's in
   * its own order). Without an organization, Gatehouse's scopes only: API scope names are unique
   * within an organization, not across them, so a list over every organization would be ambiguous.
   */
  async all(organizationId: string | undefined): Promise<CatalogScope[]> {
    const builtIn: CatalogScope[] = this.registry.all().map(({ name, description }) => ({ name, description }));
    if (organizationId === undefined) return builtIn;
    const apis = await this.apis.ofOrganization(organizationId);
    return [...builtIn, ...apis.flatMap((api) => api.scopes.map(({ name, description }) => ({ name, description, api: api.identifier })))];
  }

  /** The names in `names` that neither Gatehouse nor the organization's APIs define, in the order given. */
  async unknown(organizationId: string, names: Iterable<string>): Promise<string[]> {
    const requested = [...names];
    const notBuiltIn = this.registry.unknown(requested);
    if (notBuiltIn.length === 0) return [];
    const apiScopes = await this.apiScopes(organizationId);
    return notBuiltIn.filter((name) => !apiScopes.has(name));
  }

  /**
   * The definition of each name, in the order given, for the consent page; a name nobody defines
   * is described by itself, so that a page never hides what it is asked to grant.
   */
  async describe(organizationId: string, names: Iterable<string>): Promise<CatalogScope[]> {
    const requested = [...names];
    const apiScopes = requested.some((name) => !this.registry.has(name)) ? await this.apiScopes(organizationId) : EMPTY;
    return requested.map((name) => {
      const builtIn = this.registry.get(name);
      if (builtIn) return { name: builtIn.name, description: builtIn.description };
      const found = apiScopes.get(name);
      return found ? { name, description: found.description, api: found.api.identifier } : { name, description: name };
    });
  }

  /**
   * The scopes of the API that `audience` names: Gatehouse's own (identity scopes aside) when it
   * is `ownAudience`, else the organization's API of that identifier; undefined when there is none.
   */
  async scopesOfAudience(organizationId: string, audience: string, ownAudience: string): Promise<string[] | undefined> {
    if (audience === ownAudience) return this.registry.names().filter((name) => !IDENTITY_SCOPE_NAMES.has(name));
    const api = (await this.apis.ofOrganization(organizationId)).find((candidate) => candidate.identifier === audience);
    return api?.scopes.map((scope) => scope.name);
  }

  /** The organization's API that defines `name` (undefined for Gatehouse's scopes and unknown names). */
  async apiOfScope(organizationId: string, name: string): Promise<ApiRecord | undefined> {
    if (this.registry.has(name)) return undefined;
    return (await this.apiScopes(organizationId)).get(name)?.api;
  }

  private async apiScopes(organizationId: string): Promise<ReadonlyMap<string, { readonly api: ApiRecord; readonly description: string }>> {
    const apis = await this.apis.ofOrganization(organizationId);
    return new Map(apis.flatMap((api) => api.scopes.map((scope) => [scope.name, { api, description: scope.description }] as const)));
  }
}

const EMPTY: ReadonlyMap<string, { readonly api: ApiRecord; readonly description: string }> = new Map();
