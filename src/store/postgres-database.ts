import pg from 'pg';
import { redactUrl, ServiceUnavailableError } from '../core/errors.ts';
import { sqlParams, type Database, type Queryable } from './database.ts';

/**
 * Connects to a PostgreSQL server. `schema`, when given, is created if missing and put
 * first on the search path of every connection (tests use one schema per file).
 */
export async function openPostgresDatabase(url: string, schema?: string): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    ...(schema ? { options: `-c search_path=${quoteIdent(schema)}` } : {}),
  });
  try {
    // Two processes creating the same schema at once would collide even with "if not exists".
    if (schema) {
      await pool.query(
        `do $$ begin perform pg_advisory_xact_lock(7240114); create schema if not exists ${quoteIdent(schema)}; end $$`,
      );
    }
    else await pool.query('select 1');
  } catch (err) {
    await pool.end();
    throw new ServiceUnavailableError(
      'postgresql',
      redactUrl(url),
      'Check that the server runs and DATABASE_URL is right, or unset DATABASE_URL to use the embedded database.',
      { cause: err },
    );
  }
  const asQueryable = (target: pg.Pool | pg.PoolClient): Queryable => ({
    async query<Row>(sql: string, params?: readonly unknown[]) {
      const result = await target.query(sql, sqlParams(params));
      return result.rows as Row[];
    },
  });
  return {
    engine: 'postgres',
    ...asQueryable(pool),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await work(asQueryable(client));
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async execScript(sql) {
      await pool.query(sql);
    },
    close: () => pool.end(),
  };
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
