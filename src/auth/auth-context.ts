import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** What a verified access token says about its bearer, now (scopes taken away since are gone). */
export interface TokenPrincipal {
  readonly clientId: string;
  /** Set when the token speaks for a user (authorization code flow): the client acts on their behalf. */
  readonly userId: string | undefined;
  readonly organizationId: string;
  /** Set for a project-scoped token (`scope=project-{id}`). */
  readonly projectId: string | undefined;
  readonly isRoot: boolean;
  /** The token's scopes that the client (and, for a user token, the user) still holds. */
  readonly scopes: ReadonlySet<string>;
  /** The permissions of the caller: the client's, or the user's role in the organization. Nobody grants one they lack. */
  readonly permissions: readonly string[];
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
