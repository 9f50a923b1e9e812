import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { REQUIRED_SCOPE } from '../auth/required-scope.js';
import { IDENTITY_SCOPES } from './identity.scopes.js';
import { type ScopeDefinition } from './scope-definition.js';

/**
 * Every scope Gatehouse knows, collected at start-up from the `@Authenticated({ scope })`
 * decorators on the routes themselves: a scope exists because a route requires it, so this list
 * and the guards cannot drift apart. OpenID Connect's identity scopes are the exception: they
 * name facts about a user rather than routes.
 */
@Injectable()
export class ScopeRegistry implements OnModuleInit {
  private scopes = new Map<string, ScopeDefinition>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const found = new Map<string, ScopeDefinition>(IDENTITY_SCOPES.map((scope) => [scope.name, scope]));
    for (const wrapper of this.discovery.getControllers()) {
      const prototype = wrapper.metatype?.prototype as Record<string, unknown> | undefined;
      if (!prototype) continue;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const scope = this.reflector.get<ScopeDefinition | undefined>(REQUIRED_SCOPE, prototype[method] as () => unknown);
        if (scope) found.set(scope.name, scope);
      }
    }
    this.scopes = new Map([...found.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  all(): ScopeDefinition[] {
    return [...this.scopes.values()];
  }

  names(): string[] {
    return [...this.scopes.keys()];
  }

  get(name: string): ScopeDefinition | undefined {
    return this.scopes.get(name);
  }

  has(name: string): boolean {
    return this.scopes.has(name);
  }

  /** The names in `requested` that no route knows, in the order given. */
  unknown(requested: Iterable<string>): string[] {
    return [...requested].filter((name) => !this.scopes.has(name));
  }
}
