import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { createClientIn, createOrganization, realmToken } from './support/tenants.js';
import { type TestApp, isMariaDb, startApp } from './support/test-app.js';

/**
 * The bulk PATCH of policies and rules applies its entries one by one, as Fides does, each in its
 * own unit of work, and answers which were stored and which were not, and why. A database trigger
 * refuses the audit event of any entry keyed `refused`: that entry's own write, made just before
 * in the same unit of work, must not stay.
 */
describe('bulk PATCH of policies and rules', () => {
  let gatehouse: TestApp;
  let dataSource: DataSource;
  let writer: string;

  const patch = (path: string, body: object[]) => gatehouse.http().patch(path).set('Authorization', `Bearer ${writer}`).send(body);
  const get = async (path: string) => (await gatehouse.http().get(path).set('Authorization', `Bearer ${writer}`)).body as { items: Record<string, unknown>[] };
  const auditedKeys = async (action: string) =>
    ((await dataSource.query('SELECT details FROM audit_event WHERE action = ? ORDER BY id', [action])) as { details: string }[]).map((row) => (JSON.parse(row.details) as { key: string }).key);

  beforeAll(async () => {
    gatehouse = await startApp();
    dataSource = gatehouse.app.get(DataSource);
    await createOrganization(gatehouse, { name: 'fides', oauth_enabled: true });
    writer = await realmToken(gatehouse, 'fides', await createClientIn(gatehouse, 'fides', { scopes: ['policy:read', 'policy:create_or_update', 'rule:read', 'rule:create_or_update'] }));
  });
  afterAll(() => gatehouse.close());

  it('stores every entry and reports none failed when all can be stored, each with its audit event', async () => {
    const response = await patch('/api/v1/policy', [
      { key: 'access', name: 'Access' },
      { key: 'refused', name: 'Refused v1' },
    ]);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      succeeded: [
        { key: 'access', name: 'Access', execution_timeframe: null },
        { key: 'refused', name: 'Refused v1', execution_timeframe: null },
      ],
      failed: [],
    });
    expect(await auditedKeys('policy.created')).toEqual(['access', 'refused']);
    const rules = await patch('/api/v1/rule', [{ key: 'access_rule', name: 'Access rule', action_type: 'access', policy_key: 'access' }]);
    expect(rules.body).toEqual({ succeeded: [{ key: 'access_rule', name: 'Access rule', action_type: 'access', policy_key: 'access' }], failed: [] });
    expect(await auditedKeys('rule.created')).toEqual(['access_rule']);
  });

  it('reports exactly the entries the database refused, writes nothing of them, and stores the others', async () => {
    await dataSource.query(
      isMariaDb()
        ? `CREATE TRIGGER refuse_entry BEFORE INSERT ON audit_event FOR EACH ROW IF NEW.details LIKE '%"key":"refused"%' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'; END IF`
        : `CREATE TRIGGER refuse_entry BEFORE INSERT ON audit_event WHEN NEW.details LIKE '%"key":"refused"%' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`,
    );
    try {
      const policies = await patch('/api/v1/policy', [
        { key: 'erasure', name: 'Erasure' },
        { key: 'refused', name: 'Refused v2', execution_timeframe: 3 },
        { key: 'access', name: 'Access v2' },
      ]);
      expect(policies.status).toBe(200);
      expect(policies.body).toEqual({
        succeeded: [
          { key: 'erasure', name: 'Erasure', execution_timeframe: null },
          { key: 'access', name: 'Access v2', execution_timeframe: null },
        ],
        failed: [{ message: 'The policy refused could not be stored; nothing of it was written', data: { key: 'refused', name: 'Refused v2', execution_timeframe: 3 } }],
      });
      const rules = await patch('/api/v1/rule', [
        { key: 'refused', name: 'Refused', action_type: 'erasure', policy_key: 'erasure' },
        { key: 'erase_rule', name: 'Erase', action_type: 'erasure', policy_key: 'erasure' },
        { key: 'lost', name: 'Lost', action_type: 'access', policy_key: 'nope' },
      ]);
      expect(rules.status).toBe(200);
      expect(rules.body).toEqual({
        succeeded: [{ key: 'erase_rule', name: 'Erase', action_type: 'erasure', policy_key: 'erasure' }],
        failed: [
          { message: 'The rule refused could not be stored; nothing of it was written', data: { key: 'refused', name: 'Refused', action_type: 'erasure', policy_key: 'erasure' } },
          { message: 'No policy with key nope', data: { key: 'lost', name: 'Lost', action_type: 'access', policy_key: 'nope' } },
        ],
      });
    } finally {
      await dataSource.query('DROP TRIGGER refuse_entry');
    }
    // The refused update left the policy as it was; the refused rule does not exist.
    expect((await get('/api/v1/policy')).items).toEqual([
      { key: 'access', name: 'Access v2', execution_timeframe: null },
      { key: 'refused', name: 'Refused v1', execution_timeframe: null },
      { key: 'erasure', name: 'Erasure', execution_timeframe: null },
    ]);
    expect((await get('/api/v1/rule')).items.map((rule) => rule.key)).toEqual(['access_rule', 'erase_rule']);
    expect(await auditedKeys('policy.updated')).toEqual(['access']);
  });

  it('refuses a malformed body whole with 400, writing nothing', async () => {
    const response = await patch('/api/v1/policy', [{ key: 'fine', name: 'Fine' }, { key: 'bad key', name: 'Bad' }]);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect((await get('/api/v1/policy')).items.map((policy) => policy.key)).not.toContain('fine');
  });
});
