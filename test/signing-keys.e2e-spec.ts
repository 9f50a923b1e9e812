import { afterEach, describe, expect, it } from '@jest/globals';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { type TestApp, startApp } from './support/test-app.js';
import { createClient, decodeJwt, ROOT, tokenFor } from './support/oauth.js';

type Jwks = { keys: { kid: string; alg: string; use: string; d?: string }[] };

describe('signing keys', () => {
  const apps: TestApp[] = [];
  const start = async (options: Parameters<typeof startApp>[0] = {}) => {
    const app = await startApp(options);
    apps.push(app);
    return app;
  };
  afterEach(async () => {
    while (apps.length > 0) await apps.pop()!.close();
  });

  const jwks = async (app: TestApp) => (await app.http().get('/.well-known/jwks.json').expect(200)).body as Jwks;
  const protectedCall = (app: TestApp, token: string) => app.http().get('/api/v1/oauth/scope').set('Authorization', `Bearer ${token}`);

  it('publishes only public key material, with kid, alg and use', async () => {
    const app = await start();
    const response = await app.http().get('/.well-known/jwks.json');
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    const { keys } = response.body as Jwks;
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(keys[0].d).toBeUndefined();
  });

  it('rotates: new tokens use the new key, old tokens keep verifying until they expire', async () => {
    const app = await start();
    const before = await tokenFor(app, ROOT);
    const oldKid = decodeJwt(before).header.kid as string;

    const rotated = await app.http().post('/api/v1/oauth/keys/rotate').set('Authorization', `Bearer ${before}`);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toMatchObject({ alg: 'ES256', status: 'active', retired_at: null });
    const newKid = (rotated.body as { kid: string }).kid;
    expect(newKid).not.toBe(oldKid);

    const after = await tokenFor(app, ROOT);
    expect(decodeJwt(after).header.kid).toBe(newKid);
    expect((await jwks(app)).keys.map((key) => key.kid).sort()).toEqual([oldKid, newKid].sort());
    expect((await protectedCall(app, before)).status).toBe(200);
    expect((await protectedCall(app, after)).status).toBe(200);

    const listed = await app.http().get('/api/v1/oauth/keys').set('Authorization', `Bearer ${after}`);
    expect(listed.status).toBe(200);
    const summaries = listed.body as { kid: string; status: string; published_until: string | null }[];
    expect(summaries.map((key) => [key.kid, key.status])).toEqual([
      [newKid, 'active'],
      [oldKid, 'retired'],
    ]);
    expect(Date.parse(summaries[1].published_until!)).toBeGreaterThan(Date.now() + 3600_000);
    expect(JSON.stringify(summaries)).not.toMatch(/PRIVATE|"d":/);
  });

  it('keeps its keys across a restart and shares them between processes on one database', async () => {
    const first = await start();
    const token = await tokenFor(first, ROOT);
    const second = await start({ databaseUrl: first.databaseUrl });
    expect((await jwks(second)).keys.map((key) => key.kid)).toEqual((await jwks(first)).keys.map((key) => key.kid));
    expect((await protectedCall(second, token)).status).toBe(200);
    expect(decodeJwt(await tokenFor(second, ROOT)).header.kid).toBe(decodeJwt(token).header.kid);
  });

  it('learns of a rotation made by another process when it meets the new kid', async () => {
    const first = await start();
    const second = await start({ databaseUrl: first.databaseUrl });
    const root = await tokenFor(first, ROOT);
    await first.http().post('/api/v1/oauth/keys/rotate').set('Authorization', `Bearer ${root}`).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 5100));
    const fresh = await tokenFor(first, ROOT);
    expect((await protectedCall(second, fresh)).status).toBe(200);
  });

  it.each(['RS256', 'EdDSA'])('signs with %s when OAUTH_SIGNING_ALG says so, verifiable from the JWKS', async (alg) => {
    const app = await start({ env: { OAUTH_SIGNING_ALG: alg } });
    const client = await createClient(app, { scopes: ['scope:read'] });
    const token = await tokenFor(app, client);
    const { protectedHeader } = await jwtVerify(token, createLocalJWKSet((await jwks(app)) as never), { issuer: 'http://localhost:8080', typ: 'at+jwt' });
    expect(protectedHeader.alg).toBe(alg);
    expect((await protectedCall(app, token)).status).toBe(200);
    const metadata = await app.http().get('/.well-known/oauth-authorization-server');
    expect((metadata.body as { access_token_signing_alg_values_supported: string[] }).access_token_signing_alg_values_supported).toEqual([alg]);
  });

  it('switches algorithm on restart, still verifying tokens of the old key', async () => {
    const first = await start({ env: { OAUTH_SIGNING_ALG: 'RS256' } });
    const old = await tokenFor(first, ROOT);
    await first.close();
    apps.pop();
    const second = await start({ databaseUrl: first.databaseUrl, env: { OAUTH_SIGNING_ALG: 'EdDSA' } });
    expect(decodeJwt(await tokenFor(second, ROOT)).header.alg).toBe('EdDSA');
    expect((await jwks(second)).keys.map((key) => key.alg).sort()).toEqual(['EdDSA', 'RS256']);
    expect((await protectedCall(second, old)).status).toBe(200);
  });
});
