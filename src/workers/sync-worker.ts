import { randomBytes, randomUUID } from 'node:crypto';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { ReauthRequiredError } from '../core/errors.ts';
import { countSync } from '../observability/metrics.ts';
import type { CallPolicy } from '../integrations/google/google-call.ts';
import type { GoogleSession } from '../integrations/google/google-session.ts';
import { syncGmailMail, type SyncProgress } from '../integrations/google/gmail-mail-sync.ts';
import { openCalendarChannel, stopCalendarChannel, syncGoogleCalendar } from '../integrations/google/calendar-sync.ts';
import { renewGmailWatch } from '../integrations/google/gmail-watch.ts';
import {
  findAccount,
  listAccounts,
  saveCalendarCursor,
  saveMailCursor,
  setSyncProgress,
  setPushChannel,
  setSyncStatus,
  setWatchExpiry,
  type AccountRow,
} from '../store/account-repository.ts';
import type { SecretBox } from '../store/secret-box.ts';
import { calendarSinkFor, mailSinkFor } from './account-sinks.ts';
import type { IngestDeps } from './ingest-worker.ts';
import type { SyncJobData, SyncJobName, SyncJobResult } from './queue-map.ts';
import type { TypedQueue } from './queues.ts';
import { openAccountSession, openOutlookAccountSession } from './account-session.ts';
import { syncOutlookMail } from '../integrations/outlook/outlook-mail-sync.ts';
import { syncOutlookCalendar } from '../integrations/outlook/outlook-calendar-sync.ts';
import type { OutlookSession } from '../integrations/outlook/outlook-session.ts';
import { ensureMailSubscription } from '../integrations/outlook/outlook-subscriptions.ts';

export interface SyncDeps extends IngestDeps {
  redis: Redis;
  secrets: SecretBox;
  /** Tests shorten the back-off; everything else uses the defaults. */
  callPolicy?: Partial<Omit<CallPolicy, 'gate'>>;
  now?: () => Date;
}

/** Job options of every sync job: one job id per account and kind keeps syncs one at a time. */
export const SYNC_JOB_OPTIONS = {
  attempts: 6,
  backoff: { type: 'exponential' as const, delay: 2_000 },
  // Removed when done or failed, so that the next request with the same id is accepted.
  removeOnComplete: true,
  removeOnFail: true,
};

/** The job id that makes a second request for the same sync a no-op while one waits. */
export function syncJobId(kind: Exclude<SyncJobName, 'poll'>, accountId: number): string {
  return `${kind}-${accountId}`;
}

/**
 * Asks for a sync of one account. While one is queued, asking again adds nothing; while
 * one runs, asking again leaves a note that makes it run once more when it ends, so a
 * push that arrives during a sync is never lost.
 */
export async function requestSync(
  queue: TypedQueue<'sync'>,
  redis: Redis,
  prefix: string,
  kind: Exclude<SyncJobName, 'poll'>,
  accountId: number,
): Promise<string> {
  await redis.set(againKey(prefix, kind, accountId), '1', 'EX', 3600);
  const jobId = syncJobId(kind, accountId);
  await queue.add(kind, { accountId }, { ...SYNC_JOB_OPTIONS, jobId });
  return jobId;
}

/** Providers whose accounts the sync worker brings in. */
const SYNCED_PROVIDERS = new Set(['gmail', 'outlook']);

const againKey = (prefix: string, kind: string, accountId: number) => `${prefix}:sync-again:${kind}:${accountId}`;

