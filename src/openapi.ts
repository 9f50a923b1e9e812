import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { OAUTH2_SECURITY_SCHEME } from './access/authenticated.decorator.js';
import { PERMISSIONS } from './scopes/permissions.js';
import { ScopeRegistry } from './access/scope-registry.js';
import { TOKEN_ENDPOINT_ALIASES, TOKEN_ENDPOINT_PATH } from './tokens/tokens.controller.js';
import { INTROSPECTION_ENDPOINT_ALIASES, REVOCATION_ENDPOINT_ALIASES } from './tokens/token-lifecycle.controller.js';
import { USERINFO_ALIASES } from './tokens/userinfo.controller.js';
import { DOCS_PATH } from './common/http/security-headers.js';
import { REGISTRATION_SECURITY_SCHEME } from './client-registration/registration-paths.js';
import { polishDocument } from './openapi-document.js';
import { AUTHORIZATION_ENDPOINT_PATH } from './authorization/authorization.controller.js';
import { DOCS_CLIENT_ID, docsRedirectUri } from './clients/docs-client.js';
import { GatehouseConfig } from './config/gatehouse-config.js';
import { DOCS_UI_PLUGINS } from './openapi-ui.js';

/**
 * The files of swagger-ui-dist that the Swagger UI page loads (its HTML and swagger-ui-init.js
 * are routes of their own). SwaggerModule serves the whole folder (its package.json, source maps,
 * other bundles); nothing else in it is needed.
 */
export const DOCS_ASSETS: ReadonlySet<string> = new Set([
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
  // The authorization code flow's redirect URI (the /docs client's), and its script.
  'oauth2-redirect.html',
  'oauth2-redirect.js',
]);

/**
 * Polar's paths for OAuth endpoints: the same handlers as the canonical paths, whose operations
 * name them, so /docs lists each endpoint once.
 */
const UNDOCUMENTED_ALIASES = [...TOKEN_ENDPOINT_ALIASES, ...INTROSPECTION_ENDPOINT_ALIASES, ...REVOCATION_ENDPOINT_ALIASES, ...USERINFO_ALIASES];

/**
 * Swagger UI at /docs (JSON at /docs-json). Its Authorize button runs the client credentials
 * grant against our own token endpoint, so "Try it out" calls carry a real token.
 */
export function setupOpenApi(app: NestFastifyApplication): void {
  restrictDocsAssets(app);
  const scopes = app.get(ScopeRegistry).all();
  const raw = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setOpenAPIVersion('3.1.0')
      .setTitle('Gatehouse')
      .setDescription(
        '**Getting started.** Click **Authorize**, enter a client id and secret under **oauth2 (OAuth2, clientCredentials)** (the root client\'s are printed when the server starts) ' +
          'and click Authorize: the calls below then carry a real access token. Leave every scope unchecked to get all of the client\'s own scopes; ' +
          'the dialog then shows the scopes the token got. Asking for a scope the client does not hold fails with `invalid_scope`.\n\n' +
          'Errors on OAuth endpoints follow RFC 6749 §5.2 (`{error, error_description}`); other errors are `{statusCode, error, message}`.\n\n' +
          "Polar's OAuth paths are aliases of the endpoints below (same behaviour and errors): `/v1/oauth2/authorize` (as `/oauth2/authorize`), " +
          `${UNDOCUMENTED_ALIASES.map((path) => `\`${path}\``).join(', ')}. Keycloak's realm paths work with and without the \`/auth\` prefix; each is listed once.\n\n` +
          'Organizations are realms: their clients get tokens at `/auth/realms/{org}/protocol/openid-connect/token` (Keycloak paths). ' +
          'Client permissions (roles), always bounded by the client\'s organization: the built-in ones below, and those each organization defines ' +
          '(`/api/v1/oauth/role`; a scope ending in `*` grants every scope of the organization with that prefix, including scopes added later):\n\n' +
          PERMISSIONS.map((permission) => `- **${permission.name}**: ${permission.description}. Scopes: ${permission.scopes.map((scope) => `\`${scope}\``).join(', ')}`).join('\n') +
          '\n\n**Scopes** (`GET /api/v1/oauth/scope` lists those of your APIs too):\n\n' +
          scopes.map((scope) => `- \`${scope.name}\`: ${scope.description}`).join('\n'),
      )
      .setVersion('1')
      .addOAuth2(
        {
          type: 'oauth2',
          description:
            "**clientCredentials**: a client's id and secret; the token gets every scope the client holds. " +
            `**authorizationCode**: sign in as a user (client_id \`${DOCS_CLIENT_ID}\`, already filled in, PKCE, no secret); the token gets the scopes your role gives you, \`openid\` included, for the userinfo routes. ` +
            'A token bound to a DPoP key (RFC 9449: requested with a `DPoP` proof header, `token_type` `DPoP`) is sent as `Authorization: DPoP <access_token>` with a fresh `DPoP` proof for each request (its `ath` the token\'s hash); sent as `Bearer` it is refused.',
          // No scope checkboxes: "select all" asks for scopes only the root client holds (invalid_scope); the list is in the introduction.
          flows: {
            clientCredentials: { tokenUrl: TOKEN_ENDPOINT_PATH, scopes: {} },
            authorizationCode: { authorizationUrl: AUTHORIZATION_ENDPOINT_PATH, tokenUrl: TOKEN_ENDPOINT_PATH, scopes: {} },
          },
        },
        OAUTH2_SECURITY_SCHEME,
      )
      .addBasicAuth({ type: 'http', scheme: 'basic', description: 'client_id and client_secret (client_secret_basic)' }, 'client_secret_basic')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Client registration: an access token with client:create (a personal access token too) or an initial access token (gat_iat_); managing a registration: its registration access token (gat_rat_)' }, REGISTRATION_SECURITY_SCHEME)
      .build(),
  );
  for (const alias of UNDOCUMENTED_ALIASES) delete raw.paths[alias];
  const document = polishDocument(raw);
  SwaggerModule.setup(DOCS_PATH.slice(1), app, document, {
    jsonDocumentUrl: `${DOCS_PATH.slice(1)}-json`,
    swaggerOptions: {
      persistAuthorization: false,
      displayRequestDuration: true,
      plugins: [...DOCS_UI_PLUGINS],
      // Swagger UI would derive it from the page's folder (/oauth2-redirect.html); the client registered it under /docs.
      oauth2RedirectUrl: docsRedirectUri(app.get(GatehouseConfig).issuer),
      initOAuth: { clientId: DOCS_CLIENT_ID, usePkceWithAuthorizationCodeGrant: true },
    },
  });
}

/**
 * Narrows SwaggerModule's static route (`/docs/*`) to DOCS_ASSETS. The raw path must name an
 * asset exactly (no query string aside): any other spelling (encoded, with dot segments, a
 * doubled slash) is a 404 too, so the file served is always the one checked.
 */
function restrictDocsAssets(app: NestFastifyApplication): void {
  const staticRoute = `${DOCS_PATH}/*`;
  const allowed = new Set([...DOCS_ASSETS].map((file) => `${DOCS_PATH}/${file}`));
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      if (route.url !== staticRoute) return;
      const existing = route.onRequest === undefined ? [] : [route.onRequest].flat();
      route.onRequest = [
        ...existing,
        (request, reply, done) => {
          const path = request.url.split('?', 1)[0]!;
          if (allowed.has(path)) done();
          else reply.callNotFound();
        },
      ];
    });
}
