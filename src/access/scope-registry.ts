import { Injectable, type OnModuleInit, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { type RouteRule } from './access-rule.js';
import { REQUIRED_SCOPE, ROUTE_RULE } from './required-scope.js';
import { ROUTE_ACCESS, type RouteAccess } from './route-access.js';
import { IDENTITY_SCOPES } from '../scopes/identity.scopes.js';
import { type ScopeDefinition } from '../scopes/scope-definition.js';
import { checkPermissionScopes } from '../scopes/permissions.js';
import { BROWSER_CORS, type BrowserCorsRule } from '../common/http/cors.js';

/**
 * Every scope Gatehouse knows, collected at start-up from the `@Authenticated({ scope })`
 * decorators on the routes themselves: a scope exists because a route requires it, so this list
 * and the guards cannot drift apart. OpenID Connect's identity scopes are the exception: they
 * name facts about a user rather than routes.
 */
/** A guarded route as declared: its method, each path it answers on, and its rule. */
export interface GuardedRoute {
  readonly method: string;
  readonly paths: readonly string[];
  readonly rule: RouteRule;
}

/** Any route, with how it authenticates its caller. */
export interface DeclaredRoute {
  readonly method: string;
  readonly paths: readonly string[];
  readonly access: RouteAccess;
  /** Set when browser apps may call it from their registered origins (see BrowserCors). */
  readonly cors?: BrowserCorsRule;
}

@Injectable()
export class ScopeRegistry implements OnModuleInit {
  private scopes = new Map<string, ScopeDefinition>();
  private guarded: GuardedRoute[] = [];
  private declared: DeclaredRoute[] = [];
  private platformOnly = new Set<string>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    const found = new Map<string, ScopeDefinition>(IDENTITY_SCOPES.map((scope) => [scope.name, scope]));
    const guarded: GuardedRoute[] = [];
    const declared: DeclaredRoute[] = [];
    const undeclared: string[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const prototype = wrapper.metatype?.prototype as Record<string, unknown> | undefined;
      if (!prototype) continue;
      const prefixes = asList(this.reflector.get<string | string[] | undefined>(PATH_METADATA, wrapper.metatype as () => unknown));
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[method] as () => unknown;
        const scope = this.reflector.get<ScopeDefinition | undefined>(REQUIRED_SCOPE, handler);
        if (scope) found.set(scope.name, scope);
        const routePaths = this.reflector.get<string | string[] | undefined>(PATH_METADATA, handler);
        // Not a route: a helper method of the controller.
        if (routePaths === undefined) continue;
        const paths = asList(routePaths);
        const requestMethod = RequestMethod[this.reflector.get<RequestMethod>(METHOD_METADATA, handler)];
        const fullPaths = prefixes.flatMap((prefix) => paths.map((path) => joinPath(prefix, path)));
        const access = this.reflector.get<RouteAccess | undefined>(ROUTE_ACCESS, handler) ?? this.reflector.get<RouteAccess | undefined>(ROUTE_ACCESS, wrapper.metatype as () => unknown);
        const cors = this.reflector.get<BrowserCorsRule | undefined>(BROWSER_CORS, handler) ?? this.reflector.get<BrowserCorsRule | undefined>(BROWSER_CORS, wrapper.metatype as () => unknown);
        if (access) declared.push({ method: requestMethod, paths: fullPaths, access, ...(cors && { cors }) });
        else undeclared.push(`${requestMethod} ${fullPaths.join(', ')} (${wrapper.name}.${method})`);
        const rule = this.reflector.get<RouteRule | undefined>(ROUTE_RULE, handler);
        if (!rule) continue;
        guarded.push({ method: requestMethod, paths: prefixes.flatMap((prefix) => paths.map((path) => joinPath(prefix, path))), rule });
      }
    }
    if (undeclared.length > 0) {
      throw new Error(`Routes that declare no access (mark each @Authenticated, @ClientAuthenticatedEndpoint, @SessionRoute or @PublicRoute): ${undeclared.join('; ')}`);
    }
    this.scopes = new Map([...found.entries()].sort(([a], [b]) => a.localeCompare(b)));
    this.guarded = guarded;
    this.declared = declared;
    const reaches = new Map<string, Set<string>>();
    for (const { rule } of guarded) reaches.set(rule.scope.name, (reaches.get(rule.scope.name) ?? new Set()).add(rule.reach));
    this.platformOnly = new Set([...reaches].filter(([, reach]) => reach.size === 1 && reach.has('platform')).map(([name]) => name));
    checkPermissionScopes(this.scopes);
  }

  /** Every route behind `@Authenticated`, with its rule: what the authorization matrix test walks. */
  routes(): readonly GuardedRoute[] {
    return this.guarded;
  }

  /** Every route, with how it authenticates its caller. */
  declaredRoutes(): readonly DeclaredRoute[] {
    return this.declared;
  }

  all(): ScopeDefinition[] {
    return [...this.scopes.values()];
  }

  names(): string[] {
    return [...this.scopes.keys()];
  }

  /**
   * The scopes an organization's own clients are meant to hold: all but those that only routes
   * acting across organizations (reach `platform`: creating organizations, signing keys, metrics)
   * require, which only the root client holds in practice.
   */
  organizationNames(): string[] {
    return this.names().filter((name) => !this.platformOnly.has(name));
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

function asList(value: string | string[] | undefined): string[] {
  return value === undefined ? [''] : Array.isArray(value) ? value : [value];
}

function joinPath(prefix: string, path: string): string {
  return `/${[prefix, path].map((part) => part.replace(/^\/+|\/+$/g, '')).filter((part) => part !== '').join('/')}`;
}
