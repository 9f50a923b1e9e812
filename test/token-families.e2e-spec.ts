import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { FamilyRevoked, RefreshTokens, type RefreshTokenFields } from '../src/authorization/refresh-tokens.js';
import { RevocationList } from '../src/revocation/revocation-list.js';
import { RefreshTokenEntity } from '../src/authorization/entities/refresh-token.entity.js';
import { untilBlocked } from './support/lock-wait.js';
import { type TestApp, ROOT_CLIENT_ID, startApp } from './support/test-app.js';

/**
 * The two orders a revocation and an issuance into the same family can commit in, forced one
 * after the other on the real database (no HTTP): whichever comes first, no token of a revoked
 * family is left alive. The races in token-family-races.e2e-spec.ts hit these orders by chance.
 */
describe('revoking a token family while a token of it is being issued', () => {
  let gatehouse: TestApp;
  let dataSource: DataSource;
  let refreshTokens: RefreshTokens;
  let owner: { userId: string; organizationId: string };
  const actor = { type: 'system', id: 'test' } as const;

  beforeAll(async () => {
    gatehouse = await startApp();
    dataSource = gatehouse.app.get(DataSource);
    refreshTokens = gatehouse.app.get(RefreshTokens);
    const [user] = (await dataSource.query('SELECT user_id AS "userId", organization_id AS "organizationId" FROM organization_membership')) as { userId: string; organizationId: string }[];
    owner = user!;
  });
  afterAll(() => gatehouse.close());

  const fields = (familyId: string): RefreshTokenFields => ({
    familyId,
    clientId: ROOT_CLIENT_ID,
    userId: owner.userId,
    organizationId: owner.organizationId,
    subjectType: 'user',
    scopes: ['openid'],
    nonce: null,
    dpopJkt: null,
    resource: null,
    authTime: new Date(),
    accessTokenJti: randomBytes(16).toString('hex'),
    accessTokenExpiresAt: new Date(Date.now() + 3600_000),
  });
  const family = async (familyId: string) => dataSource.getRepository(RefreshTokenEntity).findBy({ familyId });

  it('an issuance still open when the revocation starts: the revocation waits for it and revokes its token', async () => {
    const familyId = randomBytes(32).toString('hex');
    await dataSource.transaction((manager) => refreshTokens.issue(manager, fields(familyId)));
    const late = fields(familyId);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let written!: () => void;
    const isWritten = new Promise<void>((resolve) => (written = resolve));
    const issuing = dataSource.transaction(async (manager) => {
      await refreshTokens.issue(manager, late);
      written();
      await released;
    });
    await isWritten;
    const revoking = refreshTokens.revokeFamily(familyId, actor, 'refresh_token.revoked');
    // The revocation has run as far as it can: it is blocked behind the open issuance.
    await untilBlocked(dataSource);
    release();
    await issuing;
    await revoking;
    const members = await family(familyId);
    expect(members).toHaveLength(2);
    for (const member of members) expect(member.revokedAt).not.toBeNull();
    expect(gatehouse.app.get(RevocationList).has(late.accessTokenJti)).toBe(true);
  });

  it('an issuance after the revocation committed: it finds the family revoked and writes nothing', async () => {
    const familyId = randomBytes(32).toString('hex');
    await dataSource.transaction((manager) => refreshTokens.issue(manager, fields(familyId)));
    await refreshTokens.revokeFamily(familyId, actor, 'refresh_token.revoked');
    await expect(dataSource.transaction((manager) => refreshTokens.issue(manager, fields(familyId)))).rejects.toThrow(FamilyRevoked);
    expect(await family(familyId)).toHaveLength(1);
  });
});
