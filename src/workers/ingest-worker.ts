import type { Job } from 'bullmq';
import type { Config } from '../config/load-config.ts';
import type { OneAtATime } from '../core/one-at-a-time.ts';
import type { MessageClassifier } from '../core/detection.ts';
import type { MeetingRecord, MessageRecord, SourceFailure, SourceRef } from '../core/types.ts';
import type { AnalysisContext } from '../ingest/analyse-message.ts';
import { DEFAULT_FREE_MAIL_DOMAINS } from '../ingest/company-from-domain.ts';
import { prepareItems, readRawItems, reasonOf, type PreparedItem, type RawItem } from '../ingest/prepare-item.ts';
import type { PrepareThread } from '../ingest/prepare-thread.ts';
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
  /** Where an import's batches are read, parsed and analysed; this thread when absent. */
  prepareThread?: PrepareThread;
  /** Told when the prepare thread could not finish a batch, which this thread then prepares. */
  onPrepareFallback?: (reason: string) => void;
  /**
   * Makes concurrent jobs write one at a time (an import's, whose next batch is prepared
   * while one is written), so threads come out as when the batches run one after another.
   */
  writeInTurn?: OneAtATime;
}

/** Rows a write stored or changed. */
export interface WrittenChange {
  messageRowIds: number[];
  meetingIds: number[];
}

export type { RawItem } from '../ingest/prepare-item.ts';

/** One item of a batch, read and analysed, ready to be written. */
type Prepared = { message: MessageRecord | null; meetings: MeetingRecord[] };

/** What ingesting a list of items did, with each item's message key (null: no message). */
export interface IngestOutcome {
  result: IngestBatchResult;
  messageKeys: (string | null)[];
}

/**
 * Processes one `ingest-batch` job: reads the referenced bytes, parses and analyses them
 * (on `deps.prepareThread` when there is one), then writes what they hold.
 */
export async function processIngestBatch(
  deps: IngestDeps,
  job: Pick<Job<IngestBatchData>, 'data'>,
): Promise<IngestBatchResult> {
  const ctx = await analysisContext(deps);
  const refs = job.data.refs;
  if (deps.prepareThread) {
    const { classifier: _, ...settings } = ctx;
    const prepared = await deps.prepareThread.prepare(refs, settings).catch((err: Error) => {
      // A thread that died on this batch (out of memory, say) leaves it to this thread.
      deps.onPrepareFallback?.(err.message);
      return null;
    });
    if (prepared) return (await writePrepared(deps, job.data.accountId, refs.map(failureOf), prepared)).result;
  }
  const items = await readRawItems(refs);
  return (await writePrepared(deps, job.data.accountId, items.map((i) => i.failure), await prepareItems(items, ctx))).result;
}

const failureOf = (ref: SourceRef): RawItem['failure'] => ({ path: ref.path, position: ref.index });

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
  const prepared = await prepareItems(items, await analysisContext(deps));
  return writePrepared(deps, accountId, items.map((i) => i.failure), prepared);
}

/** Writes prepared items (`places[i]` says where item i came from, for failures). */
async function writePrepared(
  deps: IngestDeps,
  accountId: number,
  places: readonly RawItem['failure'][],
  outcomes: readonly PreparedItem[],
): Promise<IngestOutcome> {
  const result: IngestBatchResult = { stored: 0, duplicates: 0, failed: 0, meetings: 0 };
  const failures: SourceFailure[] = [];
  const failed = new Set<number>();
  const fail = (index: number, reason: string) => {
    result.failed += 1;
    failed.add(index);
    failures.push({ ...places[index]!, reason });
  };
  const prepared: (Prepared & { index: number })[] = [];
  outcomes.forEach((o, index) => {
    if (o.ok) prepared.push({ index, message: o.message, meetings: o.meetings });
    else fail(index, o.reason);
  });
  const change: WrittenChange = { messageRowIds: [], meetingIds: [] };
  const inTurn = deps.writeInTurn ?? ((work) => work());
  await inTurn(() => deps.db.transaction(async (tx) => {
    const write = (batch: Prepared[]) =>
      withSavepoint(tx, () => writeItems(tx, batch, accountId, deps.config, result, change));
    try {
      await write(prepared);
    } catch (err) {
      if (isTransientDatabaseError(err)) throw err;
      for (const p of prepared) {
        await write([p]).catch((e: unknown) => {
          if (isTransientDatabaseError(e)) throw e;
          fail(p.index, reasonOf(e));
        });
      }
    }
  }));
  await recordFailures(deps.db, failures);
  if (deps.onWritten && (change.messageRowIds.length > 0 || change.meetingIds.length > 0)) await deps.onWritten(change);
  const keyOf = new Map(prepared.map((p) => [p.index, p.message?.messageKey ?? null]));
  return { result, messageKeys: places.map((_, i) => (failed.has(i) ? null : (keyOf.get(i) ?? null))) };
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
