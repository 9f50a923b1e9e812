import { SetMetadata } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type FastifyReply, type FastifyRequest } from 'fastify';

/** Route metadata: which browser origins may read the route's responses without CORS_ORIGINS (see BrowserCors). */
export const BROWSER_CORS = 'gatehouse:browser-cors';

/**
 * - `registered`: an origin of some client's registered redirect URIs (on a realm path, a client of
 *   that realm): public documents a browser app needs before it has any credential (discovery, JWKS).
 * - `caller`: an origin of the client the request authenticated as, with its own credentials
 *   (token, revocation) or with its access token (userinfo). A request whose client could not be
 *   established gets no CORS header: its error is not that app's to read.
 */
export type BrowserCorsRule = 'registered' | 'caller';

/**
 * Lets public clients (single-page apps) call the route from their own origin: the origins of the
 * redirect URIs they registered (Keycloak's "web origins"), and nothing else, with no
 * configuration. Preflights are allowed for an origin some client registered (of the realm, on
 * realm paths); the actual response then carries `Access-Control-Allow-Origin` per `rule`.
 */
export function BrowserCors(rule: BrowserCorsRule): MethodDecorator & ClassDecorator {
  return SetMetadata(BROWSER_CORS, rule);
}

/** A route that answers browser apps, as the route table lists it (Fastify's path, `:param` and all). */
export interface BrowserCorsRoute {
  readonly method: string;
  readonly paths: readonly string[];
  readonly rule: BrowserCorsRule;
}

/** What decides which origins are the clients' (implemented by the clients module). */
export interface BrowserOrigins {
  /** Some enabled client (of realm `realm`, when given) registered a redirect URI at `origin`. */
  isRegistered(origin: string, realm: string | undefined): Promise<boolean>;
  /** The client `clientId` is enabled and registered a redirect URI at `origin`. */
  belongsTo(origin: string, clientId: string): Promise<boolean>;
}

export interface CorsOptions {
  /** CORS_ORIGINS: origins allowed on every route, the API's included. */
  readonly globalOrigins: readonly string[];
  /** The routes marked with BrowserCors, read once the application is initialized. */
  readonly routes: () => readonly BrowserCorsRoute[];
  readonly origins: () => BrowserOrigins;
  /** The client a request authenticated as, once its guard ran (undefined: none). */
  readonly callerOf: (request: FastifyRequest) => string | undefined;
}

/**
 * The origin of a URI as a browser serializes it (scheme, lowercase host, port unless the
 * scheme's default), or undefined for anything but http(s) URIs: one canonical form, so that a
 * redirect URI `https://App.example.com:443/cb` and the Origin `https://app.example.com` agree.
 */
export function canonicalOrigin(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  return url.origin;
}

const GLOBAL_METHODS = 'GET, POST, PUT, PATCH, DELETE';
/** `DPoP`: a browser app's proof (RFC 9449 §4), the main use of DPoP by public clients. */
const ALLOWED_HEADERS = 'Authorization, Content-Type, DPoP';
/** What a browser app reads of an error: userinfo's `WWW-Authenticate` (RFC 6750 §3), a rate limit's `Retry-After`, the nonce a DPoP proof must carry (`DPoP-Nonce`, RFC 9449 §8). */
const EXPOSED_HEADERS = 'WWW-Authenticate, Retry-After, DPoP-Nonce';
const MAX_AGE_SECONDS = '600';

interface CompiledRoute {
  readonly method: string;
  readonly path: string;
  readonly pattern: RegExp;
  readonly rule: BrowserCorsRule;
}

/**
 * CORS, in one place: CORS_ORIGINS' origins on every route (as before), and the BrowserCors routes
 * for the origins of the clients' redirect URIs. Responses of BrowserCors routes (and every
 * response while CORS_ORIGINS is set) carry `Vary: Origin`, since what they allow depends on it.
 */
