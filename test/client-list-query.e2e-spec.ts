import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type TestApp, startApp } from './support/test-app.js';
import { createClient, ROOT, tokenFor } from './support/oauth.js';

/** GET /api/v1/oauth/client's search, sort and order (the console's OAuth clients table pages through them). */
describe('client list: search, sort and paging', () => {
  let app: TestApp;
  let token: string;
  const list = (query: Record<string, string>) => app.http().get('/api/v1/oauth/client').query(query).set('Authorization', `Bearer ${token}`);
  const names = (body: { items: { name: string | null }[] }) => body.items.map((client) => client.name);

  beforeAll(async () => {
    app = await startApp();
    token = await tokenFor(app, ROOT);
    for (const [name, description] of [['Bravo export', 'Nightly job'], ['alpha sync', 'Mirrors 100% of orders'], ['Charlie', 'reads_policies']]) {
      await createClient(app, { name, description, scopes: [] });
    }
    await createClient(app, { client_id: 'Delta-Special', name: 'delta', scopes: [] });
  });
  afterAll(() => app.close());

  it('finds clients by name, description or id, case-insensitively, and counts only those', async () => {
    expect(names((await list({ search: 'EXPORT' })).body)).toEqual(['Bravo export']);
    expect(names((await list({ search: 'nightly' })).body)).toEqual(['Bravo export']);
    expect(names((await list({ search: 'delta-special' })).body)).toEqual(['delta']);
    const none = await list({ search: 'nothing like it' });
    expect(none.body).toMatchObject({ items: [], total: 0, pages: 0 });
  });

  it('takes % and _ in a search literally', async () => {
    expect(names((await list({ search: '100%' })).body)).toEqual(['alpha sync']);
    expect(names((await list({ search: 's_p' })).body)).toEqual(['Charlie']);
    expect((await list({ search: '%' })).body.total).toBe(1);
  });

  it('sorts by name, client id or creation, either way, and pages the sorted list', async () => {
    // The console's and /docs's own clients are listed too (data of the built-in organization, not configuration like root).
    const serverClients = new Set(['Gatehouse console', 'Gatehouse API documentation']);
    const byName = (await list({ sort: 'name', search: 'a' })).body;
    expect(names(byName).filter((name) => !serverClients.has(name!)).map((name) => name!.toLowerCase())).toEqual(['alpha sync', 'bravo export', 'charlie', 'delta']);
    const descending = names((await list({ sort: 'name', order: 'desc', search: 'a' })).body).filter((name) => !serverClients.has(name!));
    expect(descending.map((name) => name!.toLowerCase())).toEqual(['delta', 'charlie', 'bravo export', 'alpha sync']);
    const newest = names((await list({ size: '100' })).body);
    expect(newest.indexOf('delta')).toBeLessThan(newest.indexOf('Bravo export'));
    const second = await list({ sort: 'name', search: 'a', size: '2', page: '2' });
    expect(second.body).toMatchObject({ page: 2, size: 2 });
    expect(second.body.items).toHaveLength(2);
  });

  it('refuses an unknown sort field or order, and an over-long search, with 400', async () => {
    for (const query of [{ sort: 'secret_hash' }, { order: 'sideways' }, { search: 'x'.repeat(201) }] as Record<string, string>[]) {
      const response = await list(query);
      expect(response.status).toBe(400);
    }
  });
});
