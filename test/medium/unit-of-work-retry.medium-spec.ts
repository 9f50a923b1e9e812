import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UnitOfWork } from '../../src/audit/unit-of-work.js';
import { OrganizationEntity } from '../../src/organizations/entities/organization.entity.js';
import { isMariaDb } from '../support/test-app.js';
import { bootMedium, type MediumModule, storeOrganization } from './support.js';

/**
 * A unit of work chosen as a deadlock victim (on Galera: one that lost certification to another
 * node's write) runs again instead of failing the request. Two units of work lock the same two
 * rows in opposite orders, so MariaDB must roll one back; both must still commit, each with its
 * audit event once. SQLite's transactions take turns and never deadlock, so this runs on MariaDB.
 */
(isMariaDb() ? describe : describe.skip)('UnitOfWork deadlock retry (medium: MariaDB, no HTTP)', () => {
  let medium: MediumModule;

  beforeAll(async () => {
    medium = await bootMedium();
  });
  afterAll(() => medium?.close());

  it('runs a deadlock victim again, so both crossing changes commit with one audit event each', async () => {
    const first = await storeOrganization(medium, { name: 'deadlock-first' });
    const second = await storeOrganization(medium, { name: 'deadlock-second' });
    const unitOfWork = medium.get(UnitOfWork);
    let attempts = 0;
    let arrived = 0;
    let release!: () => void;
    const bothHoldOneRow = new Promise<void>((resolve) => (release = resolve));

    const crossing = (own: OrganizationEntity, other: OrganizationEntity, displayName: string) =>
      unitOfWork.run({ type: 'system', id: 'test' }, async (change) => {
        attempts += 1;
        await change.manager.update(OrganizationEntity, { id: own.id }, { displayName });
        // Only the first round waits for the other: a retried victim goes straight on.
        if (++arrived <= 2) {
          if (arrived === 2) release();
          await bothHoldOneRow;
        }
        await change.manager.update(OrganizationEntity, { id: other.id }, { displayName });
        await change.audit({ action: 'organization.updated', targetType: 'organization', targetId: own.id, organizationId: own.id, details: { displayName } });
      });

    await Promise.all([crossing(first, second, 'by first'), crossing(second, first, 'by second')]);
    expect(attempts).toBe(3);
    const events = await medium.dataSource.query('SELECT target_id FROM audit_event WHERE action = ? AND target_id IN (?, ?)', ['organization.updated', first.id, second.id]);
    expect(events).toHaveLength(2);
  });
});
