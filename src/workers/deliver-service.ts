import { countDelivery } from '../observability/metrics.ts';
import { listUnfinishedDeliveries, markDraftsSentByUser } from '../store/delivery-queries.ts';
import type { Queryable } from '../store/database.ts';
import { processDeliverJob, type DeliverDeps } from './deliver-worker.ts';
import type { WrittenChange } from './ingest-worker.ts';
import { serveQueue, type TypedQueue } from './queues.ts';

/** Job options of every deliver job. */
export const DELIVER_JOB_OPTIONS = {
  // Rate limits and uncertain failures are retried; each retry checks the mailbox first.
  attempts: 10,
  backoff: { type: 'exponential' as const, delay: 5_000 },
  // Removed when done or failed, so that a later approval of the same draft is accepted.
  removeOnComplete: true,
  removeOnFail: true,
};

/** One deliver job per draft at a time. */
export function deliverJobId(draftId: number): string {
  return `deliver-${draftId}`;
}

/** What `approveDraft` is given: queues the delivery of a draft, now or at `at`. */
export type ScheduleDelivery = (draftId: number, at: Date | null) => Promise<void>;

/**
 * Schedules deliveries on the queue. A job still waiting for the draft (an earlier
 * approval at another time) is replaced, so the latest approval's time holds; one that
 * is running is left to finish.
 */
export function scheduleDelivery(queue: TypedQueue<'deliver'>): ScheduleDelivery {
  return async (draftId, at) => {
    const waiting = await queue.getJob(deliverJobId(draftId));
    if (waiting && ((await waiting.isDelayed()) || (await waiting.isWaiting()))) await waiting.remove().catch(() => undefined);
    await addDeliverJob(queue, draftId, at);
  };
}

/** Adds the draft's deliver job unless one is already queued or running. */
async function addDeliverJob(queue: TypedQueue<'deliver'>, draftId: number, at: Date | null): Promise<void> {
  const delay = at ? Math.max(0, at.getTime() - Date.now()) : 0;
  await queue.add('deliver', { draftId }, { ...DELIVER_JOB_OPTIONS, jobId: deliverJobId(draftId), delay });
}

/**
 * Queues a job for every draft approved or part way through delivery: those whose job
 * was lost (Redis emptied, retries used up, an account reconnected). Jobs already queued
 * stay as they are. Also completes mailbox drafts the user sent while rapport was not
 * looking. Returns how many drafts it queued.
 */
export async function resumeDeliveries(queue: TypedQueue<'deliver'>, db: Queryable): Promise<number> {
  await markDraftsSentByUser(db, null);
  const unfinished = await listUnfinishedDeliveries(db);
  for (const { draftId, sendAt } of unfinished) await addDeliverJob(queue, draftId, sendAt);
  return unfinished.length;
}

/**
 * For `IngestDeps.onWritten`: when ingest stores a message carrying a draft's own
 * Message-ID, that draft went out. This is how a draft put in the user's Drafts folder
 * becomes delivered once they send it from their mail client.
 */
export function deliveryOnWritten(db: Queryable): (change: WrittenChange) => Promise<void> {
  return async (change) => {
    await markDraftsSentByUser(db, change.messageRowIds);
  };
}

/** A running deliver worker in this process, the queue it serves, and the scheduler for approvals. */
export interface DeliverService {
  queue: TypedQueue<'deliver'>;
  scheduleDelivery: ScheduleDelivery;
  /** Queues again every delivery that is due but has no job (after Redis lost its data). */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a worker on the `deliver` queue in this process, then queues every delivery that
 * is due but has no job (see resumeDeliveries).
 */
export async function startDeliverService(
  deps: DeliverDeps,
  options: { concurrency?: number; lockDuration?: number; stalledInterval?: number } = {},
): Promise<DeliverService> {
  const served = serveQueue(
    'deliver',
    (job, token) => processDeliverJob(deps, job, token).then((result) => (countDelivery(result.status), result)),
    { redis: deps.redis, prefix: deps.config.queuePrefix },
    { ...options, defaultConcurrency: 2 },
  );
  const queue = served.queue;
  const service: DeliverService = {
    queue,
    scheduleDelivery: scheduleDelivery(queue),
    restore: async () => void (await resumeDeliveries(queue, deps.db)),
    close: served.close,
  };
  try {
    await resumeDeliveries(queue, deps.db);
  } catch (err) {
    await service.close();
    throw err;
  }
  return service;
}
