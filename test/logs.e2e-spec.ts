import { describe, expect, it } from '@jest/globals';
import { emptyDatabaseUrl } from './support/test-app.js';
import { runServer } from './support/server-process.js';

const ROOT_ID = 'log-root';
const ROOT_SECRET = 'log-root-secret-0123456789abcdefghijklmnopq';

describe('logs', () => {
  it('are JSON lines with request ids, and never contain a secret, a token or a credential header', async () => {
    const adminPassword = 'admin-password-should-never-be-logged';
    const server = runServer({ DATABASE_URL: await emptyDatabaseUrl(), LOG_FORMAT: 'json', LOG_LEVEL: 'trace', OAUTH_ROOT_CLIENT_ID: ROOT_ID, OAUTH_ROOT_CLIENT_SECRET: ROOT_SECRET, ADMIN_EMAIL: 'ops@example.com', ADMIN_PASSWORD: adminPassword });
    const port = await server.listening;
    const base = `http://127.0.0.1:${port}`;
    const used: string[] = [ROOT_SECRET, adminPassword];
    const form = (fields: Record<string, string>, headers: Record<string, string> = {}) => ({ method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields) });
    const json = async (response: Response) => (await response.json()) as Record<string, string>;

    try {
      const root = (await json(await fetch(`${base}/api/v1/oauth/token`, form({ grant_type: 'client_credentials', client_id: ROOT_ID, client_secret: ROOT_SECRET })))).access_token;
      used.push(root);
      const bearer = { Authorization: `Bearer ${root}`, 'Content-Type': 'application/json' };
      const created = await json(await fetch(`${base}/api/v1/oauth/client`, { method: 'POST', headers: bearer, body: JSON.stringify({ scopes: ['scope:read'] }) }));
      used.push(created.client_secret);
      const basic = `Basic ${Buffer.from(`${created.client_id}:${created.client_secret}`).toString('base64')}`;
      used.push(basic.slice(6));
      const viaBasic = await fetch(`${base}/api/v1/oauth/token`, form({ grant_type: 'client_credentials' }, { Authorization: basic, 'x-request-id': 'trace-me-42' }));
      expect(viaBasic.headers.get('x-request-id')).toBe('trace-me-42');
      used.push((await json(viaBasic)).access_token);
      const viaJson = await fetch(`${base}/api/v1/oauth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credentials', ...created }) });
      used.push((await json(viaJson)).access_token);
      const renewed = await json(await fetch(`${base}/api/v1/oauth/client/${created.client_id}/secret`, { method: 'POST', headers: { Authorization: `Bearer ${root}` } }));
      used.push(renewed.client_secret);
      // Failures and careless clients: wrong secrets, a secret in the query string, a forged token, malformed JSON.
      const querySecret = 'query-string-secret-should-never-be-logged';
      used.push(querySecret, 'wrong-secret-should-never-be-logged');
      await fetch(`${base}/api/v1/oauth/token?client_secret=${querySecret}`, form({ grant_type: 'client_credentials', client_id: created.client_id, client_secret: 'wrong-secret-should-never-be-logged' }));
      await fetch(`${base}/api/v1/oauth/scope`, { headers: { Authorization: `Bearer ${root.slice(0, -4)}abcd` } });
      await fetch(`${base}/api/v1/oauth/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: `{"client_secret": "${renewed.client_secret}", ` });
      // Sign-in: a right and a wrong password, and the session and CSRF cookies they involve.
      const signInForm = await fetch(`${base}/oauth2/sign-in`);
      const csrf = /name="csrf_token" value="([\w-]+)"/.exec(await signInForm.text())![1]!;
      const preSession = /gatehouse_csrf=([\w-]+)/.exec(signInForm.headers.get('set-cookie') ?? '')![1]!;
      const cookie = `gatehouse_csrf=${preSession}`;
      used.push(csrf, preSession, 'wrong-password-should-never-be-logged');
      await fetch(`${base}/oauth2/sign-in`, { ...form({ csrf_token: csrf, email: 'ops@example.com', password: 'wrong-password-should-never-be-logged' }), headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie } });
      const signedIn = await fetch(`${base}/oauth2/sign-in`, { ...form({ csrf_token: csrf, email: 'ops@example.com', password: adminPassword }), headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie }, redirect: 'manual' });
      expect(signedIn.status).toBe(303);
      used.push(/gatehouse_session=([\w-]+)/.exec(signedIn.headers.get('set-cookie') ?? '')![1]!);
      const generated = await fetch(`${base}/health/live`, { headers: { 'x-request-id': 'not a valid id!' } });
      expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await server.stop();
    }

    // stdout carries the logs; stderr only Node's own warnings (passport-http's `new Buffer()`).
    const output = server.stdout() + server.stderr();
    const lines = server.stdout().split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(output).toContain('"requestId":"trace-me-42"');
    for (const secret of used) {
      expect(secret.length).toBeGreaterThan(10);
      expect(output).not.toContain(secret);
    }
    // Not even a recognizable fragment of a token (its signature part).
    const jwts = used.filter((value) => value.split('.').length === 3);
    expect(jwts.length).toBeGreaterThanOrEqual(3);
    for (const token of jwts) expect(output).not.toContain(token.split('.')[2]);
  });
});
