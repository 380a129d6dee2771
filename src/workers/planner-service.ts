import { createHash, randomUUID } from 'node:crypto';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.ts';
import type { Database } from '../store/database.ts';
import { rendererForConfig } from '../templates/index.ts';
import type { WrittenChange } from './ingest-worker.ts';
import type { PlannerDeps } from './planner-context.ts';
import { PLAN_JOB_OPTIONS, queueScheduler } from './planner-jobs.ts';
import { processPlanJob } from './planner-worker.ts';
import type { PlanJobResult } from './queue-map.ts';
import { serveQueue, type TypedQueue } from './queues.ts';

/** How often the planner looks at everything due, in case a delayed job was lost. */
export const DEFAULT_SCAN_MINUTES = 15;
/** Ids per `changed` job: a full sync's thousands of messages become a few small jobs. */
const CHANGED_CHUNK = 500;

export interface PlannerServiceDeps {
  config: Config;
  db: Database;
  redis: Redis;
  /** The planner's clock (tests move it); real time when absent. */
  now?: () => Date;
  /** Where reminders and planning problems are told; standard error when absent. */
  log?: (line: string) => void;
}

/** A running planner worker in this process, and the queue it serves. */
export interface PlannerService {
  queue: TypedQueue<'plan'>;
  deps: PlannerDeps;
  /** Queues a scan and waits for it (after an import, and in tests). */
  scanNow(): Promise<PlanJobResult>;
  /** Schedules the periodic scan again and scans now (after Redis lost its data, delayed plans included). */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a worker on the `plan` queue, schedules the periodic scan (one scheduler id for
 * every process, so several processes add one schedule) and runs a first scan now, which
 * picks up whatever was due while rapport was not running.
 */
export async function startPlannerService(
  deps: PlannerServiceDeps,
  options: { concurrency?: number; scanEveryMs?: number; lockDuration?: number; stalledInterval?: number } = {},
): Promise<PlannerService> {
  const prefix = deps.config.queuePrefix;
  const now = deps.now ?? (() => new Date());
  const renderer = rendererForConfig(deps.config);
  const log = deps.log ?? ((line: string) => process.stderr.write(`rapport planner: ${line}\n`));
  for (const problem of renderer.check()) log(`${problem.message} Drafts of that kind cannot be made until it is fixed.`);
  // The worker fetches its first job asynchronously, after plannerDeps is set below.
  const ready: { deps?: PlannerDeps } = {};
  const served = serveQueue(
    'plan',
    (job, token) => processPlanJob(ready.deps!, job, token),
    { redis: deps.redis, prefix },
    { ...options, defaultConcurrency: 1 },
  );
  const queue = served.queue;
  const plannerDeps: PlannerDeps = { db: deps.db, config: deps.config, renderer, scheduler: queueScheduler(queue, now), now, log };
  ready.deps = plannerDeps;
  served.worker.on('failed', (job, err) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) log(`The ${job.name} job ${job.id} failed: ${err.message}`);
  });
  const scheduleScans = async (jobId: string) => {
    await queue.upsertJobScheduler(
      'scan',
      { every: options.scanEveryMs ?? DEFAULT_SCAN_MINUTES * 60_000 },
      { name: 'scan', data: {}, opts: { removeOnComplete: true, removeOnFail: true } },
    );
    await queue.add('scan', {}, { ...PLAN_JOB_OPTIONS, jobId });
  };
  await scheduleScans('scan-at-start');
  let events: QueueEvents | null = null;
  let eventsConnection: Redis | null = null;
  return {
    queue,
    deps: plannerDeps,
    restore: () => scheduleScans('scan-after-reconnect'),
    async scanNow() {
      if (!events) {
        // QueueEvents blocks its connection while it reads; BullMQ does not close one it was given.
        eventsConnection = deps.redis.duplicate();
        events = new QueueEvents('plan', { connection: eventsConnection, prefix });
        await events.waitUntilReady();
      }
      const job = await queue.add('scan', {}, { ...PLAN_JOB_OPTIONS, attempts: 1, jobId: `scan-now-${randomUUID()}` });
      return (await job.waitUntilFinished(events)) as PlanJobResult;
    },
    async close() {
      await events?.close();
      (eventsConnection as Redis | null)?.disconnect();
      await served.close();
    },
  };
}

/**
 * An `onWritten` handler for ingest (`IngestDeps.onWritten`): each committed write
 * becomes `changed` jobs, so the planner follows new meetings, replies and thank-yous
 * within moments instead of at the next scan.
 */
export function plannerOnWritten(queue: TypedQueue<'plan'>): (change: WrittenChange) => Promise<void> {
  return async (change) => {
    const messages = chunks(change.messageRowIds);
    const meetings = chunks(change.meetingIds);
    for (let i = 0; i < Math.max(messages.length, meetings.length); i += 1) {
      const data = { messageRowIds: messages[i] ?? [], meetingIds: meetings[i] ?? [] };
      const jobId = `changed-${createHash('sha1').update(JSON.stringify(data)).digest('hex')}`;
      await queue.add('changed', data, { ...PLAN_JOB_OPTIONS, jobId });
    }
  };
}

function chunks(ids: readonly number[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < ids.length; i += CHANGED_CHUNK) out.push(ids.slice(i, i + CHANGED_CHUNK));
  return out;
}
