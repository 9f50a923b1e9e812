import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** What a verified access token says about its bearer, now (scopes taken away since are gone). */
export interface TokenPrincipal {
  readonly clientId: string;
  readonly organizationId: string;
  /** Set for a project-scoped token (`scope=project-{id}`). */
  readonly projectId: string | undefined;
  readonly isRoot: boolean;
  /** The token's scopes that the client still holds. */
  readonly scopes: ReadonlySet<string>;
  readonly tokenId: string;
}

/** Who is calling, and from where: established by BearerTokenGuard; the audit trail records the latter two. */
export interface AuthContext extends TokenPrincipal {
  readonly sourceIp: string;
  readonly requestId: string;
}

export interface AuthenticatedRequest {
  auth?: AuthContext;
}

/** The caller of an `@Authenticated` route. */
export const Auth = createParamDecorator((_data: unknown, context: ExecutionContext): AuthContext => {
  const auth = context.switchToHttp().getRequest<AuthenticatedRequest>().auth;
  if (!auth) throw new Error('@Auth() used on a route without @Authenticated()');
  return auth;
});
