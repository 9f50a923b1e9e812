import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import { from } from './source-address.js';
import { type TestApp, ADMIN_EMAIL, ADMIN_PASSWORD } from './test-app.js';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&quot;': '"', '&#39;': "'", '&lt;': '<', '&gt;': '>' };
const unescape = (value: string) => value.replace(/&(amp|quot|#39|lt|gt);/g, (entity) => ENTITIES[entity]!);

/** The hidden fields of the first form on a page, as the browser would send them. */
export function hiddenFields(page: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of page.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) fields[unescape(match[1]!)] = unescape(match[2]!);
  return fields;
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Where a redirect points, parsed. */
export function location(response: { headers: Record<string, string> }): URL {
  return new URL(response.headers.location!, 'http://gatehouse.test');
}

/**
 * A browser: keeps cookies (supertest's agent), follows the sign-in and consent forms the way a
 * person would, and stops at the redirect back to the client.
 */
export class Browser {
  readonly agent: ReturnType<typeof request.agent>;

  /** `address`: the source address of the browser's requests (see from()); the default is 127.0.0.1. */
  constructor(
    app: TestApp,
    private readonly address?: string,
  ) {
    this.agent = request.agent(app.app.getHttpServer());
  }

  private via<T extends { agent(agent: ReturnType<typeof from>): T }>(test: T): T {
    return this.address === undefined ? test : test.agent(from(this.address));
  }

  /** Starts an authorization request; answers the first response (a redirect or a page). */
  authorize(params: Record<string, string>, path = '/oauth2/authorize') {
    return this.via(this.agent.get(path).query(params));
  }

  async signIn(returnTo: string | undefined, email = ADMIN_EMAIL, password = ADMIN_PASSWORD) {
    const form = await this.via(this.agent.get('/oauth2/sign-in').query(returnTo ? { return_to: returnTo } : {}));
    if (form.status !== 200) throw new Error(`sign-in form: ${form.status} ${form.text}`);
    return this.via(this.agent.post('/oauth2/sign-in').type('form').send({ ...hiddenFields(form.text), email, password }));
  }

  /** Signs in (if asked to) and answers the consent page; returns the redirect back to the client. */
  async authorizeAndDecide(params: Record<string, string>, decision: 'allow' | 'deny' = 'allow', path = '/oauth2/authorize', user = { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }) {
    let response = await this.authorize(params, path);
    if (response.status === 302 && location(response).pathname === '/oauth2/sign-in') {
      const signedIn = await this.signIn(location(response).searchParams.get('return_to')!, user.email, user.password);
      if (signedIn.status !== 303) throw new Error(`sign-in: ${signedIn.status} ${signedIn.text}`);
      response = await this.agent.get(signedIn.headers.location!);
    }
    if (response.status !== 200) return response;
    const consent = response.text;
    return this.agent.post(path).type('form').send({ ...hiddenFields(consent), decision });
  }
}
