import type { Job } from 'bullmq';
import type { Config } from '../config/load-config.ts';
import type { MessageClassifier } from '../core/detection.ts';
import type { MeetingRecord, MessageRecord, SourceFailure } from '../core/types.ts';
import { analyseCalendar, analyseMessage, type AnalysisContext } from '../ingest/analyse-message.ts';
import { DEFAULT_FREE_MAIL_DOMAINS } from '../ingest/company-from-domain.ts';
import { parseMessage } from '../ingest/parse-message.ts';
import { readSources } from '../integrations/mailbox/index.ts';
import { addUserAddresses } from '../store/account-repository.ts';
import type { Database, Queryable } from '../store/database.ts';
import { recordFailures } from '../store/failure-repository.ts';
import { linkMeetingsOfMessages, linkMeetingsToOutreach, recordMeeting } from '../store/meeting-repository.ts';
import { recordMessageBatch } from '../store/message-batch.ts';
import { loadThreadFacts, loadThreadFactsOf, saveThreadStates, type ThreadFacts } from '../store/thread-state-repository.ts';
import { threadState } from '../detect/thread-state.ts';
import type { IngestBatchData, IngestBatchResult } from './queue-map.ts';

export interface IngestDeps {
  db: Database;
  config: Config;
  classifier: MessageClassifier;
  /**
   * Told, after each write is committed, which messages and meetings it stored or
   * changed, so that planned work (thank-yous, follow-ups, deliveries) can follow.
   */
  onWritten?: (change: WrittenChange) => Promise<void>;
}

/** Rows a write stored or changed. */
export interface WrittenChange {
  messageRowIds: number[];
  meetingIds: number[];
}

/** One message or calendar file to ingest, already read: from an export or a provider. */
export interface RawItem {
  /** Where it came from, stored on the message: `path`, `path#index`, `gmail:<account>/<id>`. */
  source: string;
  format: 'mbox' | 'raw' | 'ics';
  /** Its bytes, or why they could not be read. */
  raw: Buffer | Error;
  /** Where a failure is recorded: the file (or provider) and the position in it. */
  failure: { path: string; position: number };
}

/** One item of a batch, read and analysed, ready to be written. */
type Prepared = { item: RawItem; message: MessageRecord | null; meetings: MeetingRecord[] };

/** What ingesting a list of items did, with each item's message key (null: no message). */
export interface IngestOutcome {
  result: IngestBatchResult;
  messageKeys: (string | null)[];
}

/** Processes one `ingest-batch` job: reads the referenced bytes, then ingests them. */
export async function processIngestBatch(
  deps: IngestDeps,
  job: Pick<Job<IngestBatchData>, 'data'>,
): Promise<IngestBatchResult> {
  const raws = await readSources(job.data.refs);
  const items = job.data.refs.map((ref, i): RawItem => ({
    source: ref.format === 'mbox' ? `${ref.path}#${ref.index}` : ref.path,
    format: ref.format,
    raw: raws[i]!,
    failure: { path: ref.path, position: ref.index },
  }));
  return (await ingestRawItems(deps, job.data.accountId, items)).result;
}

/**
 * Parses and analyses every item outside the database, then writes them in one
 * transaction with a fixed number of statements. If that fails, the items are written
 * one by one, each under a savepoint, so one bad message costs only itself. Ingesting
 * the same items twice stores nothing twice (messages are unique on their Message-ID).
 */
export async function ingestRawItems(
  deps: IngestDeps,
  accountId: number,
  items: readonly RawItem[],
): Promise<IngestOutcome> {
  const ctx = await analysisContext(deps);
  const result: IngestBatchResult = { stored: 0, duplicates: 0, failed: 0, meetings: 0 };
  const failures: SourceFailure[] = [];
  const failed = new Set<RawItem>();
  const fail = (item: RawItem, err: unknown) => {
    if (isTransientDatabaseError(err)) throw err;
    result.failed += 1;
    failed.add(item);
    failures.push({ ...item.failure, reason: reasonOf(err) });
  };
  const prepared: Prepared[] = [];
  for (const item of items) {
    try {
      if (item.raw instanceof Error) throw item.raw;
      prepared.push(await prepare(item, item.raw, ctx));
    } catch (err) {
      fail(item, err);
    }
  }
  const change: WrittenChange = { messageRowIds: [], meetingIds: [] };
  await deps.db.transaction(async (tx) => {
    const write = (batch: Prepared[]) =>
      withSavepoint(tx, () => writeItems(tx, batch, accountId, deps.config, result, change));
    try {
      await write(prepared);
    } catch (err) {
      if (isTransientDatabaseError(err)) throw err;
      for (const p of prepared) await write([p]).catch((e: unknown) => fail(p.item, e));
    }
  });
  await recordFailures(deps.db, failures);
  if (deps.onWritten && (change.messageRowIds.length > 0 || change.meetingIds.length > 0)) await deps.onWritten(change);
  const keyOf = new Map(prepared.map((p) => [p.item, p.message?.messageKey ?? null]));
  return { result, messageKeys: items.map((item) => (failed.has(item) ? null : (keyOf.get(item) ?? null))) };
}

