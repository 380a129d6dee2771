import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { InvalidInputError } from '../core/errors.ts';
import { sqlParams, type Database, type Queryable } from './database.ts';

/**
 * Opens the embedded database in `dir` (created when missing), or in memory when `dir`
 * is null. One process at a time may open a folder.
 */
export async function openPgliteDatabase(dir: string | null): Promise<Database> {
  if (dir) {
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (err) {
      throw new InvalidInputError(
        `The data folder ${dir} cannot be used (${(err as Error).message}). Name another with --data-dir or RAPPORT_DATA_DIR.`,
        { cause: err },
      );
    }
  }
  const db = dir ? await PGlite.create(dir) : await PGlite.create();
  const asQueryable = (target: Pick<PGlite, 'query'>): Queryable => ({
    async query<Row>(sql: string, params?: readonly unknown[]) {
      const result = await target.query<Row>(sql, sqlParams(params));
      return result.rows;
    },
  });
  return {
    engine: 'pglite',
    ...asQueryable(db),
    transaction: (work) => db.transaction((tx) => work(asQueryable(tx))),
    async execScript(sql) {
      await db.exec(sql);
    },
    close: () => db.close(),
  };
}
