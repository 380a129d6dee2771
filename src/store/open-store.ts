import path from 'node:path';
import type { Database } from './database.ts';
import { migrate } from './migrate.ts';
import { openPgliteDatabase } from './pglite-database.ts';
import { openPostgresDatabase } from './postgres-database.ts';

export interface StoreOptions {
  /** A PostgreSQL URL, or '' for the embedded database in `dataDir`. */
  databaseUrl: string;
  dataDir: string;
  /** Tests only: a schema of their own on a shared server, or an in-memory embedded database. */
  schema?: string;
  inMemory?: boolean;
}

/** Opens the configured database and brings its schema up to date. */
export async function openStore(options: StoreOptions): Promise<Database> {
  const db = options.databaseUrl
    ? await openPostgresDatabase(options.databaseUrl, options.schema)
    : await openPgliteDatabase(options.inMemory ? null : path.join(options.dataDir, 'db'));
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
