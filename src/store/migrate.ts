import fs from 'node:fs';
import path from 'node:path';
import { projectFile } from '../core/project-files.ts';
import type { Database } from './database.ts';

const MIGRATIONS_DIR = projectFile('src', 'store', 'migrations');

/**
 * Applies, in name order, every migration not yet recorded in `schema_migration`.
 * Each runs in its own transaction with its record, so a failed one leaves no trace.
 */
export async function migrate(db: Database): Promise<string[]> {
  // Several rapport processes may start at once on a new database (`rapport worker` and
  // `rapport web`): each step takes a lock first, and re-reads what is done under it.
  await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.query('create table if not exists schema_migration (name text primary key, applied_at timestamptz not null default now())');
  });
  const done = new Set(
    (await db.query<{ name: string }>('select name from schema_migration')).map((r) => r.name),
  );
  const pending = fs
    .readdirSync(MIGRATIONS_DIR)
    .filter((name) => name.endsWith('.sql') && !done.has(name))
    .sort();
  const applied: string[] = [];
  for (const name of pending) {
    const sql = fs.readFileSync(path.join(MIGRATIONS_DIR, name), 'utf8');
    await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const [already] = await tx.query<{ name: string }>('select name from schema_migration where name = $1', [name]);
      if (already) return;
      for (const statement of splitStatements(sql)) await tx.query(statement);
      await tx.query('insert into schema_migration (name) values ($1)', [name]);
      applied.push(name);
    });
  }
  return applied;
}

/** An arbitrary constant that names rapport's migration lock among advisory locks. */
const MIGRATION_LOCK = 7_240_113;

/** Splits a migration on the semicolons that end statements (our files hold no bodies with `;`). */
function splitStatements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter(Boolean);
}