export function registerCors(app: NestFastifyApplication, options: CorsOptions): void {
  const global = new Set(options.globalOrigins);
  let compiled: { byRoute: Map<string, CompiledRoute>; all: CompiledRoute[] } | undefined;
  const table = () => {
    if (compiled) return compiled;
    const all = options.routes().flatMap(({ method, paths, rule }) => paths.map((path) => ({ method, path, rule, pattern: patternOf(path) })));
    compiled = { byRoute: new Map(all.map((route) => [`${route.method} ${route.path}`, route])), all };
    return compiled;
  };
  const routeOf = (request: FastifyRequest): CompiledRoute | undefined => {
    const url = request.routeOptions.url;
    if (url === undefined) return undefined;
    return table().byRoute.get(`${request.method === 'HEAD' ? 'GET' : request.method} ${url}`);
  };

  const fastify = app.getHttpAdapter().getInstance();
  // Synchronous unless the request is a cross-origin one to decide on: the hooks run on every
  // request. A lookup that fails (the database away) allows nothing and fails nothing else.
  const denied = () => false;
  fastify.addHook('onRequest', (request, reply, done) => {
    const origin = request.headers.origin;
    const route = request.method === 'OPTIONS' ? undefined : routeOf(request);
    if (route || global.size > 0) reply.header('Vary', 'Origin');
    if (origin === undefined || canonicalOrigin(origin) !== origin) return done();
    if (request.method === 'OPTIONS') {
      // Answered here, or on to the router (which answers 404: no route takes OPTIONS).
      preflight(request, reply, origin)
        .catch(denied)
        .then((answered) => {
          if (!answered) done();
        }, done);
      return;
    }
    if (global.has(origin)) {
      reply.header('Access-Control-Allow-Origin', origin);
      return done();
    }
    if (route?.rule !== 'registered') return done();
    options
      .origins()
      .isRegistered(origin, realmOf(request.params))
      .catch(denied)
      .then((registered) => {
        if (registered) allow(reply, origin);
        done();
      }, done);
  });

  // `caller`: only once the guard has said who the client is, whatever the answer.
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const origin = request.headers.origin;
    if (origin === undefined || reply.hasHeader('Access-Control-Allow-Origin') || routeOf(request)?.rule !== 'caller' || canonicalOrigin(origin) !== origin) return done(null, payload);
    const clientId = options.callerOf(request);
    if (clientId === undefined) return done(null, payload);
    options
      .origins()
      .belongsTo(origin, clientId)
      .catch(denied)
      .then((belongs) => {
        if (belongs) allow(reply, origin);
        done(null, payload);
      }, (error: Error) => done(error));
  });

  async function preflight(request: FastifyRequest, reply: FastifyReply, origin: string): Promise<boolean> {
    const requested = request.headers['access-control-request-method'];
    if (typeof requested !== 'string') return false;
    if (global.has(origin)) return answerPreflight(reply, origin, GLOBAL_METHODS);
    const path = request.url.split('?', 1)[0]!;
    const matches = table().all.filter((route) => route.pattern.test(path));
    if (!matches.some((route) => route.method === requested)) return false;
    if (!(await options.origins().isRegistered(origin, realmOf(matches[0]!.pattern.exec(path)?.groups)))) return false;
    return answerPreflight(reply, origin, [...new Set(matches.map((route) => route.method))].join(', '));
  }
}

function allow(reply: FastifyReply, origin: string): void {
  reply.header('Access-Control-Allow-Origin', origin).header('Access-Control-Expose-Headers', EXPOSED_HEADERS);
}

function answerPreflight(reply: FastifyReply, origin: string, methods: string): true {
  void reply
    .header('Vary', 'Origin')
    .header('Access-Control-Allow-Origin', origin)
    .header('Access-Control-Allow-Methods', methods)
    .header('Access-Control-Allow-Headers', ALLOWED_HEADERS)
    .header('Access-Control-Max-Age', MAX_AGE_SECONDS)
    .header('Cache-Control', 'no-store')
    .code(204)
    .header('Content-Length', '0')
    .send();
  return true;
}

function realmOf(params: unknown): string | undefined {
  const realm = (params as { realm?: unknown } | undefined)?.realm;
  return typeof realm === 'string' ? realm : undefined;
}

/** A Fastify route path as a regular expression over request paths (`:name` one segment, captured by name). */
function patternOf(path: string): RegExp {
  const source = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? `(?<${segment.slice(1)}>[^/]+)` : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}
