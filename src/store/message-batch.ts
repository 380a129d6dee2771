import type { MessageRecord } from '../core/types.ts';
import { countNames, upsertContacts } from './contact-repository.ts';
import { jsonParam, type Queryable } from './database.ts';
import { interactionKey, upsertInteractions } from './interaction-repository.ts';
import { planThreads, threadKeysOf, type PlannedMessage, type SubjectCandidate } from './thread-planner.ts';
import { recordReferrals } from './referral-repository.ts';
import { mergeThreads } from './thread-repository.ts';

export interface BatchOptions {
  accountId: number | null;
  subjectWindowDays: number;
}

/** For each message key of the batch: its row, and whether this call stored it. */
export type BatchOutcome = Map<string, { rowId: number; isNew: boolean }>;

/**
 * Stores a batch of analysed messages with their threads, contacts and interactions in a
 * fixed number of statements, whatever the batch size. Threads are planned before the
 * messages are inserted, so each row is written once, with its thread. Call inside a
 * transaction; a message already stored changes nothing.
 */
export async function recordMessageBatch(
  tx: Queryable,
  records: readonly MessageRecord[],
  options: BatchOptions,
): Promise<BatchOutcome> {
  const unique = [...new Map(records.map((r) => [r.messageKey, r])).values()];
  const known = await storedIds(tx, unique.map((r) => r.messageKey));
  // Until inserted, a new message is known by its place in the batch.
  const candidates = unique.filter((r) => !known.has(r.messageKey)).map((record, i) => ({ rowId: i + 1, record }));
  if (candidates.length === 0) return outcomeOf(known, new Map());
  const threads = await planBatchThreads(tx, candidates, options.subjectWindowDays);
  const inserted = await insertMessages(tx, candidates, threads.threadOf, options.accountId);
  const fresh = candidates.filter((c) => inserted.has(c.record.messageKey)).map(({ rowId, record }) => ({
    rowId: inserted.get(record.messageKey)!,
    threadId: threads.threadOf(rowId),
    record,
  }));
  await keyAndTimeThreads(tx, fresh);
  if (fresh.length < candidates.length) {
    // Another transaction stored some of them meanwhile: theirs stand, and the threads
    // planned only for them go.
    for (const [key, id] of await storedIds(tx, candidates.map((c) => c.record.messageKey).filter((k) => !inserted.has(k)))) {
      known.set(key, id);
    }
    await deleteEmptyThreads(tx, threads.created);
  }
  if (fresh.length > 0) {
    await logInteractions(tx, fresh);
    for (const { rowId, record } of fresh) await recordReferrals(tx, rowId, record);
  }
  return outcomeOf(known, inserted);
}

async function storedIds(tx: Queryable, keys: readonly string[]): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const rows = await tx.query<{ id: number; message_key: string }>(
    'select id, message_key from message where message_key = any($1)',
    [keys],
  );
  return new Map(rows.map((r) => [r.message_key, r.id]));
}

async function insertMessages(
  tx: Queryable,
  planned: readonly PlannedMessage[],
  threadOf: (placeholder: number) => number,
  accountId: number | null,
): Promise<Map<string, number>> {
  const rows = await tx.query<{ id: number; message_key: string }>(
    `insert into message (message_key, account_id, thread_id, rfc_message_id, in_reply_to, refs, direction,
       from_address, participants, counterparts, sent_at, subject, normalized_subject, excerpt, is_bulk, labels, source)
     select x.message_key, $2::int, x.thread_id, x.rfc_message_id, x.in_reply_to, x.refs, x.direction, x.from_address,
       x.participants, x.counterparts, x.sent_at, x.subject, x.normalized_subject, x.excerpt, x.is_bulk, x.labels, x.source
     from jsonb_to_recordset($1::jsonb) as x(message_key text, thread_id int, rfc_message_id text, in_reply_to text[],
       refs text[], direction text, from_address text, participants text[], counterparts text[],
       sent_at timestamptz, subject text, normalized_subject text, excerpt text, is_bulk boolean, labels jsonb, source text)
     on conflict (message_key) do nothing returning id, message_key`,
    [
      jsonParam(
        planned.map(({ rowId, record: m }) => ({
          message_key: m.messageKey, thread_id: threadOf(rowId), rfc_message_id: m.messageId, in_reply_to: m.inReplyTo,
          refs: m.references, direction: m.direction, from_address: m.fromAddress,
          participants: m.participants, counterparts: m.counterparts, sent_at: m.sentAt,
          subject: m.subject, normalized_subject: m.normalizedSubject, excerpt: m.excerpt,
          is_bulk: m.isBulk, labels: m.detection, source: m.source,
        })),
      ),
      accountId,
    ],
  );
  return new Map(rows.map((r) => [r.message_key, r.id]));
}

/** A message stored by this batch, with its row and its thread. */
type StoredMessage = PlannedMessage & { threadId: number };

/**
 * Plans the batch's threads and makes them exist: merges the threads it joins, creates
 * the new ones. Returns each planned message's thread and the ids of the new threads.
 */
async function planBatchThreads(
  tx: Queryable,
  planned: PlannedMessage[],
  windowDays: number,
): Promise<{ threadOf: (placeholder: number) => number; created: number[] }> {
  const keys = [...new Set(planned.flatMap((m) => threadKeysOf(m.record)))];
  const owners = await tx.query<{ key: string; thread_id: number }>(
    'select key, thread_id from thread_key where key = any($1)',
    [keys],
  );
  const plan = planThreads(
    planned,
    new Map(owners.map((o) => [o.key, o.thread_id])),
    await subjectCandidates(tx, planned, windowDays),
    windowDays,
  );
  for (const merge of plan.merges) await mergeThreads(tx, merge.into, merge.from);
  const realIds = await createThreads(tx, plan.newThreads);
  return {
    threadOf: (placeholder) => {
      const thread = plan.threadOf.get(placeholder)!;
      return thread > 0 ? thread : realIds.get(thread)!;
    },
    created: [...realIds.values()],
  };
}

