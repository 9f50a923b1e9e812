import { Injectable } from '@nestjs/common';
import { type Change } from '../audit/unit-of-work.js';

/** A module whose records may hold API scopes in an organization (clients; roles). */
export interface ApiScopeHolder {
  /** Which of `scopes` something in the organization holds (read inside the change's transaction). */
  heldOf(change: Change, organizationId: string, scopes: readonly string[]): Promise<string[]>;
  /** Takes `scopes` away from every record of the organization, in the change's transaction, with their audit and change-feed events. */
  removeScopes(change: Change, organizationId: string, scopes: readonly string[]): Promise<void>;
}

/**
 * Everything that holds API scopes. When an API or one of its scopes goes, no client (or role)
 * may keep a scope nobody defines any more; the modules that own those records register here, so
 * that apis/, which they depend on for the ScopeCatalog, depends on none of them (the shape of
 * OrganizationHolders).
 */
@Injectable()
export class ApiScopeHolders {
  private readonly holders: ApiScopeHolder[] = [];

  register(holder: ApiScopeHolder): void {
    this.holders.push(holder);
  }

  /** Which of `scopes` anything in the organization holds, each once. */
  async heldOf(change: Change, organizationId: string, scopes: readonly string[]): Promise<string[]> {
    if (scopes.length === 0) return [];
    const held = new Set<string>();
    for (const holder of this.holders) for (const scope of await holder.heldOf(change, organizationId, scopes)) held.add(scope);
    return scopes.filter((scope) => held.has(scope));
  }

  async removeScopes(change: Change, organizationId: string, scopes: readonly string[]): Promise<void> {
    if (scopes.length === 0) return;
    for (const holder of this.holders) await holder.removeScopes(change, organizationId, scopes);
  }
}
