import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { validateEnvironment } from '../src/config/environment.js';
import { type TestApp, startApp } from './support/test-app.js';

/** An HTML document with helmet's headers, including those that only mean something to a browser rendering a page. */
function expectHelmetDocumentHeaders(headers: Record<string, string>): void {
  expect(headers['content-type']).toMatch(/^text\/html/);
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(headers['x-dns-prefetch-control']).toBe('off');
}

describe('security headers and CORS', () => {
  let gatehouse: TestApp;

  beforeAll(async () => {
    gatehouse = await startApp();
  });
  afterAll(() => gatehouse.close());

  it('sends the API set of security headers on JSON responses, errors included', async () => {
    for (const path of ['/.well-known/jwks.json', '/api/v1/oauth/client', '/no-such-route']) {
      const response = await gatehouse.http().get(path);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['x-powered-by']).toBeUndefined();
      // helmet's document-only headers stay off API responses: they mean nothing to a JSON client.
      expect(response.headers['x-dns-prefetch-control']).toBeUndefined();
      expect(response.headers['cross-origin-opener-policy']).toBeUndefined();
    }
  });

  it("sends helmet's document headers on Swagger UI, with a CSP that keeps /docs to this origin", async () => {
    const response = await gatehouse.http().get('/docs');
    expectHelmetDocumentHeaders(response.headers);
    expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it("sends helmet's document headers on the sign-in page and on page errors, with the pages' own CSP", async () => {
    for (const path of ['/oauth2/sign-in', '/oauth2/authorize?client_id=nobody']) {
      const response = await gatehouse.http().get(path);
      expectHelmetDocumentHeaders(response.headers);
      expect(response.headers['content-security-policy']).toContain("default-src 'none'");
      expect(response.headers['content-security-policy']).toContain("form-action 'self'");
      expect(response.headers['referrer-policy']).toBe('same-origin');
      expect(response.headers['cache-control']).toBe('no-store');
    }
  });

  it('answers no CORS by default', async () => {
    const preflight = await gatehouse
      .http()
      .options('/api/v1/oauth/token')
      .set('Origin', 'https://app.example.com')
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('allows exactly the origins in CORS_ORIGINS', async () => {
    const cors = await startApp({ env: { CORS_ORIGINS: 'https://app.example.com, https://admin.example.com/' } });
    try {
      const allowed = await cors.http().options('/api/v1/oauth/token').set('Origin', 'https://admin.example.com').set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', 'authorization');
      expect(allowed.status).toBe(204);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://admin.example.com');
      expect(allowed.headers['access-control-allow-headers']).toMatch(/Authorization/i);
      const refused = await cors.http().options('/api/v1/oauth/token').set('Origin', 'https://evil.example.com').set('Access-Control-Request-Method', 'POST');
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
      const simple = await cors.http().get('/.well-known/jwks.json').set('Origin', 'https://app.example.com');
      expect(simple.headers['access-control-allow-origin']).toBe('https://app.example.com');
    } finally {
      await cors.close();
    }
  });

  it('refuses a malformed CORS_ORIGINS', () => {
    for (const value of ['*', 'app.example.com', 'https://a.example.com/path']) {
      expect(() => validateEnvironment({ CORS_ORIGINS: value })).toThrow(/CORS_ORIGINS must be a comma-separated list of origins/);
    }
  });
});
