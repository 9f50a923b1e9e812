import { Injectable } from '@nestjs/common';

/** What the holders of one kind (clients, members) in an organization hold, all together. */
export interface HeldInOrganization {
  readonly scopes: readonly string[];
  /** Whether the root client is among them. */
  readonly includesRoot: boolean;
}

/** A module whose records hold scopes in organizations (clients, users' memberships). */
export interface HolderSource {
  heldIn(organizationId: string): Promise<HeldInOrganization>;
}

/**
 * Everyone who holds scopes in an organization. The clients and users modules register their
 * records here, so that a change that refuses every token of an organization (a not-before push,
 * turning OAuth off) can check the caller against all of them while organizations/, which both
 * of those modules depend on, depends on neither.
 */
@Injectable()
export class OrganizationHolders {
  private readonly sources: HolderSource[] = [];

  register(source: HolderSource): void {
    this.sources.push(source);
  }

  async everyoneIn(organizationId: string): Promise<{ organizationId: string; scopes: string[]; includesRoot: boolean }> {
    const held = await Promise.all(this.sources.map((source) => source.heldIn(organizationId)));
    return { organizationId, scopes: [...new Set(held.flatMap((part) => part.scopes))], includesRoot: held.some((part) => part.includesRoot) };
  }
}
