// NestJS: a guard configured by ResourceServerModule, with @RequireScopes() and @RequireProject()
// on controllers or handlers, and @AccessToken() for the verified token. It works on either
// platform (Fastify or Express): it reads only headers, method, URL and params.
import {
  applyDecorators,
  type CanActivate,
  createParamDecorator,
  type DynamicModule,
  type ExecutionContext,
  HttpException,
  Inject,
  Injectable,
  Module,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AccessTokenError } from './errors.js';
import { accessTokenOf, rememberAccessToken } from './request-token.js';
import { type AccessRequirements, ResourceServer, type ResourceServerOptions } from './resource-server.js';

const SCOPES = 'gatehouse:resource-server:scopes';
const PROJECT = 'gatehouse:resource-server:project';
const ORGANIZATION_ONLY = 'gatehouse:resource-server:organization-only';
export const RESOURCE_SERVER_GUARD_OPTIONS = 'gatehouse:resource-server:guard-options';

export interface GuardOptions {
  /** The API's public origin (`https://api.example.com`), for a DPoP proof's `htu` behind a proxy; by default the audience's origin when the audience is an http(s) URL; otherwise DPoP-bound tokens are refused. */
  origin?: string;
}

/** What the guard reads of a request, on Fastify (FastifyRequest) or Express (Request) alike. */
interface PlatformRequest {
  method: string;
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string | undefined>;
  protocol?: string;
  url: string;
  originalUrl?: string;
}

/** Either platform's response: Fastify's reply has `header`, Express's response `setHeader`. */
interface PlatformResponse {
  header?: (name: string, value: string) => unknown;
  setHeader?: (name: string, value: string) => unknown;
}

function requestUrl(request: PlatformRequest, origin?: string): string {
  // `originalUrl`: the path before any router mount point was stripped (both platforms have it).
  return `${origin ?? `${request.protocol ?? 'http'}://${String(request.headers.host ?? '')}`}${request.originalUrl ?? request.url}`;
}

@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ResourceServer) private readonly server: ResourceServer,
    @Inject(RESOURCE_SERVER_GUARD_OPTIONS) private readonly options: GuardOptions,
  ) {}

  /**
   * Requests this guard has let through. Each decorator applies the guard, so a route with
   * decorators on both its controller and its handler runs it twice: the second run must not verify
   * again (it would find the DPoP proof used already). Both runs read the same metadata.
   */
  private readonly passed = new WeakSet<object>();

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.passed.has(context.switchToHttp().getRequest<object>())) return true;
    const targets = [context.getHandler(), context.getClass()];
    const scopes = [...new Set([...(this.reflector.get<string[]>(SCOPES, context.getClass()) ?? []), ...(this.reflector.get<string[]>(SCOPES, context.getHandler()) ?? [])])];
    const projectParam = this.reflector.getAllAndOverride<{ param: string; projectScopedOnly?: boolean } | undefined>(PROJECT, targets);
    const organizationOnly = this.reflector.getAllAndOverride<boolean | undefined>(ORGANIZATION_ONLY, targets) ?? false;
    const http = context.switchToHttp();
    const request = http.getRequest<PlatformRequest>();
    const requirements: AccessRequirements = {
      scopes,
      organizationOnly,
      ...(projectParam && { project: request.params?.[projectParam.param], requireProjectScopedToken: projectParam.projectScopedOnly }),
    };
    const authorization = request.headers.authorization;
    const origin = this.options.origin ?? this.server.defaultOrigin;
    try {
      const token = await this.server.verify(
        { method: request.method, url: requestUrl(request, origin), originFromHost: origin === undefined, authorization: typeof authorization === 'string' ? authorization : undefined, dpop: request.headers.dpop },
        requirements,
      );
      rememberAccessToken(request, token);
      this.passed.add(request);
      return true;
    } catch (error) {
      if (!(error instanceof AccessTokenError)) throw error;
      const response = http.getResponse<PlatformResponse>();
      for (const [name, value] of Object.entries(error.headers)) {
        if (response.header) response.header(name, value);
        else response.setHeader?.(name, value);
      }
      throw new HttpException(error.body, error.status, { cause: error });
    }
  }
}

/**
 * Requires a valid access token with all of `scopes` (on a controller, its scopes add to each
 * handler's). Applies AccessTokenGuard, so nothing else is needed on the route.
 */
export const RequireScopes = (...scopes: string[]) => applyDecorators(SetMetadata(SCOPES, scopes), UseGuards(AccessTokenGuard));

/**
 * The route reaches the project named by the path parameter `param`: a project-scoped token must be
 * scoped to it, and with `projectScopedOnly` (else the module's `requireProjectScopedTokens`) an
 * organization token is refused.
 */
export const RequireProject = (param: string, options: { projectScopedOnly?: boolean } = {}) =>
  applyDecorators(SetMetadata(PROJECT, { param, projectScopedOnly: options.projectScopedOnly }), UseGuards(AccessTokenGuard));

/** The route reaches organization-wide resources: project-scoped tokens are refused. */
export const RequireOrganizationToken = () => applyDecorators(SetMetadata(ORGANIZATION_ONLY, true), UseGuards(AccessTokenGuard));

/** The verified token (VerifiedAccessToken) of a guarded route, as a handler parameter. */
export const AccessToken = createParamDecorator((_data: unknown, context: ExecutionContext) => accessTokenOf(context.switchToHttp().getRequest<object>()));

@Module({})
export class ResourceServerModule {
  /** Configures the issuer and audience once; global, so every module's controllers can use the decorators. */
  static forRoot(options: ResourceServerOptions & GuardOptions): DynamicModule {
    return {
      module: ResourceServerModule,
      global: true,
      providers: [{ provide: ResourceServer, useValue: new ResourceServer(options) }, { provide: RESOURCE_SERVER_GUARD_OPTIONS, useValue: { origin: options.origin } }, AccessTokenGuard],
      exports: [ResourceServer, RESOURCE_SERVER_GUARD_OPTIONS, AccessTokenGuard],
    };
  }
}
