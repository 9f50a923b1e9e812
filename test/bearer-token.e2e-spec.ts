import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { exportSPKI, generateKeyPair, importJWK, SignJWT } from 'jose';
import { SigningKeyService } from '../src/keys/signing-key.service.js';
import { BUILT_IN_ORGANIZATION_ID } from '../src/organizations/entities/organization.entity.js';
import { manualClock } from './support/clock.js';
import { type TestApp, startApp } from './support/test-app.js';
import { createClient, type Credentials, decodeJwt, ROOT, tokenFor } from './support/oauth.js';

const PROTECTED = '/api/v1/oauth/scope';
const ISSUER = 'http://localhost:8080';
/** RFC 9728 §5.1: every challenge of Gatehouse's guarded routes names its protected resource metadata. */
const RESOURCE_METADATA = `resource_metadata="${ISSUER}/.well-known/oauth-protected-resource"`;

describe('bearer token guard', () => {
  let gatehouse: TestApp;
  let client: Credentials;
  let valid: string;

  beforeAll(async () => {
    gatehouse = await startApp();
    client = await createClient(gatehouse, { scopes: ['scope:read', 'client:read'] });
    valid = await tokenFor(gatehouse, client);
  });
  afterAll(() => gatehouse.close());

  const call = (authorization?: string) => {
    const test = gatehouse.http().get(PROTECTED);
    return authorization === undefined ? test : test.set('Authorization', authorization);
  };
  const claims = (overrides: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return { iss: ISSUER, aud: ISSUER, sub: client.client_id, client_id: client.client_id, org_id: BUILT_IN_ORGANIZATION_ID, iat: now, exp: now + 300, jti: 'test-jti', scope: 'scope:read', ...overrides };
  };
  /** Signed with Gatehouse's own active key: only the claims are wrong. */
  const signed = (overrides: Record<string, unknown> = {}, typ = 'at+jwt') => gatehouse.app.get(SigningKeyService).sign(claims(overrides), typ);
  const expectInvalidToken = async (token: string, description: RegExp) => {
    const response = await call(`Bearer ${token}`);
    expect(response.status).toBe(401);
    expect((response.body as { error: string }).error).toBe('invalid_token');
    expect((response.body as { error_description: string }).error_description).toMatch(description);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="gatehouse", error="invalid_token"/);
  };

  it('accepts a valid token', async () => {
    expect((await call(`Bearer ${valid}`)).status).toBe(200);
    expect((await call(`bearer ${valid}`)).status).toBe(200);
  });

  it('answers a missing token with a bare Bearer challenge', async () => {
    for (const header of [undefined, `Basic ${Buffer.from('a:b').toString('base64')}`]) {
      const response = await call(header);
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe(`Bearer realm="gatehouse", ${RESOURCE_METADATA}`);
    }
  });

  it('answers an expired token with exactly the body Polaris documents', async () => {
    const now = Math.floor(Date.now() / 1000);
    const response = await call(`Bearer ${await signed({ iat: now - 301, exp: now - 1 })}`);
    expect(response.status).toBe(401);
    expect(response.text).toBe('{"message":"Token claims invalid: [\\"exp\\"]=\\"token expired\\""}');
    expect(response.headers['www-authenticate']).toBe(`Bearer realm="gatehouse", error="invalid_token", error_description="The access token expired", ${RESOURCE_METADATA}`);
  });

  it('expires a real token at its exp', async () => {
    const shortLived = await createClient(gatehouse, { scopes: ['scope:read'], access_token_lifespan: 1 });
    // The server's clock stands still from before the token is issued: no second can tick over
    // between issuing and the first call, however slow the machine.
    const clock = manualClock(gatehouse);
    try {
      const token = await tokenFor(gatehouse, shortLived);
      expect((await call(`Bearer ${token}`)).status).toBe(200);
      // exp is the whole second after iat: accepted until the millisecond before it, refused from it on.
      const untilExp = (Math.floor(clock.now() / 1000) + 1) * 1000 - clock.now();
      clock.advance(untilExp - 1);
      expect((await call(`Bearer ${token}`)).status).toBe(200);
      clock.advance(1);
      const response = await call(`Bearer ${token}`);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ message: 'Token claims invalid: ["exp"]="token expired"' });
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('refuses alg "none"', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: decodeJwt(valid).header.kid })).toString('base64url');
    const payload = Buffer.from(JSON.stringify(claims())).toString('base64url');
    await expectInvalidToken(`${header}.${payload}.`, /not a well-formed JWT/);
    await expectInvalidToken(`${header}.${payload}.AAAA`, /signature is invalid/);
  });

  it('refuses HS256 signed with the public key (algorithm confusion)', async () => {
    const jwks = (await gatehouse.http().get('/.well-known/jwks.json')).body as { keys: Record<string, string>[] };
    const kid = decodeJwt(valid).header.kid as string;
    const publicPem = await exportSPKI((await importJWK(jwks.keys.find((key) => key.kid === kid)!, 'ES256', { extractable: true })) as Parameters<typeof exportSPKI>[0]);
    const forged = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid }).sign(new TextEncoder().encode(publicPem));
    await expectInvalidToken(forged, /signature is invalid/);
  });

  it('refuses a token signed by a key that is not ours (unknown kid, or our kid)', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const unknownKid = await new SignJWT(claims()).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'attacker-key' }).sign(privateKey);
    await expectInvalidToken(unknownKid, /signature is invalid/);
    const ourKid = await new SignJWT(claims()).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: decodeJwt(valid).header.kid as string }).sign(privateKey);
    await expectInvalidToken(ourKid, /signature is invalid/);
  });

  it('refuses tampered payloads and signatures', async () => {
    const [header, payload, signature] = valid.split('.');
    const widened = Buffer.from(JSON.stringify({ ...decodeJwt(valid).payload, scope: 'client:create client:delete' })).toString('base64url');
    await expectInvalidToken(`${header}.${widened}.${signature}`, /signature is invalid/);
    const flipped = signature.slice(0, -2) + (signature.endsWith('AA') ? 'BB' : 'AA');
    await expectInvalidToken(`${header}.${payload}.${flipped}`, /signature is invalid/);
  });

  it('refuses another issuer, another audience, a future nbf and a missing exp', async () => {
    await expectInvalidToken(await signed({ iss: 'https://evil.example.com' }), /another issuer/);
    await expectInvalidToken(await signed({ iss: `${ISSUER}/auth/realms/other` }), /another issuer or realm/);
    await expectInvalidToken(await signed({ org_id: '11111111-1111-4111-8111-111111111111' }), /another issuer or realm/);
    await expectInvalidToken(await signed({ aud: 'https://other-api.example.com' }), /another audience/);
    await expectInvalidToken(await signed({ nbf: Math.floor(Date.now() / 1000) + 60 }), /not valid yet/);
    await expectInvalidToken(await signed({ exp: undefined }), /no expiry/);
  });

  it('refuses a JWT that is not an access token (typ)', async () => {
    await expectInvalidToken(await signed({}, 'JWT'), /typ must be at\+jwt/);
  });

  it('refuses garbage, oversized and oddly formatted tokens', async () => {
    await expectInvalidToken('not-a-jwt', /not a well-formed JWT/);
    await expectInvalidToken(`${'a'.repeat(9000)}.b.c`, /not a well-formed JWT/);
    await expectInvalidToken('e30.e30.e30', /typ must be at\+jwt/);
    const response = await call(`Bearer ${valid} extra`);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('refuses a token whose client no longer exists', async () => {
    await expectInvalidToken(await signed({ client_id: 'ghost-client' }), /disabled or deleted/);
  });

  it('answers 403 insufficient_scope naming the scope, in header and body', async () => {
    const narrow = await tokenFor(gatehouse, client, 'client:read');
    const response = await call(`Bearer ${narrow}`);
    expect(response.status).toBe(403);
    expect(response.body).toEqual({ error: 'insufficient_scope', error_description: "This request requires the scope 'scope:read', which the access token does not have", scope: 'scope:read' });
    expect(response.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(response.headers['www-authenticate']).toContain('scope="scope:read"');
    expect(response.headers['www-authenticate']).toContain(RESOURCE_METADATA);
  });

  it('stops honouring a scope as soon as it is taken from the client', async () => {
    const holder = await createClient(gatehouse, { scopes: ['scope:read'] });
    const token = await tokenFor(gatehouse, holder);
    expect((await call(`Bearer ${token}`)).status).toBe(200);
    const root = await tokenFor(gatehouse, ROOT);
    await gatehouse.http().put(`/api/v1/oauth/client/${holder.client_id}/scope`).set('Authorization', `Bearer ${root}`).send([]).expect(200);
    expect((await call(`Bearer ${token}`)).status).toBe(403);
  });
});
