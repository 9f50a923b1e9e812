import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { resolve as resolvePath } from 'node:path';
import { type TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, startApp } from '../support/test-app.js';
import { createClient, type Credentials, ROOT, tokenFor } from '../support/oauth.js';
import { createClientIn, createOrganization, realmToken } from '../support/tenants.js';
import { freePort } from '../support/server-process.js';

/** The organization whose realm issuer (`/auth/realms/{org}`) the interop tests drive beside the server-wide one. */
export const REALM = 'interop';

export interface Person {
  email: string;
  password: string;
  name: string;
}

/** One issuer under test: the server-wide one or a realm's, with a person who may sign in to its apps. */
export interface IssuerUnderTest {
  label: string;
  /** The issuer identifier, which is also the URL discovery is fetched under. */
  issuer: string;
  realm?: string;
  person: Person;
  /** Creates a client of this issuer's organization (as the root client), answering its credentials. */
  createClient(body: Record<string, unknown>): Promise<Credentials>;
  /** A client-credentials access token of a client of this issuer, from this issuer's token endpoint. */
  tokenFor(credentials: Credentials, scope?: string): Promise<string>;
}

export const ISSUER_KINDS = ['the server-wide issuer', 'a realm issuer'] as const;
export type IssuerKind = (typeof ISSUER_KINDS)[number];

/**
 * The scope a client-credentials client asks for: an ordinary API scope the root client may hand
 * to a client of any organization.
 */
export const API_SCOPE = 'scope:read';

/**
 * Gatehouse listening on 127.0.0.1 with PUBLIC_URL naming its own address, so that real client
 * libraries, a browser and other processes talk HTTP to it; one per test file, shared by its
 * cases. The realm organization and its member are created once here.
 */
export class InteropServer {
  private constructor(
    readonly gatehouse: TestApp,
    readonly base: string,
    readonly issuers: Record<IssuerKind, IssuerUnderTest>,
  ) {}

  static async start(): Promise<InteropServer> {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const gatehouse = await startApp({ env: { PUBLIC_URL: base } });
    try {
      await gatehouse.app.listen({ port, host: '127.0.0.1' });
      await createOrganization(gatehouse, { name: REALM, oauth_enabled: true });
      // A realm's apps serve the realm's own members.
      const member = { email: `member@${REALM}.test`, password: 'interop member password', name: 'Interop Member' };
      const root = await tokenFor(gatehouse, ROOT);
      const created = await gatehouse.http().post('/api/v1/users').set('Authorization', `Bearer ${root}`).send({ ...member, organization: REALM });
      if (created.status !== 201) throw new Error(`realm member: ${created.status} ${JSON.stringify(created.body)}`);
      return new InteropServer(gatehouse, base, {
        'the server-wide issuer': {
          label: 'the server-wide issuer',
          issuer: base,
          person: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD, name: 'Administrator' },
          createClient: (body) => createClient(gatehouse, { scopes: [], ...body }),
          tokenFor: (credentials, scope) => tokenFor(gatehouse, credentials, scope),
        },
        'a realm issuer': {
          label: 'a realm issuer',
          issuer: `${base}/auth/realms/${REALM}`,
          realm: REALM,
          person: member,
          createClient: (body) => createClientIn(gatehouse, REALM, body),
          tokenFor: (credentials, scope) => realmToken(gatehouse, REALM, credentials, scope),
        },
      });
    } catch (error) {
      await gatehouse.close();
      throw error;
    }
  }

  close(): Promise<void> {
    return this.gatehouse.close();
  }
}

/** A single-page app (a public client written with oauth4webapi) that the CallbackServer serves at /spa/. */
const SPA_PAGE = resolvePath('test/interop/spa/index.html');
/** oauth4webapi's own build: an ES module that runs unchanged in a browser. */
const OAUTH4WEBAPI_BROWSER_BUILD = resolvePath('node_modules/oauth4webapi/build/index.js');

/** What arrived at a relying party's redirect URI. */
export interface Callback {
  method: string;
  /** The full URL requested, query included. */
  url: URL;
  /** The form body of a POST (form_post response mode), else empty. */
  body: URLSearchParams;
}

/**
 * A relying party's redirect endpoint on 127.0.0.1: records each request (GET with the response in
 * the query, or a form_post POST) and answers a small page, so that a browser's trip ends there.
 */
export class CallbackServer {
  private waiting: ((callback: Callback) => void)[] = [];
  private arrived: Callback[] = [];

  private constructor(private readonly server: Server) {}

  static start(): Promise<CallbackServer> {
    const instance: CallbackServer = new CallbackServer(
      createServer((request, response) => {
        // The browser's own request for the site icon is no redirect.
        if (request.url === '/favicon.ico') return void response.writeHead(404).end();
        const path = new URL(request.url!, instance.url('/')).pathname;
        // The single-page app's start page and script; its redirect URI, /spa/callback, is recorded below.
        if (path === '/spa/') return void response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(readFileSync(SPA_PAGE));
        if (path === '/spa/oauth4webapi.js') return void response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(readFileSync(OAUTH4WEBAPI_BROWSER_BUILD));
        void readBody(request).then((body) => {
          instance.record({ method: request.method!, url: new URL(request.url!, instance.url('/')), body: new URLSearchParams(request.method === 'POST' ? body : '') });
          const page = path === '/spa/callback' ? readFileSync(SPA_PAGE) : '<!doctype html><title>Back at the app</title><h1>Back at the app</h1>';
          response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page);
        });
      }),
    );
    return new Promise((resolve) => instance.server.listen(0, '127.0.0.1', () => resolve(instance)));
  }

  /** A URL on this server (the redirect URI, or a post-logout redirect URI). */
  url(path = '/callback'): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** The next request to arrive (or the oldest one not yet taken). */
  next(): Promise<Callback> {
    const ready = this.arrived.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Forgets requests nobody took (a flow that failed half-way must not feed the next one). */
  reset(): void {
    this.arrived = [];
  }

  private record(callback: Callback): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter(callback);
    else this.arrived.push(callback);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}
