import { type OpenAPIObject } from '@nestjs/swagger';

/**
 * The groups of /docs, in the order a newcomer needs them: get a token, make clients, set up
 * organizations and projects, users, then what to do with tokens, and last what operators run.
 */
export const DOCS_TAGS: readonly { name: string; description: string }[] = [
  { name: 'token', description: 'Getting a token: the token endpoint (every grant), the browser authorization endpoint, discovery documents and the public signing keys. Start here.' },
  { name: 'clients', description: 'OAuth clients: create one, read its secret once, set its scopes and permissions (roles), get a token on its behalf, unlock it.' },
  { name: 'client-registration', description: 'Dynamic Client Registration (RFC 7591/7592) and the initial access tokens that let partners register clients themselves.' },
  { name: 'organizations', description: 'Organizations are tenants and realms: each has its own clients, users, roles and a Keycloak-style issuer.' },
  { name: 'projects', description: 'Projects inside an organization; `scope=project-{id}` gives a token bound to one project.' },
  { name: 'users', description: 'People who sign in at the authorization endpoint, their memberships, and their personal access tokens.' },
  { name: 'tokens', description: 'Using and ending tokens: introspection (RFC 7662), revocation (RFC 7009) and OpenID Connect userinfo.' },
  { name: 'apis', description: 'Your own APIs (resource servers): their identifier is the `aud` of their tokens, and the scopes they define.' },
  { name: 'scopes', description: 'Every scope a client may be given: Gatehouse\'s own and those your APIs define.' },
  { name: 'roles', description: 'Roles an organization defines: named sets of scopes (patterns ending in `*` included) given to clients and users.' },
  { name: 'policies', description: 'Access policies and rules (Atlas paths).' },
  { name: 'tables', description: 'The example resource server (Polaris tables): shows project-scoped tokens at work.' },
  { name: 'keys', description: 'Signing keys: list them and rotate. Operations.' },
  { name: 'audit', description: 'The audit log of every change. Operations.' },
  { name: 'health', description: 'Liveness, readiness and Prometheus metrics for load balancers and monitoring. Operations.' },
];

/**
 * Stable operationIds: SDK generators turn them into method names, so they must not follow the
 * controllers' class names or the order of a route's paths. Keyed by Nest's `Controller_method`.
 */
