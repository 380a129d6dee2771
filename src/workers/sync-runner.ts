import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.ts';
import { loadDetectConfig } from '../config/load-detect-config.ts';
import { RuleClassifier } from '../detect/rule-classifier.ts';
import type { Database } from '../store/database.ts';
import type { SecretBox } from '../store/secret-box.ts';
import type { SyncJobResult } from './queue-map.ts';
import { serveQueue, type TypedQueue } from './queues.ts';
import { processSyncJob, requestSync, syncJobId, type SyncDeps } from './sync-worker.ts';

export interface SyncRunnerDeps {
  config: Config;
  db: Database;
  redis: Redis;
  secrets: SecretBox;
  callPolicy?: SyncDeps['callPolicy'];
  /** The clock that windows are measured from (tests fix it). */
  now?: () => Date;
  /** Told what each write stored, so planned work and deliveries can follow. */
  onWritten?: SyncDeps['onWritten'];
}

/** A running sync worker in this process, and the queue it serves. */
export interface SyncService {
  queue: TypedQueue<'sync'>;
  deps: SyncDeps;
  close(): Promise<void>;
}

/** Starts a worker on the `sync` queue in this process (one job per account and kind at a time). */
export function startSyncService(
  deps: SyncRunnerDeps,
  options: { concurrency?: number; lockDuration?: number; stalledInterval?: number } = {},
): SyncService {
  const syncDeps: SyncDeps = { ...deps, classifier: new RuleClassifier(loadDetectConfig()) };
  // The poll job asks for syncs on this same queue (the processor runs only once it is served).
  const served: ReturnType<typeof serveQueue<'sync'>> = serveQueue(
    'sync',
    (job) => processSyncJob(syncDeps, job, served.queue),
    { redis: deps.redis, prefix: deps.config.queuePrefix },
    // A sync spends most of its time waiting on the provider, Redis and the database: with
    // 8 at once one process keeps a core busy and accounts share it (50 accounts: 506
    // msg/s and the slowest at 0.65 of the median, against 344 and 0.51 with 2;
    // bench/README.md). Each account's own quota still holds.
    { ...options, defaultConcurrency: 8 },
  );
  return { queue: served.queue, deps: syncDeps, close: served.close };
}

export interface SyncOutcome {
  mail: SyncJobResult | Error;
  calendar: SyncJobResult | Error;
}

/**
 * Syncs one account now, mail and calendar, and waits for both; `onProgress` gets the
 * mail sync's progress. Works whether this process or another rapport process takes the
 * jobs, since progress and results come through Redis.
 */
export async function runAccountSync(
  service: SyncService,
  accountId: number,
  onProgress: (p: { phase: string; done: number; total: number }) => void = () => undefined,
): Promise<SyncOutcome> {
  const { config, redis } = service.deps;
  // QueueEvents blocks its connection while it reads; BullMQ does not close one it was given.
  const connection = redis.duplicate();
  const events = new QueueEvents('sync', { connection, prefix: config.queuePrefix });
  await events.waitUntilReady();
  try {
    const ids = { mail: syncJobId('mail', accountId), calendar: syncJobId('calendar', accountId) };
    events.on('progress', ({ jobId, data }) => {
      if (jobId === ids.mail && typeof data === 'object' && data !== null) onProgress(data as { phase: string; done: number; total: number });
    });
    // Listening before asking, so that a quick job cannot finish unseen.
    const done = Promise.all([waitFor(events, ids.mail), waitFor(events, ids.calendar)]);
    await requestSync(service.queue, redis, config.queuePrefix, 'mail', accountId);
    await requestSync(service.queue, redis, config.queuePrefix, 'calendar', accountId);
    const [mail, calendar] = await done;
    return { mail, calendar };
  } finally {
    await events.close();
    connection.disconnect();
  }
}

/** Resolves with the job's result or error; jobs are removed when done, so listen first, then check. */
async function waitFor(events: QueueEvents, jobId: string): Promise<SyncJobResult | Error> {
  return new Promise((resolve) => {
    const onCompleted = ({ jobId: id, returnvalue }: { jobId: string; returnvalue: unknown }) => {
      if (id !== jobId) return;
      cleanup();
      resolve((typeof returnvalue === 'string' ? JSON.parse(returnvalue) : returnvalue) as SyncJobResult);
    };
    const onFailed = ({ jobId: id, failedReason }: { jobId: string; failedReason: string }) => {
      // Only a job's last failure is published as `failed`; retries are `delayed`.
      if (id !== jobId) return;
      cleanup();
      resolve(new Error(failedReason));
    };
    const cleanup = () => {
      events.off('completed', onCompleted);
      events.off('failed', onFailed);
    };
    events.on('completed', onCompleted);
    events.on('failed', onFailed);
  });
}

/**
 * The fallback poll: every `minutes`, a `poll` job asks for a sync of every connected
 * account. One scheduler id for every process, so running several adds one schedule.
 */
export async function schedulePolling(service: SyncService, minutes: number): Promise<void> {
  await service.queue.upsertJobScheduler(
    'poll',
    { every: Math.round(minutes * 60_000) },
    { name: 'poll', data: {}, opts: { removeOnComplete: true, removeOnFail: true } },
  );
}