async function prepare(item: RawItem, raw: Buffer, ctx: AnalysisContext): Promise<Prepared> {
  if (item.format === 'ics') {
    const { meetings, errors } = analyseCalendar(raw.toString('utf8'), item.source, ctx);
    // A calendar of only tasks or time zones has nothing to import; that is not an error.
    if (meetings.length === 0 && errors.length > 0) throw new Error(errors[0]);
    return { item, message: null, meetings };
  }
  const { message, meetings } = analyseMessage(await parseMessage(raw), item.source, ctx);
  return { item, message, meetings };
}

/** Writes items and adds their counts to `result` only once all are written. */
async function writeItems(
  tx: Queryable,
  items: readonly Prepared[],
  accountId: number,
  config: Config,
  result: IngestBatchResult,
  change: WrittenChange,
): Promise<void> {
  const messages = items.flatMap((i) => (i.message ? [i.message] : []));
  const stored = await recordMessageBatch(tx, messages, {
    accountId,
    subjectWindowDays: config.ingest.threadSubjectWindowDays,
  });
  const counts = { stored: 0, duplicates: 0, meetings: 0 };
  const counted = new Set<string>();
  const meetingIds: number[] = [];
  for (const item of items) {
    const row = item.message ? stored.get(item.message.messageKey)! : null;
    if (item.message) {
      // The same message twice in one batch is new once, then a duplicate.
      const isNew = row!.isNew && !counted.has(item.message.messageKey);
      counted.add(item.message.messageKey);
      counts[isNew ? 'stored' : 'duplicates'] += 1;
    }
    for (const meeting of item.meetings) {
      const { meetingId } = await recordMeeting(tx, meeting, row?.rowId ?? null);
      if (meetingId !== null) meetingIds.push(meetingId);
    }
    counts.meetings += item.meetings.length;
  }
  const messageRowIds = [...stored.values()].map((s) => s.rowId);
  await refreshThreadStates(tx, messageRowIds, meetingIds);
  // Meetings synced before the mail that led to them join its outreach thread now.
  for (const id of await linkMeetingsOfMessages(tx, messageRowIds)) if (!meetingIds.includes(id)) meetingIds.push(id);
  if (meetingIds.length > 0) {
    // Now that threads know whether they are outreach, meetings can join them.
    await linkMeetingsToOutreach(tx, meetingIds);
    await refreshThreadStates(tx, [], meetingIds);
  }
  result.stored += counts.stored;
  result.duplicates += counts.duplicates;
  result.meetings += counts.meetings;
  change.messageRowIds.push(...[...stored.values()].filter((s) => s.isNew).map((s) => s.rowId));
  change.meetingIds.push(...meetingIds);
}

/** Recomputes the outreach state of every thread the batch touched. */
export async function refreshThreadStates(tx: Queryable, messageRowIds: number[], meetingIds: number[]): Promise<void> {
  await saveStates(tx, await loadThreadFacts(tx, messageRowIds, meetingIds));
}

/** Recomputes the outreach state of the named threads (after messages left them, say). */
export async function refreshThreadStatesOf(tx: Queryable, threadIds: readonly number[]): Promise<void> {
  await saveStates(tx, await loadThreadFactsOf(tx, threadIds));
}

async function saveStates(tx: Queryable, facts: ThreadFacts[]): Promise<void> {
  const now = new Date();
  await saveThreadStates(
    tx,
    facts.map((f) => ({ threadId: f.threadId, ...threadState(f.messages, f.meetings, now) })),
  );
}

/** Runs `work` so that its failure undoes only its own writes, not the batch's. */
async function withSavepoint(tx: Queryable, work: () => Promise<void>): Promise<void> {
  await tx.query('savepoint ingest_item');
  try {
    await work();
    await tx.query('release savepoint ingest_item');
  } catch (err) {
    await tx.query('rollback to savepoint ingest_item');
    throw err;
  }
}

export async function analysisContext(deps: IngestDeps): Promise<AnalysisContext> {
  const known = await addUserAddresses(deps.db, []);
  return {
    userAddresses: new Set([...deps.config.user.addresses, ...known]),
    freeMailDomains: [...DEFAULT_FREE_MAIL_DOMAINS, ...deps.config.contacts.extraFreeMailDomains],
    extraRoleLocalParts: deps.config.contacts.extraRoleLocalParts,
    maxParticipantsPerMessage: deps.config.ingest.maxParticipantsPerMessage,
    classifier: deps.classifier,
  };
}

/**
 * SQLSTATEs that say the database, not the message, is the problem (connection lost,
 * server shutting down, out of resources, a deadlock with another worker): the whole
 * job is retried instead, which is safe because writing is idempotent.
 */
function isTransientDatabaseError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^(08|53|57|58|40001|40P01)/.test(code)) return true;
  return ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(String(code));
}

function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.slice(0, 500);
}
