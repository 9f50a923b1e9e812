import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ForbiddenException, NotFoundException } from '@nestjs/common';
import { AccessPolicy } from '../../src/access/access-policy.js';
import { type RouteRule } from '../../src/access/access-rule.js';
import { newAccessTokenId } from '../../src/auth/access-token-id.js';
import { ACCESS_TOKEN_TYPE, AccessTokenVerifier } from '../../src/auth/access-token.verifier.js';
import { type TokenPrincipal } from '../../src/access/auth-context.js';
import { ClientDirectory, type ClientRecord } from '../../src/clients/client-directory.js';
import { OrganizationDirectory } from '../../src/organizations/organization-directory.js';
import { GatehouseConfig } from '../../src/config/gatehouse-config.js';
import { SigningKeyService } from '../../src/keys/signing-key.service.js';
import { bootMedium, type MediumModule, storeClient, storeOrganization, type StoredClient } from './support.js';

/**
 * The access policy on real records: callers are the principals the verifier makes of real tokens,
 * targets are client records as the directory reads them from the database.
 */
describe('AccessPolicy on real records (medium: real database, no HTTP)', () => {
  let medium: MediumModule;
  let policy: AccessPolicy;
  let tenantA: StoredClient;
  let tenantB: StoredClient;

  beforeAll(async () => {
    medium = await bootMedium();
    policy = medium.get(AccessPolicy);
    const a = await storeOrganization(medium, { name: 'policy-a' });
    const b = await storeOrganization(medium, { name: 'policy-b' });
    tenantA = await storeClient(medium, { organizationId: a.id, scopes: ['client:read', 'client:update', 'scope:read'] });
    tenantB = await storeClient(medium, { organizationId: b.id, scopes: ['client:read'] });
  });
  afterAll(() => medium?.close());

  /** The principal of a freshly signed token of `stored`, as the bearer guard would get it. */
  async function principalOf(stored: StoredClient, scope: string): Promise<TokenPrincipal> {
    const config = medium.get(GatehouseConfig);
    const organization = (await medium.get(OrganizationDirectory).findById(stored.organizationId))!;
    const nowMs = medium.clock.now();
    const iat = Math.floor(nowMs / 1000);
    const token = await medium.get(SigningKeyService).sign(
      { iss: organization.issuer, sub: stored.id, aud: config.audience, client_id: stored.id, iat, exp: iat + 60, jti: newAccessTokenId(nowMs), scope, org_id: stored.organizationId },
      ACCESS_TOKEN_TYPE,
    );
    return (await medium.get(AccessTokenVerifier).verify(token)).principal;
  }
  const record = async (stored: StoredClient): Promise<ClientRecord> => (await medium.get(ClientDirectory).find(stored.id))!;

  it("answers a client of another organization exactly as a missing one (404), and shows a caller its own organization's", async () => {
    const caller = await principalOf(tenantA, 'client:read');
    expect(() => policy.checkSees(caller, undefined, 'No such client')).toThrow(NotFoundException);
    expect(() => policy.checkSees(caller, { organizationId: tenantB.organizationId }, 'No such client')).toThrow(new NotFoundException('No such client'));
    expect(policy.checkSees(caller, await record(tenantA), 'No such client').id).toBe(tenantA.id);
    expect(policy.listFilter(caller)).toEqual({ organizationId: tenantA.organizationId });
  });

  it('lets nobody act on a client that holds scopes the caller lacks, counting what the token still holds', async () => {
    const peer = await storeClient(medium, { organizationId: tenantA.organizationId, scopes: ['client:read', 'scope:read'] });
    const narrow = await principalOf(tenantA, 'client:update');
    const target = await record(peer);
    expect(() => policy.checkActOn(narrow, { organizationId: target.organizationId, scopes: target.scopes }, 'this client')).toThrow(ForbiddenException);
    const broad = await principalOf(tenantA, 'client:update client:read scope:read');
    expect(() => policy.checkActOn(broad, { organizationId: target.organizationId, scopes: target.scopes }, 'this client')).not.toThrow();
  });

  it("takes away at once a scope the client lost, even from a token signed with it", async () => {
    const shrinking = await storeClient(medium, { organizationId: tenantA.organizationId, scopes: ['client:read', 'scope:read'] });
    const before = await principalOf(shrinking, 'client:read scope:read');
    expect([...before.scopes].sort()).toEqual(['client:read', 'scope:read']);
    await medium.dataSource.query('UPDATE oauth_client SET scopes = ? WHERE id = ?', [JSON.stringify(['scope:read']), shrinking.id]);
    medium.get(ClientDirectory).invalidate(shrinking.id);
    const after = await principalOf(shrinking, 'client:read scope:read');
    expect([...after.scopes]).toEqual(['scope:read']);
    expect(() => policy.checkRoute(after, { scope: { name: 'client:read' } as RouteRule['scope'], reach: 'organization' })).toThrow();
  });
});
