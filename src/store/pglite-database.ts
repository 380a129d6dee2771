import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { InvalidInputError } from '../core/errors.ts';
import { sqlParams, type Database, type Queryable } from './database.ts';

/**
 * The embedded engine's memory never shrinks, and its buffer cache is allocated and
 * cleared when it starts: PostgreSQL's default of 128 MB is a third of what a running
 * rapport may use. With 16 MB, more pages are read from the operating system's file cache
 * instead, which the kernel can reclaim (the import benchmark: about 110 MB less RSS, no
 * measurable slowdown; see bench/README.md). Otherwise the engine runs
 * with PGlite's own defaults.
 */
const ENGINE_SETTINGS = ['shared_buffers=16MB'];

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
  if (dir && !fs.existsSync(path.join(dir, 'PG_VERSION'))) await createInChildProcess(dir);
  const options = { startParams: [...PGlite.defaultStartParams, ...ENGINE_SETTINGS.flatMap((s) => ['-c', s])] };
  const db = dir ? await PGlite.create(dir, options) : await PGlite.create(options);
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

/**
 * Creating a database (initdb) grows the embedded engine's memory to about 900 MB, and
 * WebAssembly memory never shrinks. Doing it in a short-lived child process keeps the
 * long-running process at the few hundred MB that using a database needs.
 */
async function createInChildProcess(dir: string): Promise<void> {
  const entry = pathToFileURL(createRequire(import.meta.url).resolve('@electric-sql/pglite')).href;
  const script = `const { PGlite } = await import(${JSON.stringify(entry)}); const db = await PGlite.create(process.argv[1]); await db.close();`;
  try {
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, dir]);
  } catch (err) {
    throw new InvalidInputError(`Could not create the database in ${dir}: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
}
