import { describeError, summaryOf } from './log-safety.ts';
import { logger } from './logger.ts';
import { countJob } from './metrics.ts';

/** What a job event tells (a BullMQ `Job`). */
export interface ObservedJob {
  id?: string;
  name: string;
  data: unknown;
  attemptsMade: number;
  opts: { attempts?: number };
  processedOn?: number;
  finishedOn?: number;
}

/** What a worker emits (a BullMQ `Worker`). */
export interface ObservedWorker {
  on(event: 'completed', listener: (job: ObservedJob, result: unknown) => void): unknown;
  on(event: 'failed', listener: (job: ObservedJob | undefined, err: Error) => void): unknown;
}

/**
 * Counts and logs every job a worker of `queue` ends: completed at info, an attempt that
 * will be retried at warn, a final failure at error. What is logged is the job's id, name,
 * attempt, duration, its data's and result's ids and counts, and the error's message:
 * never a payload's content.
 */
export function observeJobs(queue: string, worker: ObservedWorker): void {
  const log = logger('worker');
  worker.on('completed', (job, result) => {
    const ms = elapsedMs(job);
    countJob(queue, 'completed', ms / 1000);
    log.info({ queue, jobId: job.id, job: job.name, attempt: job.attemptsMade, ms, data: summaryOf(job.data), result: summaryOf(result) }, 'job completed');
  });
  worker.on('failed', (job, err) => {
    const final = !job || err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    const ms = job ? elapsedMs(job) : 0;
    countJob(queue, 'failed', ms / 1000, final);
    const fields = { queue, jobId: job?.id, job: job?.name, attempt: job?.attemptsMade, ms, data: summaryOf(job?.data), err: describeError(err) };
    if (final) log.error(fields, 'job failed, no attempt left');
    else log.warn(fields, 'job failed, will be retried');
  });
}

function elapsedMs(job: ObservedJob): number {
  return job.processedOn ? Math.max(0, (job.finishedOn ?? Date.now()) - job.processedOn) : 0;
}

/**
 * A listener for a worker's or queue's `error` events (Redis connection trouble, which
 * BullMQ recovers from by itself): logged at warn, the same message at most once a minute.
 */
export function redisErrorLogger(queue: string): (err: Error) => void {
  const log = logger('queue');
  let last = '';
  let lastAt = 0;
  return (err) => {
    const now = Date.now();
    if (err.message === last && now - lastAt < 60_000) return;
    last = err.message;
    lastAt = now;
    log.warn({ queue, err: describeError(err) }, 'queue lost its connection to Redis; it reconnects by itself');
  };
}
