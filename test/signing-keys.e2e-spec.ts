import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { getRepositoryToken } from '@nestjs/typeorm';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { type Repository } from 'typeorm';
import { SigningKeyEntity } from '../src/keys/entities/signing-key.entity.js';
import { UNKNOWN_KID_RELOAD_INTERVAL_MS } from '../src/keys/signing-key.service.js';
import { type TestApp, startApp } from './support/test-app.js';
import { Browser, location, pkce } from './support/browser.js';
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

  it('publishes one key per algorithm, only public key material, with kid, alg and use', async () => {
    const app = await start();
    const response = await app.http().get('/.well-known/jwks.json');
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    const { keys } = response.body as Jwks;
    expect(keys.map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
    expect(keys.find((key) => key.alg === 'ES256')).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'sig' });
    expect(keys.find((key) => key.alg === 'RS256')).toMatchObject({ kty: 'RSA', use: 'sig' });
    expect(keys.find((key) => key.alg === 'EdDSA')).toMatchObject({ kty: 'OKP', crv: 'Ed25519', use: 'sig' });
    for (const key of keys) expect(key.d).toBeUndefined();
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
    expect((await jwks(app)).keys.filter((key) => key.alg === 'ES256').map((key) => key.kid).sort()).toEqual([oldKid, newKid].sort());
    expect((await protectedCall(app, before)).status).toBe(200);
    expect((await protectedCall(app, after)).status).toBe(200);

    const listed = await app.http().get('/api/v1/oauth/keys').set('Authorization', `Bearer ${after}`);
    expect(listed.status).toBe(200);
    const summaries = (listed.body as { kid: string; alg: string; status: string; published_until: string | null }[]).filter((key) => key.alg === 'ES256');
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

  it('learns of a rotation made by another process when it meets the new kid, at once', async () => {
    const first = await start();
    const second = await start({ databaseUrl: first.databaseUrl });
    const root = await tokenFor(first, ROOT);
    await first.http().post('/api/v1/oauth/keys/rotate').set('Authorization', `Bearer ${root}`).expect(200);
    const fresh = await tokenFor(first, ROOT);
    expect((await protectedCall(second, fresh)).status).toBe(200);
  });

  it('lets no unknown kid delay a real new key, nor make it query the database on every request', async () => {
    const first = await start();
    const second = await start({ databaseUrl: first.databaseUrl });
    const root = await tokenFor(first, ROOT);
    const [, payload, signature] = root.split('.');
    const junk = () => `${Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: randomBytes(32).toString('base64url') })).toString('base64url')}.${payload}.${signature}`;
    const reads = jest.spyOn(second.app.get<Repository<SigningKeyEntity>>(getRepositoryToken(SigningKeyEntity)), 'find');

    // A burst of tokens with unknown (well-formed) kids: each is refused, and they cost a bounded number of key reads.
    const started = Date.now();
    const refused = await Promise.all(Array.from({ length: 40 }, () => protectedCall(second, junk())));
    const elapsed = Date.now() - started;
    for (const response of refused) expect(response.status).toBe(401);
    expect(reads.mock.calls.length).toBeLessThanOrEqual(1 + Math.ceil(elapsed / UNKNOWN_KID_RELOAD_INTERVAL_MS));
    expect(reads.mock.calls.length).toBeLessThan(40);

    // Right after the junk, another process rotates: its first token is accepted here at once.
    await first.http().post('/api/v1/oauth/keys/rotate').set('Authorization', `Bearer ${root}`).expect(200);
    const fresh = await tokenFor(first, ROOT);
    expect((await protectedCall(second, fresh)).status).toBe(200);
    reads.mockRestore();
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

  it('signs access tokens with each process\'s OAUTH_SIGNING_ALG, verifies the other\'s, and advertises what is true', async () => {
    const first = await start({ env: { OAUTH_SIGNING_ALG: 'ES256' } });
    const second = await start({ databaseUrl: first.databaseUrl, env: { OAUTH_SIGNING_ALG: 'EdDSA' } });
    // Both processes publish the same keys, one per algorithm: each verifies the other's tokens.
    expect((await protectedCall(first, await tokenFor(second, ROOT))).status).toBe(200);
    expect((await protectedCall(second, await tokenFor(first, ROOT))).status).toBe(200);
    expect(decodeJwt(await tokenFor(first, ROOT)).header.alg).toBe('ES256');
    expect(decodeJwt(await tokenFor(second, ROOT)).header.alg).toBe('EdDSA');
    for (const [app, alg] of [[first, 'ES256'], [second, 'EdDSA']] as const) {
      for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/auth/realms/default/.well-known/openid-configuration']) {
        const metadata = (await app.http().get(path).expect(200)).body as Record<string, string[]>;
        // RS256 first (OpenID Connect Discovery requires it), then every algorithm a client may choose.
        expect(metadata.id_token_signing_alg_values_supported).toEqual(['RS256', 'ES256', 'EdDSA']);
        expect(metadata.access_token_signing_alg_values_supported).toEqual([alg]);
      }
    }

    // An ID token of a client that chose EdDSA: at_hash is the left half of a SHA-512.
    const app = await createClient(first, { public: true, redirect_uris: ['https://app.example.com/cb'], scopes: ['openid'], id_token_signed_response_alg: 'EdDSA' });
    const { verifier, challenge } = pkce();
    const back = await new Browser(first).authorizeAndDecide({ response_type: 'code', client_id: app.client_id, scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' });
    const tokens = (await first.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'authorization_code', client_id: app.client_id, code: location(back).searchParams.get('code')!, code_verifier: verifier })).body as { access_token: string; id_token: string };
    const idToken = decodeJwt(tokens.id_token);
    expect(idToken.header.alg).toBe('EdDSA');
    expect(idToken.payload.at_hash).toBe(createHash('sha512').update(tokens.access_token).digest().subarray(0, 32).toString('base64url'));
  });

  it('switches algorithm on restart, still verifying tokens of the old key', async () => {
    const first = await start({ env: { OAUTH_SIGNING_ALG: 'RS256' } });
    const old = await tokenFor(first, ROOT);
    await first.close();
    apps.pop();
    const second = await start({ databaseUrl: first.databaseUrl, env: { OAUTH_SIGNING_ALG: 'EdDSA' } });
    expect(decodeJwt(await tokenFor(second, ROOT)).header.alg).toBe('EdDSA');
    expect((await jwks(second)).keys.map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'RS256']);
    expect((await protectedCall(second, old)).status).toBe(200);
  });
});