/** Processes one job of the `sync` queue. */
export async function processSyncJob(
  deps: SyncDeps,
  job: Pick<Job<SyncJobData, SyncJobResult, SyncJobName>, 'name' | 'data' | 'updateProgress'>,
  queue?: TypedQueue<'sync'>,
): Promise<SyncJobResult> {
  if (job.name === 'poll') return pollAll(deps, queue);
  const account = job.data.accountId === undefined ? null : await findAccount(deps.db, job.data.accountId);
  if (!account || !SYNCED_PROVIDERS.has(account.provider) || !account.tokensSealed) return { status: 'skipped' };
  // A revoked account waits for the user to reconnect; syncing it would only fail again.
  if (account.syncStatus === 'needs_reauth') return { status: 'needs_reauth' };
  const again = againKey(deps.config.queuePrefix, job.name, account.id);
  try {
    let result: SyncJobResult;
    let current = account;
    for (;;) {
      await deps.redis.del(again);
      if (current.provider === 'outlook') {
        const session = openOutlookAccountSession(deps, current);
        result = job.name === 'mail' ? await syncOutlookMailbox(deps, current, session, job) : await syncOutlookEvents(deps, current, session);
      } else {
        const session = openAccountSession(deps, current);
        result = job.name === 'mail' ? await syncMail(deps, current, session, job) : await syncCalendar(deps, current, session);
      }
      countSync(current.provider, job.name, result.mode ?? result.status);
      if ((await deps.redis.exists(again)) === 0) return result;
      current = (await findAccount(deps.db, account.id)) ?? current;
    }
  } catch (err) {
    countSync(account.provider, job.name, err instanceof ReauthRequiredError ? 'needs_reauth' : 'failed');
    if (err instanceof ReauthRequiredError) {
      await setSyncStatus(deps.db, account.id, 'needs_reauth', err.message);
      throw new UnrecoverableError(err.message);
    }
    await setSyncStatus(deps.db, account.id, 'error', err instanceof Error ? err.message : String(err));
    throw err;
  }
}

/** The first (or a full) mail sync reads back this far, whichever the provider. */
function mailWindowStart(deps: SyncDeps, now: Date): Date {
  const start = new Date(now);
  start.setUTCMonth(start.getUTCMonth() - deps.config.sync.mailWindowMonths);
  return start;
}

/** The calendar is read from `calendarPastDays` ago to `calendarFutureDays` ahead. */
function calendarWindow(deps: SyncDeps, now: Date): { windowStart: Date; windowEnd: Date } {
  return {
    windowStart: new Date(now.getTime() - deps.config.sync.calendarPastDays * 86_400_000),
    windowEnd: new Date(now.getTime() + deps.config.sync.calendarFutureDays * 86_400_000),
  };
}

/** The account's mail sink, reporting progress on the job (for `rapport sync`'s bar). */
function progressingSink(deps: SyncDeps, account: AccountRow, job: Pick<Job, 'updateProgress'>) {
  return mailSinkFor(deps, account, (update: SyncProgress) => void job.updateProgress({ ...update }).catch(() => undefined));
}

/** Keeps where the mail sync got to (only once it is done: see the sync modules) and says it is done. */
async function finishMailSync(deps: SyncDeps, account: AccountRow, result: { cursor: string; fetched: number }): Promise<void> {
  await saveMailCursor(deps.db, account.id, result.cursor);
  await setSyncProgress(deps.db, account.id, { phase: 'done', done: result.fetched, total: result.fetched });
}

async function syncMail(
  deps: SyncDeps,
  account: AccountRow,
  session: GoogleSession,
  job: Pick<Job, 'updateProgress'>,
): Promise<SyncJobResult> {
  const now = deps.now?.() ?? new Date();
  const result = await syncGmailMail(
    session,
    account.mailCursor,
    { windowStart: mailWindowStart(deps, now), skipCategories: deps.config.sync.skipCategories, concurrency: deps.config.google.concurrency },
    progressingSink(deps, account, job),
  );
  await finishMailSync(deps, account, result);
  const topic = deps.config.google.pubsubTopic;
  // Google asks for a daily renewal; a watch lasts 7 days.
  if (topic && (!account.watchExpiresAt || account.watchExpiresAt.getTime() - now.getTime() < 6 * 86_400_000)) {
    await setWatchExpiry(deps.db, account.id, await renewGmailWatch(session, topic));
  }
  return { status: 'synced', mode: result.mode, stored: result.fetched, removed: result.removed };
}

async function syncCalendar(deps: SyncDeps, account: AccountRow, session: GoogleSession): Promise<SyncJobResult> {
  const now = deps.now?.() ?? new Date();
  const window = calendarWindow(deps, now);
  const result = await syncGoogleCalendar(session, account.calendarCursor, window, calendarSinkFor(deps, account, window.windowStart));
  await saveCalendarCursor(deps.db, account.id, result.cursor);
  await renewCalendarChannel(deps, account, session, now);
  return { status: 'synced', mode: result.mode, stored: result.upserted, removed: result.cancelled };
}