export const OPERATION_IDS: Readonly<Record<string, string>> = {
  TokensController_token: 'getToken',
  TokensController_realmToken: 'getRealmToken',
  DeviceAuthorizationController_authorize: 'startDeviceAuthorization',
  DeviceAuthorizationController_realmAuthorize: 'startRealmDeviceAuthorization',
  DiscoveryController_authorizationServerMetadata: 'getAuthorizationServerMetadata',
  DiscoveryController_openIdConfiguration: 'getOpenIdConfiguration',
  DiscoveryController_jwks: 'getJwks',
  DiscoveryController_protectedResourceMetadata: 'getProtectedResourceMetadata',
  DiscoveryController_realmConfiguration: 'getRealmOpenIdConfiguration',
  DiscoveryController_realmCerts: 'getRealmJwks',
  ClientsController_create: 'createClient',
  ClientsController_list: 'listClients',
  ClientsController_get: 'getClient',
  ClientsController_update: 'updateClient',
  ClientsController_delete: 'deleteClient',
  ClientsController_getScopes: 'getClientScopes',
  ClientsController_setScopes: 'setClientScopes',
  ClientsController_regenerateSecret: 'regenerateClientSecret',
  ClientsController_pushNotBefore: 'pushClientNotBefore',
  ClientsController_getLockout: 'getClientLockout',
  ClientsController_clearLockout: 'clearClientLockout',
  ClientsController_getPermissions: 'getClientPermissions',
  ClientsController_setPermissions: 'setClientPermissions',
  ClientTokenController_issueToken: 'issueClientToken',
  ClientRegistrationController_register: 'registerClient',
  ClientRegistrationController_read: 'getClientRegistration',
  ClientRegistrationController_update: 'updateClientRegistration',
  ClientRegistrationController_delete: 'deleteClientRegistration',
  InitialAccessTokensController_create: 'createInitialAccessToken',
  InitialAccessTokensController_list: 'listInitialAccessTokens',
  InitialAccessTokensController_revoke: 'revokeInitialAccessToken',
  OrganizationsController_create: 'createOrganization',
  OrganizationsController_list: 'listOrganizations',
  OrganizationsController_get: 'getOrganization',
  OrganizationsController_update: 'updateOrganization',
  OrganizationsController_delete: 'deleteOrganization',
  OrganizationsController_pushNotBefore: 'pushOrganizationNotBefore',
  ProjectsController_create: 'createProject',
  ProjectsController_list: 'listProjects',
  ProjectsController_get: 'getProject',
  ProjectsController_update: 'updateProject',
  ProjectsController_delete: 'deleteProject',
  UsersController_create: 'createUser',
  UsersController_list: 'listUsers',
  UsersController_get: 'getUser',
  UsersController_update: 'updateUser',
  UsersController_delete: 'deleteUser',
  UsersController_setMembership: 'setUserMembership',
  PersonalAccessTokensController_create: 'createPersonalAccessToken',
  PersonalAccessTokensController_list: 'listPersonalAccessTokens',
  PersonalAccessTokensController_revoke: 'revokePersonalAccessToken',
  ConsentsController_list: 'listConsents',
  ConsentsController_revoke: 'revokeConsent',
  InvitationsController_list: 'listInvitations',
  InvitationsController_accept: 'acceptInvitation',
  InvitationsController_decline: 'declineInvitation',
  UsersController_resendInvitation: 'resendInvitation',
  TokenLifecycleController_introspect: 'introspectToken',
  TokenLifecycleController_revoke: 'revokeToken',
  PushedAuthorizationController_push: 'pushAuthorizationRequest',
  UserinfoController_get: 'getUserinfo',
  UserinfoController_post: 'postUserinfo',
  ApisController_create: 'createApi',
  ApisController_list: 'listApis',
  ApisController_get: 'getApi',
  ApisController_update: 'updateApi',
  ApisController_delete: 'deleteApi',
  CatalogScopesController_list: 'listScopes',
  RolesController_list: 'listRoles',
  RolesController_create: 'createRole',
  RolesController_get: 'getRole',
  RolesController_update: 'updateRole',
  RolesController_delete: 'deleteRole',
  PoliciesController_listPolicies: 'listPolicies',
  PoliciesController_createPolicy: 'createPolicy',
  PoliciesController_upsertPolicies: 'upsertPolicies',
  PoliciesController_getPolicy: 'getPolicy',
  PoliciesController_listRules: 'listRules',
  PoliciesController_createRule: 'createRule',
  PoliciesController_upsertRules: 'upsertRules',
  TablesController_list: 'listTables',
  TablesController_create: 'createTable',
  KeysController_list: 'listSigningKeys',
  KeysController_rotate: 'rotateSigningKeys',
  AuditController_list: 'listAuditEvents',
  HealthController_check: 'checkHealth',
  HealthController_ready: 'checkReadiness',
  HealthController_live: 'checkLiveness',
  MetricsController_scrape: 'getMetrics',
};

/**
 * Paths that serve the same handler as another documented path: /docs lists the canonical one
 * and names the others in its description. Keycloak's realm paths without `/auth`, Polar's
 * `/api/v1/oauth2/register` next to `/v1/oauth2/register`, and the RFC 8414 spellings of a realm's
 * discovery document.
 */
export function canonicalPathOf(path: string): string | undefined {
  if (path.startsWith('/realms/')) return `/auth${path}`;
  if (path.startsWith('/api/v1/oauth2/register')) return path.slice('/api'.length);
  if (path === '/v1/oauth2/authorize') return '/oauth2/authorize';
  const wellKnown = /^\/\.well-known\/(?:openid-configuration|oauth-authorization-server)(\/auth\/realms\/\{realm\})$/.exec(path);
  if (wellKnown) return `${wellKnown[1]}/.well-known/openid-configuration`;
  return undefined;
}

