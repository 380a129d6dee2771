import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import { TEST_DATABASE_URL } from '../helpers/test-store.ts';

describe('several rapport processes starting at once on a new database', () => {
  const schema = `test_migrate_${randomBytes(5).toString('hex')}`;
  afterAll(async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  });

  it('each opens it, and every migration is applied once', async () => {
    // As `rapport worker` and `rapport web` starting together would, each with its own pool.
    const stores = await Promise.all([0, 1, 2, 3].map(() => openStore({ databaseUrl: TEST_DATABASE_URL, dataDir: '', schema })));
    try {
      const rows = await stores[0]!.query<{ name: string; n: number }>(
        'select name, count(*)::int as n from schema_migration group by name order by name',
      );
      expect(rows.length).toBeGreaterThanOrEqual(5);
      expect(rows.every((r) => r.n === 1)).toBe(true);
      expect(rows[0]!.name).toBe('001_initial.sql');
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