/** Gives the threads of the stored messages their Message-IDs and their first and last times. */
async function keyAndTimeThreads(tx: Queryable, stored: readonly StoredMessage[]): Promise<void> {
  if (stored.length === 0) return;
  await tx.query(
    `insert into thread_key (key, thread_id) select * from unnest($1::text[], $2::int[])
     on conflict (key) do nothing`,
    [
      stored.flatMap((m) => threadKeysOf(m.record)),
      stored.flatMap((m) => threadKeysOf(m.record).map(() => m.threadId)),
    ],
  );
  await updateThreadTimes(tx, stored);
}

async function deleteEmptyThreads(tx: Queryable, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await tx.query(
    `delete from thread t where t.id = any($1::int[])
     and not exists (select 1 from message m where m.thread_id = t.id)
     and not exists (select 1 from meeting g where g.thread_id = t.id)`,
    [ids],
  );
}

async function subjectCandidates(
  tx: Queryable,
  fresh: PlannedMessage[],
  windowDays: number,
): Promise<SubjectCandidate[]> {
  const dated = fresh.filter((m) => m.record.sentAt && m.record.normalizedSubject);
  if (dated.length === 0) return [];
  const times = dated.map((m) => m.record.sentAt!.getTime());
  const windowMs = windowDays * 86_400_000;
  const rows = await tx.query<{ thread_id: number; normalized_subject: string; counterparts: string[]; sent_at: Date }>(
    `select thread_id, normalized_subject, counterparts, sent_at from message
     where normalized_subject = any($1) and thread_id is not null and sent_at between $2 and $3`,
    [
      [...new Set(dated.map((m) => m.record.normalizedSubject))],
      new Date(Math.min(...times) - windowMs),
      new Date(Math.max(...times) + windowMs),
    ],
  );
  return rows.map((r) => ({
    threadId: r.thread_id, normalizedSubject: r.normalized_subject, counterparts: r.counterparts, sentAt: r.sent_at,
  }));
}

/** Creates the planned threads with ids taken from the sequence first, so each maps back. */
async function createThreads(
  tx: Queryable,
  planned: Map<number, { subject: string; normalizedSubject: string }>,
): Promise<Map<number, number>> {
  if (planned.size === 0) return new Map();
  const ids = await tx.query<{ id: number }>(
    `select nextval(pg_get_serial_sequence('thread', 'id'))::int as id from generate_series(1, $1::int)`,
    [planned.size],
  );
  const entries = [...planned];
  await tx.query(
    `insert into thread (id, subject, normalized_subject) overriding system value
     select * from unnest($1::int[], $2::text[], $3::text[])`,
    [ids.map((r) => r.id), entries.map(([, t]) => t.subject), entries.map(([, t]) => t.normalizedSubject)],
  );
  return new Map(entries.map(([placeholder], i) => [placeholder, ids[i]!.id]));
}

async function updateThreadTimes(tx: Queryable, stored: readonly StoredMessage[]): Promise<void> {
  const span = new Map<number, { first: Date; last: Date; subject: string }>();
  for (const { threadId: id, record } of stored) {
    if (!record.sentAt) continue;
    const s = span.get(id);
    if (!s) span.set(id, { first: record.sentAt, last: record.sentAt, subject: record.subject });
    else {
      if (record.sentAt < s.first) Object.assign(s, { first: record.sentAt, subject: record.subject });
      if (record.sentAt > s.last) s.last = record.sentAt;
    }
  }
  if (span.size === 0) return;
  const rows = [...span];
  await tx.query(
    `update thread t set
       subject = case when t.first_message_at is null or v.first_at < t.first_message_at then v.subject else t.subject end,
       first_message_at = least(t.first_message_at, v.first_at),
       last_message_at = greatest(t.last_message_at, v.last_at)
     from unnest($1::int[], $2::timestamptz[], $3::timestamptz[], $4::text[]) as v(id, first_at, last_at, subject)
     where t.id = v.id`,
    [rows.map(([id]) => id), rows.map(([, s]) => s.first), rows.map(([, s]) => s.last), rows.map(([, s]) => s.subject)],
  );
}

async function logInteractions(tx: Queryable, fresh: PlannedMessage[]): Promise<void> {
  const ids = await upsertContacts(tx, fresh.flatMap((m) => m.record.contacts));
  const isNew = await upsertInteractions(
    tx,
    fresh.flatMap(({ rowId, record }) =>
      record.contacts.map((c) => ({
        contactId: ids.get(c.address)!,
        kind: record.direction === 'sent' ? ('email_sent' as const) : ('email_received' as const),
        occurredAt: record.sentAt,
        messageId: rowId,
        meetingId: null,
        summary: record.subject,
        sourceKey: `message:${record.messageKey}`,
      })),
    ),
  );
  await countNames(
    tx,
    fresh.flatMap(({ record }) =>
      record.contacts
        .filter((c) => c.name && isNew.has(interactionKey(ids.get(c.address)!, `message:${record.messageKey}`)))
        .map((c) => ({ contactId: ids.get(c.address)!, name: c.name! })),
    ),
  );
}

function outcomeOf(known: Map<string, number>, inserted: Map<string, number>): BatchOutcome {
  const out: BatchOutcome = new Map();
  for (const [key, rowId] of inserted) out.set(key, { rowId, isNew: true });
  for (const [key, rowId] of known) out.set(key, { rowId, isNew: false });
  return out;
}
