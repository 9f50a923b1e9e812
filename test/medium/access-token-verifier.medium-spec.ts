import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { newAccessTokenId } from '../../src/auth/access-token-id.js';
import { ACCESS_TOKEN_TYPE, AccessTokenVerifier } from '../../src/auth/access-token.verifier.js';
import { ClientDirectory } from '../../src/clients/client-directory.js';
import { ExpiredToken, InvalidToken } from '../../src/common/errors/oauth-errors.js';
import { ChangeFeed } from '../../src/change-feed/change-feed.js';
import { GatehouseConfig } from '../../src/config/gatehouse-config.js';
import { SigningKeyService } from '../../src/keys/signing-key.service.js';
import { BUILT_IN_ORGANIZATION_ID } from '../../src/organizations/entities/organization.entity.js';
import { OAuthClientEntity } from '../../src/clients/entities/oauth-client.entity.js';
import { RevokedTokenEntity } from '../../src/revocation/entities/revoked-token.entity.js';
import { bootMedium, type MediumModule, storeClient, storeOrganization, type StoredClient } from './support.js';

/**
 * The bearer verifier against real client, organization and revocation records, with signing
 * keys from the database and the clock in the test's hand: every rule that otherwise needs the
 * whole app booted and a token endpoint to reach.
 */
describe('AccessTokenVerifier (medium: real database, no HTTP)', () => {
  let medium: MediumModule;
  let verifier: AccessTokenVerifier;
  let keys: SigningKeyService;
  let config: GatehouseConfig;
  let client: StoredClient;

  beforeAll(async () => {
    medium = await bootMedium();
    verifier = medium.get(AccessTokenVerifier);
    keys = medium.get(SigningKeyService);
    config = medium.get(GatehouseConfig);
    client = await storeClient(medium, { organizationId: BUILT_IN_ORGANIZATION_ID, scopes: ['scope:read'] });
  });
  afterAll(() => medium?.close());

  /** A token as the issuer signs it, for `client`, issued now by the test's clock; `claims` override. */
  function token(claims: Record<string, unknown> = {}, issuedTo: StoredClient = client): Promise<string> {
    const nowMs = medium.clock.now();
    const iat = Math.floor(nowMs / 1000);
    return keys.sign(
      { iss: config.issuer, sub: issuedTo.id, aud: config.audience, client_id: issuedTo.id, iat, exp: iat + 60, jti: newAccessTokenId(nowMs), scope: 'scope:read', org_id: issuedTo.organizationId, ...claims },
      ACCESS_TOKEN_TYPE,
    );
  }

  it('accepts a token until its expiry on the clock, and refuses it as expired from that second on', async () => {
    const valid = await token();
    expect((await verifier.verify(valid)).principal).toMatchObject({ clientId: client.id, organizationId: BUILT_IN_ORGANIZATION_ID, scopes: new Set(['scope:read']) });
    medium.clock.advance(59_000);
    await expect(verifier.verify(valid)).resolves.toBeDefined();
    medium.clock.advance(1_000);
    await expect(verifier.verify(valid)).rejects.toBeInstanceOf(ExpiredToken);
  });

  it('refuses a token before its nbf, and accepts it once the clock reaches it', async () => {
    const early = await token({ nbf: Math.floor(medium.clock.now() / 1000) + 30 });
    await expect(verifier.verify(early)).rejects.toThrow('The access token is not valid yet');
    medium.clock.advance(30_000);
    await expect(verifier.verify(early)).resolves.toBeDefined();
  });

  it('refuses a token meant for another audience, or from an issuer its organization does not have', async () => {
    await expect(verifier.verify(await token({ aud: 'https://another-api.example.com' }))).rejects.toThrow('The access token is meant for another audience');
    await expect(verifier.verify(await token({ iss: 'https://elsewhere.example.com' }))).rejects.toThrow('The access token was issued by another issuer or realm');
    // A realm's issuer belongs to that realm's clients only.
    const realm = await storeOrganization(medium, { name: `realm-${medium.clock.now()}` });
    await expect(verifier.verify(await token({ iss: `${config.issuer}/auth/realms/${realm.name}` }))).rejects.toThrow('The access token was issued by another issuer or realm');
    const realmClient = await storeClient(medium, { organizationId: realm.id, scopes: ['scope:read'] });
    await expect(verifier.verify(await token({ iss: `${config.issuer}/auth/realms/${realm.name}` }, realmClient))).resolves.toBeDefined();
  });

  it('refuses a revoked token once the revocation is in the change feed', async () => {
    const revoked = await token();
    const { claims } = await verifier.verify(revoked);
    await medium.dataSource.transaction(async (manager) => {
      const expiresAt = new Date((claims.exp as number) * 1000);
      await manager.insert(RevokedTokenEntity, { jti: claims.jti as string, clientId: client.id, organizationId: BUILT_IN_ORGANIZATION_ID, expiresAt, revokedAt: medium.clock.date() });
      await medium.get(ChangeFeed).write(manager, [{ kind: 'token-revoked', subject: claims.jti as string, expiresAt }]);
    });
    await expect(verifier.verify(revoked)).resolves.toBeDefined();
    await medium.get(ChangeFeed).poll();
    await expect(verifier.verify(revoked)).rejects.toThrow('The access token has been revoked');
  });

  it("refuses a token issued before its client's not-before, to the millisecond, and accepts one issued after it", async () => {
    const before = await token();
    medium.clock.advance(1);
    await medium.get(DataSource).getRepository(OAuthClientEntity).update({ id: client.id }, { notBefore: medium.clock.date() });
    medium.get(ClientDirectory).invalidate(client.id);
    await expect(verifier.verify(before)).rejects.toThrow('issued before the not-before time of its client or organization');
    await expect(verifier.verify(await token())).resolves.toBeDefined();
  });

  it('refuses a token of a disabled client, whatever its signature', async () => {
    const disabled = await storeClient(medium, { organizationId: BUILT_IN_ORGANIZATION_ID, scopes: ['scope:read'], disabled: true });
    await expect(verifier.verify(await token({}, disabled))).rejects.toBeInstanceOf(InvalidToken);
  });
});