const query = (name: string, description: string, required = false, schema: Record<string, unknown> = { type: 'string' }) => ({ name, in: 'query', required, description, schema });
const AUTHORIZE_PARAMETERS = [
  query('response_type', 'Always `code`', true, { type: 'string', enum: ['code'] }),
  query('client_id', 'The client asking', true),
  query('redirect_uri', 'One of the client\'s redirect URIs, exactly; may be left out when it has one'),
  query('scope', 'Space-separated scopes; `openid` for an ID token. Left out: the client\'s scopes'),
  query('state', 'Returned unchanged with the code: check it against what you sent (CSRF)'),
  query('code_challenge', 'PKCE (RFC 7636): BASE64URL(SHA-256(code_verifier)); required for public clients'),
  query('code_challenge_method', 'Only `S256`', false, { type: 'string', enum: ['S256'] }),
  query('nonce', 'OpenID Connect: copied into the ID token'),
  query('prompt', '`none`, `login` or `consent`', false, { type: 'string', enum: ['none', 'login', 'consent'] }),
  query('response_mode', '`query` (default) or `form_post`', false, { type: 'string', enum: ['query', 'form_post'] }),
  query('resource', 'RFC 8707: the identifier of the API the token is for'),
  query('dpop_jkt', 'RFC 9449 §10: the thumbprint of the DPoP key the code is bound to; its redemption must carry a proof signed with that key'),
];
const AUTHORIZE_RESPONSES = {
  '302': { description: 'To sign in (`/oauth2/sign-in`) without a session; otherwise back to `redirect_uri` with `code`, `state` and `iss`, or with `error`' },
  '200': { description: 'The consent page (HTML), when the user has not yet allowed these scopes to this client', content: { 'text/html': { schema: { type: 'string' } } } },
  '400': { description: 'An HTML error page: unknown client or a redirect URI that is not registered (nothing is sent to an unverified redirect URI)', content: { 'text/html': { schema: { type: 'string' } } } },
};

/**
 * The browser's authorization endpoint: its controller renders HTML and is excluded from the
 * generated document, but a reader needs its parameters to build the link that starts the
 * authorization code flow (the token endpoint's `code` comes from it).
 */
function authorizationEndpoints(): Record<string, Record<string, Operation>> {
  const operation = (operationId: string, summary: string, description: string, realm: boolean) => ({
    get: {
      operationId,
      summary,
      description,
      tags: ['token'],
      parameters: [...(realm ? [{ name: 'realm', in: 'path', required: true, description: 'The organization', schema: { type: 'string' } }] : []), ...AUTHORIZE_PARAMETERS],
      responses: AUTHORIZE_RESPONSES,
    } as unknown as Operation,
  });
  return {
    '/oauth2/authorize': operation(
      'authorize',
      'Start the authorization code flow (open in a browser)',
      'Sends the browser to sign in and to the consent page, then back to `redirect_uri` with a `code` to exchange at the token endpoint (`grant_type=authorization_code` with the PKCE `code_verifier`). Not a call for `fetch`: open it as a page. Also at `/v1/oauth2/authorize`.',
      false,
    ),
    '/auth/realms/{realm}/protocol/openid-connect/auth': operation(
      'authorizeInRealm',
      "Start the authorization code flow in an organization's realm (Keycloak path)",
      'As `/oauth2/authorize`, for clients and users of organization `{realm}`; the tokens carry the realm issuer. Also at `/realms/{realm}/protocol/openid-connect/auth`.',
      true,
    ),
  };
}

const STATUS_TEXT: Readonly<Record<string, string>> = {
  '200': 'OK',
  '201': 'Created',
  '204': 'Done; no body',
  '400': 'Bad request',
  '409': 'Conflict',
};

type Operation = { operationId?: string; description?: string; tags?: string[]; security?: Record<string, string[]>[]; responses: Record<string, { description?: string; content?: Record<string, { schema?: { $ref?: string }; example?: unknown }> }> };

/** Error examples, each one a body the server really sends (test/openapi.e2e-spec.ts replays them). */
export const ERROR_EXAMPLES = {
  missingGrantType: { error: 'invalid_request', error_description: 'The grant_type parameter is missing' },
  missingClientAuthentication: { error: 'invalid_client', error_description: 'Client authentication is missing: send client_id and client_secret in the body, or use HTTP Basic' },
  missingAccessToken: { error: 'invalid_request', error_description: "This endpoint requires an access token: send 'Authorization: Bearer <access_token>'" },
  missingToken: { error: 'invalid_request', error_description: 'The token parameter is missing' },
  invalidRedirectUri: { error: 'invalid_redirect_uri', error_description: 'redirect_uris must be an https URL (http only on localhost / 127.0.0.1 / [::1]) without a fragment' },
  validation: {
    statusCode: 400,
    error: 'Bad Request',
    message: "All scopes's elements must be unique; scopes must contain no more than 100 elements; scopes must be an array",
    details: ["All scopes's elements must be unique", 'scopes must contain no more than 100 elements', 'scopes must be an array'],
  },
  notFound: { statusCode: 404, error: 'Not Found', message: 'No client with id nope' },
  conflict: { statusCode: 409, error: 'Conflict', message: 'A role named order-manager exists already' },
} as const;

