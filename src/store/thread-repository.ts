import type { MessageRecord } from '../core/types.ts';
import type { Queryable } from './database.ts';

/**
 * Puts a stored message in its thread: the thread that holds any of its Message-IDs
 * (its own, In-Reply-To, References), else a thread with the same normalised subject
 * and a shared correspondent within `subjectWindowDays`, else a new thread. When the
 * message joins threads that were apart (a parent arriving after its replies), they merge.
 */
export async function assignThread(
  tx: Queryable,
  messageRowId: number,
  message: MessageRecord,
  subjectWindowDays: number,
): Promise<number> {
  const keys = threadKeysOf(message);
  const found = keys.length
    ? (
        await tx.query<{ thread_id: number }>(
          'select distinct thread_id from thread_key where key = any($1) order by thread_id',
          [keys],
        )
      ).map((r) => r.thread_id)
    : [];
  if (found.length === 0) {
    const bySubject = await findThreadBySubject(tx, message, subjectWindowDays);
    if (bySubject !== null) found.push(bySubject);
  }
  const threadId = found[0] ?? (await createThread(tx, message));
  if (found.length > 1) await mergeThreads(tx, threadId, found.slice(1));
  if (keys.length) {
    await tx.query(
      `insert into thread_key (key, thread_id) select unnest($1::text[]), $2
       on conflict (key) do nothing`,
      [keys, threadId],
    );
  }
  await tx.query('update message set thread_id = $1 where id = $2', [threadId, messageRowId]);
  await tx.query(
    `update thread set
       first_message_at = least(first_message_at, $2),
       last_message_at = greatest(last_message_at, $2),
       subject = case when $2::timestamptz < first_message_at then $3 else subject end
     where id = $1`,
    [threadId, message.sentAt, message.subject],
  );
  return threadId;
}

function threadKeysOf(message: MessageRecord): string[] {
  const keys = [message.messageId, ...message.inReplyTo, ...message.references];
  return [...new Set(keys.filter((k): k is string => Boolean(k)))];
}

async function findThreadBySubject(
  tx: Queryable,
  message: MessageRecord,
  windowDays: number,
): Promise<number | null> {
  if (!message.normalizedSubject || message.counterparts.length === 0 || !message.sentAt) return null;
  const [row] = await tx.query<{ thread_id: number }>(
    `select thread_id from message
     where normalized_subject = $1 and thread_id is not null and counterparts && $2::text[]
       and sent_at between $3::timestamptz - make_interval(days => $4) and $3::timestamptz + make_interval(days => $4)
     order by abs(extract(epoch from sent_at - $3::timestamptz)), thread_id
     limit 1`,
    [message.normalizedSubject, message.counterparts, message.sentAt, windowDays],
  );
  return row?.thread_id ?? null;
}

async function createThread(tx: Queryable, message: MessageRecord): Promise<number> {
  const [row] = await tx.query<{ id: number }>(
    `insert into thread (subject, normalized_subject, first_message_at, last_message_at)
     values ($1, $2, $3, $3) returning id`,
    [message.subject, message.normalizedSubject, message.sentAt],
  );
  return row!.id;
}

async function mergeThreads(tx: Queryable, into: number, others: number[]): Promise<void> {
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