/** Outlook's mail: one delta cursor per folder, over the same window as Gmail. */
async function syncOutlookMailbox(
  deps: SyncDeps,
  account: AccountRow,
  session: OutlookSession,
  job: Pick<Job, 'updateProgress'>,
): Promise<SyncJobResult> {
  const now = deps.now?.() ?? new Date();
  const microsoft = deps.config.microsoft;
  const result = await syncOutlookMail(
    session,
    account.mailCursor,
    { windowStart: mailWindowStart(deps, now), folders: microsoft.folders, concurrency: microsoft.maxConcurrent },
    progressingSink(deps, account, job),
  );
  await finishMailSync(deps, account, result);
  await renewOutlookSubscription(deps, account, session, now);
  return { status: 'synced', mode: result.mode, stored: result.fetched, removed: result.removed };
}

/**
 * Keeps a mail subscription open when rapport has a public address to be called at: it
 * is renewed before it lapses, and re-created once a lifecycle notification (or Graph)
 * says it is gone. It is kept in the account's push-channel column.
 */
async function renewOutlookSubscription(deps: SyncDeps, account: AccountRow, session: OutlookSession, now: Date): Promise<void> {
  const base = deps.config.http.publicUrl;
  if (!base) return;
  const microsoft = deps.config.microsoft;
  const next = await ensureMailSubscription(session, account.id, account.pushChannel, {
    notificationUrl: new URL('/webhooks/outlook', base).toString(),
    lifecycleUrl: new URL('/webhooks/outlook/lifecycle', base).toString(),
    minutes: microsoft.subscriptionMinutes,
    renewBeforeMinutes: microsoft.renewBeforeMinutes,
    now,
  });
  if (next !== account.pushChannel) await setPushChannel(deps.db, account.id, next);
}

/** Outlook's calendar: calendarView delta over the same window as Google's. */
async function syncOutlookEvents(deps: SyncDeps, account: AccountRow, session: OutlookSession): Promise<SyncJobResult> {
  const window = calendarWindow(deps, deps.now?.() ?? new Date());
  const result = await syncOutlookCalendar(session, account.calendarCursor, window, calendarSinkFor(deps, account, window.windowStart));
  await saveCalendarCursor(deps.db, account.id, result.cursor);
  return { status: 'synced', mode: result.mode, stored: result.upserted, removed: result.cancelled };
}

/**
 * Keeps a push channel open on the calendar when rapport has a public address to be
 * called at (Google delivers only to HTTPS). The new channel opens before the old stops.
 */
async function renewCalendarChannel(deps: SyncDeps, account: AccountRow, session: GoogleSession, now: Date): Promise<void> {
  const base = deps.config.http.publicUrl;
  const old = account.pushChannel;
  if (!base || (old && Date.parse(old.expiresAt) - now.getTime() > 86_400_000)) return;
  const token = `acct=${account.id};${randomBytes(16).toString('hex')}`;
  const address = new URL('/webhooks/google-calendar', base).toString();
  const channel = await openCalendarChannel(session, address, randomUUID(), token);
  await setPushChannel(deps.db, account.id, channel);
  if (old) await stopCalendarChannel(session, old).catch(() => undefined);
}

/** The scheduled poll: a sync of mail and calendar for every connected, working account. */
async function pollAll(deps: SyncDeps, queue: TypedQueue<'sync'> | undefined): Promise<SyncJobResult> {
  if (!queue) return { status: 'skipped' };
  let requested = 0;
  for (const account of await listAccounts(deps.db)) {
    if (!SYNCED_PROVIDERS.has(account.provider) || account.syncStatus === 'needs_reauth' || !account.tokensSealed) continue;
    await requestSync(queue, deps.redis, deps.config.queuePrefix, 'mail', account.id);
    await requestSync(queue, deps.redis, deps.config.queuePrefix, 'calendar', account.id);
    requested += 2;
  }
  return { status: 'polled', requested };
}
