import type { Job } from 'bullmq';
import type { Config } from '../config/load-config.ts';
import type { MessageClassifier } from '../core/detection.ts';
import type { MeetingRecord, MessageRecord, SourceFailure, SourceRef } from '../core/types.ts';
import { analyseCalendar, analyseMessage, type AnalysisContext } from '../ingest/analyse-message.ts';
import { DEFAULT_FREE_MAIL_DOMAINS } from '../ingest/company-from-domain.ts';
import { parseMessage } from '../ingest/parse-message.ts';
import { readSources } from '../integrations/mailbox/index.ts';
import { addUserAddresses } from '../store/account-repository.ts';
import type { Database, Queryable } from '../store/database.ts';
import { recordFailures } from '../store/failure-repository.ts';
import { linkMeetingsToOutreach, recordMeeting } from '../store/meeting-repository.ts';
import { recordMessageBatch } from '../store/message-batch.ts';
import { loadThreadFacts, saveThreadStates } from '../store/thread-state-repository.ts';
import { threadState } from '../detect/thread-state.ts';
import type { IngestBatchData, IngestBatchResult } from './queue-map.ts';

export interface IngestDeps {
  db: Database;
  config: Config;
  classifier: MessageClassifier;
}

/** One item of a batch, read and analysed, ready to be written. */
type Prepared =
  | { ref: SourceRef; message: MessageRecord; meetings: MeetingRecord[] }
  | { ref: SourceRef; message: null; meetings: MeetingRecord[] };

/**
 * Processes one `ingest-batch` job. Reading and parsing happen first, outside the
 * database; then the batch is written in one transaction with a fixed number of
 * statements. If that fails, the items are written one by one, each under a savepoint,
 * so one bad message costs only itself. Running a job twice stores nothing twice
 * (messages are unique on their Message-ID).
 */
export async function processIngestBatch(
  deps: IngestDeps,
  job: Pick<Job<IngestBatchData>, 'data'>,
): Promise<IngestBatchResult> {
  const ctx = await analysisContext(deps);
  const result: IngestBatchResult = { stored: 0, duplicates: 0, failed: 0, meetings: 0 };
  const failures: SourceFailure[] = [];
  const fail = (ref: SourceRef, err: unknown) => {
    if (isTransientDatabaseError(err)) throw err;
    result.failed += 1;
    failures.push({ path: ref.path, position: ref.index, reason: reasonOf(err) });
  };
  const prepared: Prepared[] = [];
  const raws = await readSources(job.data.refs);
  for (const [i, ref] of job.data.refs.entries()) {
    try {
      const raw = raws[i]!;
      if (raw instanceof Error) throw raw;
      prepared.push(await prepare(ref, raw, ctx));
    } catch (err) {
      fail(ref, err);
    }
  }
  await deps.db.transaction(async (tx) => {
    const write = (items: Prepared[]) =>
      withSavepoint(tx, () => writeItems(tx, items, job.data.accountId, deps.config, result));
    try {
      await write(prepared);
    } catch (err) {
      if (isTransientDatabaseError(err)) throw err;
      for (const item of prepared) await write([item]).catch((e: unknown) => fail(item.ref, e));
    }
  });
  await recordFailures(deps.db, failures);
  return result;
}

async function prepare(ref: SourceRef, raw: Buffer, ctx: AnalysisContext): Promise<Prepared> {
  const source = ref.format === 'mbox' ? `${ref.path}#${ref.index}` : ref.path;
  if (ref.format === 'ics') {
    const { meetings, errors } = analyseCalendar(raw.toString('utf8'), source, ctx);
    // A calendar of only tasks or time zones has nothing to import; that is not an error.
    if (meetings.length === 0 && errors.length > 0) throw new Error(errors[0]);
    return { ref, message: null, meetings };
  }
  const { message, meetings } = analyseMessage(await parseMessage(raw), source, ctx);
  return { ref, message, meetings };
}

/** Writes items and adds their counts to `result` only once all are written. */
async function writeItems(
  tx: Queryable,
  items: readonly Prepared[],
  accountId: number,
  config: Config,
  result: IngestBatchResult,
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
  await refreshThreadStates(tx, [...stored.values()].map((s) => s.rowId), meetingIds);
  if (meetingIds.length > 0) {
    // Now that threads know whether they are outreach, meetings can join them.
    await linkMeetingsToOutreach(tx, meetingIds);
    await refreshThreadStates(tx, [], meetingIds);
  }
  result.stored += counts.stored;
  result.duplicates += counts.duplicates;
  result.meetings += counts.meetings;
}

/** Recomputes the outreach state of every thread the batch touched. */
async function refreshThreadStates(tx: Queryable, messageRowIds: number[], meetingIds: number[]): Promise<void> {
  const facts = await loadThreadFacts(tx, messageRowIds, meetingIds);
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

async function analysisContext(deps: IngestDeps): Promise<AnalysisContext> {
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