/** RFC 6750's insufficient_scope body, as the bearer guard writes it for `scope`. */
export function insufficientScopeExample(scope: string) {
  return { error: 'insufficient_scope', error_description: `This request requires the scope '${scope}', which the access token does not have`, scope };
}

/** The example for an error response: OAuth bodies for OAuth errors, the house shape elsewhere. */
function errorExample(status: string, schemaName: string, operation: Operation): unknown {
  const scope = (operation.security ?? []).flatMap((requirement) => requirement.oauth2 ?? [])[0];
  if (schemaName === 'OAuthError') {
    if (status === '401') return scope !== undefined ? ERROR_EXAMPLES.missingAccessToken : ERROR_EXAMPLES.missingClientAuthentication;
    if (status === '403' && scope !== undefined) return insufficientScopeExample(scope);
    if (status === '400' && operation.tags?.includes('token')) return ERROR_EXAMPLES.missingGrantType;
    if (status === '400' && operation.tags?.includes('tokens')) return ERROR_EXAMPLES.missingToken;
    if (status === '400' && operation.tags?.includes('client-registration')) return ERROR_EXAMPLES.invalidRedirectUri;
    return undefined;
  }
  if (schemaName === 'ApiError') {
    if (status === '400') return ERROR_EXAMPLES.validation;
    if (status === '404') return ERROR_EXAMPLES.notFound;
    if (status === '409') return ERROR_EXAMPLES.conflict;
  }
  return undefined;
}

/**
 * What Nest's generator leaves for a person to read: one entry per path, tags in order and
 * described, stable operationIds, schema names without the `Dto` of our classes, and a
 * description and a matching example on every response.
 */
export function polishDocument(document: OpenAPIObject): OpenAPIObject {
  const paths = document.paths as Record<string, Record<string, Operation>>;
  Object.assign(paths, authorizationEndpoints());
  for (const [path, methods] of Object.entries(paths)) {
    const canonical = canonicalPathOf(path);
    if (canonical === undefined || paths[canonical] === undefined) continue;
    for (const [method, operation] of Object.entries(paths[canonical])) {
      if (methods[method] === undefined) continue;
      operation.description = `${operation.description ?? ''}${operation.description ? '\n\n' : ''}Also at \`${path}\`.`;
    }
    delete paths[path];
  }

  const renamed = new Map(Object.keys(document.components?.schemas ?? {}).map((name) => [name, name.replace(/Dto$/, '')]));
  if (new Set(renamed.values()).size !== renamed.size) throw new Error('Two schemas share a name once Dto is dropped');
  let text = JSON.stringify(document);
  for (const [from, to] of renamed) text = text.replaceAll(`"#/components/schemas/${from}"`, `"#/components/schemas/${to}"`);
  const polished = JSON.parse(text) as OpenAPIObject & { paths: Record<string, Record<string, Operation>> };
  polished.components!.schemas = Object.fromEntries(Object.entries(polished.components!.schemas!).map(([name, schema]) => [renamed.get(name)!, schema]));

  for (const [path, methods] of Object.entries(polished.paths)) {
    for (const operation of Object.values(methods)) {
      const nestId = operation.operationId?.replace(/\[\d+\]$/, '') ?? '';
      const id = OPERATION_IDS[nestId] ?? operation.operationId;
      // A handler serving both a global path and its realm's: the realm one is its own method.
      operation.operationId = path.startsWith('/auth/realms/') && id !== undefined && !id.includes('Realm') ? `${id}InRealm` : id;
      for (const [status, response] of Object.entries(operation.responses)) {
        const json = response.content?.['application/json'];
        const schemaName = json?.schema?.$ref?.replace('#/components/schemas/', '');
        if (!response.description) response.description = schemaName ? `${STATUS_TEXT[status] ?? status}: ${schemaName}` : (STATUS_TEXT[status] ?? status);
        if (json && schemaName && json.example === undefined) {
          const example = errorExample(status, schemaName, operation);
          if (example !== undefined) json.example = example;
        }
      }
    }
  }
  polished.tags = DOCS_TAGS.map((tag) => ({ ...tag }));
  return polished;
}
