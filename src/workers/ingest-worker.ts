import type { Job } from 'bullmq';
import type { Config } from '../config/load-config.ts';
import type { SourceFailure, SourceRef } from '../core/types.ts';
import { analyseCalendar, analyseMessage, type AnalysisContext } from '../ingest/analyse-message.ts';
import { DEFAULT_FREE_MAIL_DOMAINS } from '../ingest/company-from-domain.ts';
import { parseMessage } from '../ingest/parse-message.ts';
import { readSource } from '../integrations/mailbox/index.ts';
import { addUserAddresses } from '../store/account-repository.ts';
import type { Database } from '../store/database.ts';
import { recordFailures } from '../store/failure-repository.ts';
import { recordMeeting } from '../store/meeting-repository.ts';
import { recordMessage } from '../store/message-repository.ts';
import type { IngestBatchData, IngestBatchResult } from './queue-map.ts';

export interface IngestDeps {
  db: Database;
  config: Config;
}

/** A message is new or already stored; a calendar file only adds to `meetings`. */
type Outcome = 'stored' | 'duplicate' | 'calendar';

/**
 * Processes one `ingest-batch` job: reads, parses and stores each referenced message or
 * calendar file in its own transaction, so one bad message costs only itself. Running a
 * job twice stores nothing twice (messages are unique on their Message-ID).
 */
export async function processIngestBatch(
  deps: IngestDeps,
  job: Pick<Job<IngestBatchData>, 'data'>,
): Promise<IngestBatchResult> {
  const ctx = await analysisContext(deps);
  const result: IngestBatchResult = { stored: 0, duplicates: 0, failed: 0, meetings: 0 };
  const failures: SourceFailure[] = [];
  for (const ref of job.data.refs) {
    try {
      const outcome = await ingestOne(deps, ref, job.data.accountId, ctx, result);
      if (outcome === 'stored') result.stored += 1;
      else if (outcome === 'duplicate') result.duplicates += 1;
    } catch (err) {
      if (isTransientDatabaseError(err)) throw err;
      result.failed += 1;
      failures.push({ path: ref.path, position: ref.index, reason: reasonOf(err) });
    }
  }
  await recordFailures(deps.db, failures);
  return result;
}

async function ingestOne(
  deps: IngestDeps,
  ref: SourceRef,
  accountId: number,
  ctx: AnalysisContext,
  result: IngestBatchResult,
): Promise<Outcome> {
  const raw = await readSource(ref);
  const source = ref.format === 'mbox' ? `${ref.path}#${ref.index}` : ref.path;
  if (ref.format === 'ics') {
    const { meetings, errors } = analyseCalendar(raw.toString('utf8'), source, ctx);
    if (meetings.length === 0) throw new Error(errors[0] ?? 'no VEVENT in the calendar file');
    await deps.db.transaction(async (tx) => {
      for (const meeting of meetings) await recordMeeting(tx, meeting, null);
    });
    result.meetings += meetings.length;
    return 'calendar';
  }
  const { message, meetings } = analyseMessage(await parseMessage(raw), source, ctx);
  const isNew = await deps.db.transaction(async (tx) => {
    const stored = await recordMessage(tx, message, {
      accountId,
      subjectWindowDays: deps.config.ingest.threadSubjectWindowDays,
    });
    for (const meeting of meetings) await recordMeeting(tx, meeting, stored.messageRowId);
    return stored.isNew;
  });
  result.meetings += meetings.length;
  return isNew ? 'stored' : 'duplicate';
}

async function analysisContext(deps: IngestDeps): Promise<AnalysisContext> {
  const known = await addUserAddresses(deps.db, []);
  return {
    userAddresses: new Set([...deps.config.user.addresses, ...known]),
    freeMailDomains: [...DEFAULT_FREE_MAIL_DOMAINS, ...deps.config.contacts.extraFreeMailDomains],
    extraRoleLocalParts: deps.config.contacts.extraRoleLocalParts,
    maxParticipantsPerMessage: deps.config.ingest.maxParticipantsPerMessage,
  };
}

/**
 * SQLSTATE classes that say the database, not the message, is the problem (connection
 * lost, server shutting down, out of resources): the job is retried instead.
 */
function isTransientDatabaseError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^(08|53|57|58)/.test(code)) return true;
  return ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(String(code));
}

function reasonOf(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.slice(0, 500);
}
