import { afterEach, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source-options.js';
import { migrations } from '../src/database/migrations/index.js';
import { ExactIdentifiers1764310000000 } from '../src/database/migrations/1764310000000-exact-identifiers.js';
import { Browser } from './support/browser.js';
import { basic, type Credentials, createClient, ROOT, tokenFor } from './support/oauth.js';
import { type TestApp, emptyDatabaseUrl, isMariaDb, startApp } from './support/test-app.js';

/**
 * One spelling per identifier, on every engine: the database finds a row only under the exact
 * string the caches, the lockout counters and the change feed use. On MariaDB created with its
 * default collation (utf8mb4_general_ci) the review found rows under other spellings.
 */
describe('identifiers compare exactly', () => {
  const apps: TestApp[] = [];
  const start = async (env: Record<string, string> = {}, databaseUrl?: string) => {
    const app = await startApp({ env, databaseUrl });
    apps.push(app);
    return app;
  };
  afterEach(async () => {
    while (apps.length > 0) await apps.pop()!.close();
  });
  const token = (app: TestApp, credentials: Credentials) => app.http().post('/api/v1/oauth/token').type('form').send({ grant_type: 'client_credentials', ...credentials });

  it('finds a client only under its exact id: a regenerated secret is dead under every spelling, on every route', async () => {
    const app = await start();
    const root = await tokenFor(app, ROOT);
    const client = await createClient(app, { client_id: 'Case-App', scopes: [] });
    const upper = { client_id: 'CASE-APP', client_secret: client.client_secret };

    // The review's sequence: the upper-case spelling fills its own cache entry, the secret is regenerated, the old one is tried again.
    const before = await token(app, upper);
    const regenerated = await app.http().post('/api/v1/oauth/client/Case-App/secret').set('Authorization', `Bearer ${root}`);
    expect(regenerated.status).toBe(200);
    const after = await token(app, upper);
    expect([before.status, after.status]).toEqual([401, 401]);
    expect((await token(app, client)).status).toBe(401);

    const current = { client_id: 'Case-App', client_secret: (regenerated.body as Credentials).client_secret };
    expect((await token(app, current)).status).toBe(200);
    for (const spelling of ['case-app', 'CASE-APP', 'Case-app']) {
      const wrongCase = { client_id: spelling, client_secret: current.client_secret };
      expect((await token(app, wrongCase)).status).toBe(401);
      expect((await app.http().post('/api/v1/oauth/token').set('Authorization', basic(wrongCase)).type('form').send({ grant_type: 'client_credentials' })).status).toBe(401);
      expect((await app.http().post('/api/v1/oauth/token').send({ grant_type: 'client_credentials', ...wrongCase })).status).toBe(401);
      expect((await app.http().post('/api/v1/oauth/introspect').set('Authorization', basic(wrongCase)).type('form').send({ token: 'x' })).status).toBe(401);
      expect((await app.http().post('/api/v1/oauth/revoke').set('Authorization', basic(wrongCase)).type('form').send({ token: 'x' })).status).toBe(401);
      expect((await app.http().get(`/api/v1/oauth/client/${spelling}`).set('Authorization', `Bearer ${root}`)).status).toBe(404);
    }
    // Ids differing in case are different clients.
    expect((await app.http().post('/api/v1/oauth/client').set('Authorization', `Bearer ${root}`).send({ client_id: 'case-app', scopes: [] })).status).toBe(201);
  });

  it('does not let a case variant of a locked client id get a token', async () => {
    const app = await start({ BRUTE_FORCE_MAX_FAILURES: '3', BRUTE_FORCE_LOCKOUT_SECONDS: '60' });
    const client = await createClient(app, { client_id: 'Locked-App', scopes: [] });
    for (let index = 0; index < 3; index += 1) expect((await token(app, { ...client, client_secret: 'wrong' })).status).toBe(401);
    expect((await token(app, client)).status).toBe(429);
    const statuses = [];
    for (const spelling of ['locked-app', 'LOCKED-APP', 'Locked-APP']) statuses.push((await token(app, { client_id: spelling, client_secret: client.client_secret })).status);
    expect(statuses).toEqual([401, 401, 401]);
  });

  it('finds a realm only under its exact name', async () => {
    const app = await start();
    const realmToken = (realm: string) => app.http().post(`/auth/realms/${realm}/protocol/openid-connect/token`).type('form').send({ grant_type: 'client_credentials', ...ROOT });
    expect((await realmToken('default')).status).toBe(200);
    expect([(await realmToken('DEFAULT')).status, (await realmToken('Default')).status, (await realmToken('default%20')).status]).toEqual([404, 404, 404]);
  });

  it('keeps one canonical email (trimmed, NFC, lower-case) for the database, the lockout and sign-in', async () => {
    const app = await start({ BRUTE_FORCE_MAX_FAILURES: '3', BRUTE_FORCE_LOCKOUT_SECONDS: '60' });
    const root = await tokenFor(app, ROOT);
    const createUser = (email: string, password: string) => app.http().post('/api/v1/users').set('Authorization', `Bearer ${root}`).send({ email, password });
    expect((await createUser('lockme@example.com', 'the right password')).status).toBe(201);

    const browser = new Browser(app);
    for (let attempt = 0; attempt < 3; attempt += 1) expect((await browser.signIn(undefined, 'lockme@example.com', `wrong ${attempt}`)).status).toBe(401);
    expect((await browser.signIn(undefined, 'lockme@example.com', 'the right password')).status).toBe(429);
    // The review's bypass: an accented spelling found the locked account on MariaDB.
    expect((await browser.signIn(undefined, 'lóckme@example.com', 'the right password')).status).toBe(401);
    expect((await browser.signIn(undefined, ' LockMe@Example.COM ', 'the right password')).status).toBe(429);

    // An accented address is its own account, stored and found in NFC whichever form it is typed in.
    const composed = 'zo\u00eb@example.com';
    const decomposed = 'zo\u0065\u0308@example.com';
    const created = await createUser(decomposed.toUpperCase(), 'zoe password one');
    expect(created.status).toBe(201);
    expect((created.body as { email: string }).email).toBe(composed);
    expect((await createUser(composed, 'another password')).status).toBe(409);
    expect((await createUser('zoe@example.com', 'zoe password two')).status).toBe(201);
    expect((await new Browser(app).signIn(undefined, decomposed, 'zoe password one')).status).toBe(303);
    expect((await new Browser(app).signIn(undefined, composed, 'zoe password one')).status).toBe(303);
    expect((await new Browser(app).signIn(undefined, 'zoe@example.com', 'zoe password one')).status).toBe(401);
    expect((await new Browser(app).signIn(undefined, 'zoe@example.com', 'zoe password two')).status).toBe(303);
  });

  /** A database migrated up to just before ExactIdentifiers, holding users with these emails as stored by older versions. */
  async function databaseBeforeExactIdentifiers(emails: string[]): Promise<string> {
    const url = await emptyDatabaseUrl();
    const older = new DataSource({ ...dataSourceOptions(url), migrations: migrations.slice(0, migrations.indexOf(ExactIdentifiers1764310000000)) });
    await older.initialize();
    try {
      await older.runMigrations();
      for (const [index, email] of emails.entries()) {
        await older.query('INSERT INTO user_account (id, email, name, password_hash, email_verified, disabled, not_before, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
          `00000000-0000-4000-8000-00000000000${index + 1}`,
          email,
          null,
          'scrypt$unused',
          0,
          0,
          null,
          '2026-01-01 00:00:00.000',
          '2026-01-01 00:00:00.000',
        ]);
      }
    } finally {
      await older.destroy();
    }
    return url;
  }

  it('migrates stored emails into the canonical form', async () => {
    const url = await databaseBeforeExactIdentifiers(['zoe\u0308@example.com', 'zoe@example.com']);
    const app = await start({}, url);
    const rows = (await app.app.get(DataSource).query('SELECT id, email FROM user_account ORDER BY id')) as { id: string; email: string }[];
    expect(rows.filter((row) => row.id.startsWith('00000000-0000-4000-8000-00000000000')).map((row) => row.email)).toEqual(['zo\u00eb@example.com', 'zoe@example.com']);
  });

  it('stops, having changed nothing, when two stored emails have one canonical form', async () => {
    const url = await databaseBeforeExactIdentifiers(['zoe\u0308@example.com', 'zo\u00eb@example.com']);
    await expect(startApp({ databaseUrl: url })).rejects.toThrow(/User accounts share an email once it is in canonical form.*00000000-0000-4000-8000-000000000001 and 00000000-0000-4000-8000-000000000002/);
    const check = new DataSource(dataSourceOptions(url));
    await check.initialize();
    try {
      const emails = ((await check.query('SELECT email FROM user_account ORDER BY id')) as { email: string }[]).map((row) => row.email);
      expect(emails).toEqual(['zoe\u0308@example.com', 'zo\u00eb@example.com']);
      if (isMariaDb()) {
        const [column] = (await check.query("SELECT c.collation_name AS collation, s.default_collation_name AS databaseDefault FROM information_schema.columns c JOIN information_schema.schemata s ON s.schema_name = c.table_schema WHERE c.table_schema = DATABASE() AND c.table_name = 'user_account' AND c.column_name = 'email'")) as { collation: string; databaseDefault: string }[];
        expect(column!.collation).toBe(column!.databaseDefault);
      }
    } finally {
      await check.destroy();
    }
  });
});
