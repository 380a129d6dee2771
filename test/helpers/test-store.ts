import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../src/store/database.ts';
import { openStore } from '../../src/store/open-store.ts';

/** The PostgreSQL server the integration tests use (CI starts it on 127.0.0.1:5432). */
export const TEST_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export const ENGINES = ['pglite', 'postgres'] as const;
export type Engine = (typeof ENGINES)[number];

export interface TestStore {
  db: Database;
  /** The DATABASE_URL a config should carry for this engine ('' for embedded). */
  databaseUrl: string;
  schema: string | undefined;
  dispose(): Promise<void>;
}

/**
 * A fresh, migrated database: an in-memory PGlite, or a schema of its own on the shared
 * server, dropped by `dispose`.
 */
export async function openTestStore(engine: Engine): Promise<TestStore> {
  if (engine === 'pglite') {
    const db = await openStore({ databaseUrl: '', dataDir: '', inMemory: true });
    return { db, databaseUrl: '', schema: undefined, dispose: () => db.close() };
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const db = await openStore({ databaseUrl: TEST_DATABASE_URL, dataDir: '', schema });
  return {
    db,
    databaseUrl: TEST_DATABASE_URL,
    schema,
    async dispose() {
      await db.close();
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    },
  };
}
