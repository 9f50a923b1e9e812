import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestApp, startApp } from './support/test-app.js';
import { basic, ROOT } from './support/oauth.js';
import { from } from './support/source-address.js';

/**
 * The findings of the security review of issue 17 (logout, ID token algorithms, form_post, CORS
 * for browser apps, Polar's alias paths, realm discovery, generated credentials), each as the
 * attack that reproduced it. Each `it` states the secure behaviour.
 */
describe('security review of issue 17', () => {
  describe('F1: the per-IP rate limit counts every path of an endpoint together', () => {
    const LIMIT = 3;
    let gatehouse: TestApp;
    let address = 10;
    beforeAll(async () => {
      gatehouse = await startApp({ env: { RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
    });
    afterAll(() => gatehouse.close());

    /** Each case from its own source address: a fresh budget. */
    const post = (ip: string, path: string, body: Record<string, string>) => gatehouse.http().post(path).agent(from(ip)).set('Authorization', basic({ ...ROOT, client_secret: 'wrong' })).type('form').send(body);

    // Polar's aliases (and Keycloak's two realm prefixes) are the same endpoint: a client guessing
    // secrets from one address used to get a fresh budget at each alias, three times the limit.
    for (const [endpoint, paths, body] of [
      ['token', ['/api/v1/oauth/token', '/api/v1/oauth2/token', '/v1/oauth2/token'], { grant_type: 'client_credentials' }],
      ['introspection', ['/api/v1/oauth/introspect', '/v1/oauth2/introspect'], { token: 'x' }],
      ['revocation', ['/api/v1/oauth/revoke', '/v1/oauth2/revoke'], { token: 'x' }],
      ['realm token', ['/auth/realms/default/protocol/openid-connect/token', '/realms/default/protocol/openid-connect/token'], { grant_type: 'client_credentials' }],
    ] as const) {
      it(`${endpoint}: once the limit is used up at one path, its aliases answer 429 too`, async () => {
        const ip = `127.0.17.${(address += 1)}`;
        const statuses: number[] = [];
        for (let index = 0; index < LIMIT; index += 1) statuses.push((await post(ip, paths[0], body)).status);
        expect(statuses.every((status) => status !== 429)).toBe(true);
        for (const alias of paths) expect([alias, (await post(ip, alias, body)).status]).toEqual([alias, 429]);
      });
    }

    it('keeps separate budgets for different endpoints, and for the realm paths apart from the server-wide ones', async () => {
      const ip = `127.0.17.${(address += 1)}`;
      for (let index = 0; index < LIMIT; index += 1) await post(ip, '/api/v1/oauth/token', { grant_type: 'client_credentials' });
      expect((await post(ip, '/api/v1/oauth/token', { grant_type: 'client_credentials' })).status).toBe(429);
      expect((await post(ip, '/api/v1/oauth/introspect', { token: 'x' })).status).not.toBe(429);
      expect((await post(ip, '/auth/realms/default/protocol/openid-connect/token', { grant_type: 'client_credentials' })).status).not.toBe(429);
    });
  });
});
