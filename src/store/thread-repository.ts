import type { Queryable } from './database.ts';

/** Moves everything of the `others` threads into `into` and deletes them. */
export async function mergeThreads(tx: Queryable, into: number, others: number[]): Promise<void> {
  await tx.query('update message set thread_id = $1 where thread_id = any($2)', [into, others]);
  await tx.query('update thread_key set thread_id = $1 where thread_id = any($2)', [into, others]);
  await tx.query('update meeting set thread_id = $1 where thread_id = any($2)', [into, others]);
  await tx.query(
    `update thread t set
       first_message_at = least(t.first_message_at, o.first_at),
       last_message_at = greatest(t.last_message_at, o.last_at)
     from (select min(first_message_at) first_at, max(last_message_at) last_at
           from thread where id = any($2)) o
     where t.id = $1`,
    [into, others],
  );
  await tx.query('delete from thread where id = any($1)', [others]);
}
