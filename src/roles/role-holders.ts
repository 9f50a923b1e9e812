import { Injectable } from '@nestjs/common';

/** A module whose records name roles (clients' permissions, users' memberships). */
export interface RoleHolderSource {
  /** How many of its records in `organizationId` hold the role `name`. */
  holdersOf(organizationId: string, name: string): Promise<number>;
}

/** How many of each kind hold a role, e.g. `{ clients: 2, users: 1 }`. */
export type RoleHolderCounts = Readonly<Record<string, number>>;

/**
 * Everyone who holds a role. The clients and users modules register here, so that deleting a
 * role still held can be refused while roles/, which both of them depend on, depends on neither.
 */
@Injectable()
export class RoleHolders {
  private readonly sources: { readonly kind: string; readonly source: RoleHolderSource }[] = [];

  /** `kind` names the holders in the plural (`clients`, `users`). */
  register(kind: string, source: RoleHolderSource): void {
    this.sources.push({ kind, source });
  }

  /** The holders of the role in the organization, by kind, kinds without any left out. */
  async count(organizationId: string, name: string): Promise<RoleHolderCounts> {
    const counts = await Promise.all(this.sources.map(async ({ kind, source }) => [kind, await source.holdersOf(organizationId, name)] as const));
    return Object.fromEntries(counts.filter(([, count]) => count > 0));
  }
}
