import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AccessTokenVerifier } from '../../src/auth/access-token.verifier.js';
import { ClientDirectory } from '../../src/clients/client-directory.js';
import { OrganizationDirectory } from '../../src/organizations/organization-directory.js';
import { InvalidScope } from '../../src/common/errors/oauth-errors.js';
import { GatehouseConfig } from '../../src/config/gatehouse-config.js';
import { BUILT_IN_ORGANIZATION_ID } from '../../src/organizations/entities/organization.entity.js';
import { ClientCredentialsGrant } from '../../src/tokens/grants/client-credentials.grant.js';
import { ApisModule } from '../../src/apis/apis.module.js';
import { RolesModule } from '../../src/roles/roles.module.js';
import { TokensModule } from '../../src/tokens/tokens.module.js';
import { bootMedium, type MediumModule, storeClient, storeOrganization, type StoredClient } from './support.js';

/**
 * The client credentials grant on real client and organization records, without the token
 * endpoint: which lifespan wins, which scopes the token gets, and that what it issues is what the
 * verifier then accepts, on the test's clock.
 */
describe('ClientCredentialsGrant (medium: real database, no HTTP)', () => {
  let medium: MediumModule;
  let grant: ClientCredentialsGrant;
  let config: GatehouseConfig;

  beforeAll(async () => {
    // The token module brings the scope registry, which checks at start that every scope the
    // built-in permissions name has its route: the roles' and the APIs' (and the scope list) too.
    medium = await bootMedium([TokensModule, RolesModule, ApisModule], { OAUTH_ACCESS_TOKEN_EXPIRE_MINUTES: '30' });
    grant = medium.get(ClientCredentialsGrant);
    config = medium.get(GatehouseConfig);
  });
  afterAll(() => medium?.close());

  async function exchange(stored: StoredClient, scope?: string) {
    const client = (await medium.get(ClientDirectory).find(stored.id))!;
    const organization = (await medium.get(OrganizationDirectory).findById(client.organizationId))!;
    const issuer = medium.get(OrganizationDirectory).issuers(organization)[0]!;
    return (await grant.handle({ client, organization, issuer, params: { ...(scope !== undefined && { scope }) } })).response;
  }

  it("takes the client's lifespan first, then its organization's, then the server's default", async () => {
    const organization = await storeOrganization(medium, { name: `lifespans-${medium.clock.now()}`, accessTokenLifespan: 600 });
    const own = await storeClient(medium, { organizationId: organization.id, scopes: ['scope:read'], accessTokenLifespan: 120 });
    const inherits = await storeClient(medium, { organizationId: organization.id, scopes: ['scope:read'] });
    const builtIn = await storeClient(medium, { organizationId: BUILT_IN_ORGANIZATION_ID, scopes: ['scope:read'] });
    expect((await exchange(own)).expires_in).toBe(120);
    expect((await exchange(inherits)).expires_in).toBe(600);
    expect(config.defaultAccessTokenLifespanSeconds).toBe(1800);
    expect((await exchange(builtIn)).expires_in).toBe(1800);
  });

  it("stamps expiry from the clock, and the verifier accepts the token until then and not after", async () => {
    const client = await storeClient(medium, { organizationId: BUILT_IN_ORGANIZATION_ID, scopes: ['scope:read'], accessTokenLifespan: 300 });
    const issuedAt = Math.floor(medium.clock.now() / 1000);
    const response = await exchange(client);
    expect(response.expires_at).toBe(issuedAt + 300);
    const verifier = medium.get(AccessTokenVerifier);
    medium.clock.advance(299_000);
    await expect(verifier.verify(response.access_token)).resolves.toBeDefined();
    medium.clock.advance(1_000);
    await expect(verifier.verify(response.access_token)).rejects.toThrow('The access token expired');
  });

  it('gives every scope the client holds by default, narrows to the scopes asked for, and refuses one it does not hold', async () => {
    const client = await storeClient(medium, { organizationId: BUILT_IN_ORGANIZATION_ID, scopes: ['scope:read', 'client:read'] });
    expect((await exchange(client)).scope.split(' ').sort()).toEqual(['client:read', 'scope:read']);
    const narrowed = await exchange(client, 'client:read');
    expect(narrowed.scope).toBe('client:read');
    expect([...(await medium.get(AccessTokenVerifier).verify(narrowed.access_token)).principal.scopes]).toEqual(['client:read']);
    await expect(exchange(client, 'client:read client:create')).rejects.toBeInstanceOf(InvalidScope);
  });
});
