import type { SourceFailure } from '../core/types.ts';
import type { Queryable } from './database.ts';

/** Records why part of an export could not be read; the same place twice is kept once. */
export async function recordFailures(db: Queryable, failures: readonly SourceFailure[]): Promise<void> {
  if (failures.length === 0) return;
  await db.query(
    `insert into ingest_failure (source_path, position, reason)
     select * from unnest($1::text[], $2::int[], $3::text[])
     on conflict (source_path, position) do update set reason = excluded.reason, seen_at = now()`,
    [failures.map((f) => f.path), failures.map((f) => f.position), failures.map((f) => f.reason)],
  );
}

/** Failures recorded since `since`, oldest first. */
export async function listFailures(db: Queryable, since: Date): Promise<SourceFailure[]> {
  const rows = await db.query<{ source_path: string; position: number; reason: string }>(
    `select source_path, position, reason from ingest_failure where seen_at >= $1
     order by source_path, position`,
    [since],
  );
  return rows.map((r) => ({ path: r.source_path, position: r.position, reason: r.reason }));
}
