import { Queue, Worker, type Processor } from 'bullmq';
import type { Redis } from 'ioredis';
import { observeJobs, redisErrorLogger } from '../observability/job-events.ts';
import type { JobTypes, QueueName } from './queue-map.ts';

/** A queue typed by the map: its job name, payload and result come from `JobTypes`. */
export type TypedQueue<Q extends QueueName> = Queue<JobTypes[Q]['data'], JobTypes[Q]['result'], JobTypes[Q]['name']>;
export type TypedWorker<Q extends QueueName> = Worker<JobTypes[Q]['data'], JobTypes[Q]['result'], JobTypes[Q]['name']>;

/** Opens the named queue under rapport's key prefix. */
export function openQueue<Q extends QueueName>(name: Q, connection: Redis, prefix: string): TypedQueue<Q> {
  return new Queue(name, { connection, prefix });
}

/**
 * Starts a worker on the named queue. It gets a connection of its own, because a worker
 * blocks its connection while it waits for jobs; `close` ends both.
 */
export function startWorker<Q extends QueueName>(
  name: Q,
  processor: Processor<JobTypes[Q]['data'], JobTypes[Q]['result'], JobTypes[Q]['name']>,
  options: {
    connection: Redis;
    prefix: string;
    concurrency: number;
    /** How long a job's lock lasts without renewal: a worker that dies frees its job after this. */
    lockDuration?: number;
    /** How often stalled jobs (of dead workers) are looked for and put back. */
    stalledInterval?: number;
  },
): { worker: TypedWorker<Q>; close(): Promise<void> } {
  const connection = options.connection.duplicate();
  const worker: TypedWorker<Q> = new Worker(name, processor, {
    connection,
    prefix: options.prefix,
    concurrency: options.concurrency,
    ...(options.lockDuration ? { lockDuration: options.lockDuration } : {}),
    ...(options.stalledInterval ? { stalledInterval: options.stalledInterval } : {}),
  });
  // Every in-process worker opens here: the one place that counts and logs jobs per queue.
  observeJobs(name, worker);
  return {
    worker,
    async close() {
      await worker.close();
      connection.disconnect();
    },
  };
}

/** How a queue's worker runs in this process. */
export interface ServeOptions {
  concurrency?: number;
  lockDuration?: number;
  stalledInterval?: number;
}

/**
 * Opens the named queue and starts a worker on it in this process: the shape every
 * rapport service has. `close` stops the worker (letting running jobs finish), then the queue.
 */
export function serveQueue<Q extends QueueName>(
  name: Q,
  processor: Processor<JobTypes[Q]['data'], JobTypes[Q]['result'], JobTypes[Q]['name']>,
  where: { redis: Redis; prefix: string },
  options: ServeOptions & { defaultConcurrency: number },
): { queue: TypedQueue<Q>; worker: TypedWorker<Q>; close(): Promise<void> } {
  const queue = openQueue(name, where.redis, where.prefix);
  const worker = startWorker(name, processor, {
    connection: where.redis,
    prefix: where.prefix,
    concurrency: options.concurrency ?? options.defaultConcurrency,
    lockDuration: options.lockDuration,
    stalledInterval: options.stalledInterval,
  });
  worker.worker.on('error', redisErrorLogger(name)); // connection hiccups: BullMQ reconnects by itself
  return {
    queue,
    worker: worker.worker,
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
