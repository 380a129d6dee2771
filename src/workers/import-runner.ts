import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Config } from '../config/load-config.ts';
import type { SourceFailure, SourceRef } from '../core/types.ts';
import { loadDetectConfig } from '../config/load-detect-config.ts';
import { RuleClassifier } from '../detect/rule-classifier.ts';
import { oneAtATime } from '../core/one-at-a-time.ts';
import { PrepareThread } from '../ingest/prepare-thread.ts';
import { scanExport } from '../integrations/mailbox/index.ts';
import { addUserAddresses, ensureAccount } from '../store/account-repository.ts';
import type { Database } from '../store/database.ts';
import { listFailures, recordFailures } from '../store/failure-repository.ts';
import { processIngestBatch } from './ingest-worker.ts';
import type { IngestBatchResult } from './queue-map.ts';
import { openQueue, startWorker, type TypedQueue } from './queues.ts';

export interface ImportProgress {
  /** Messages and calendar files found so far (grows while the export is scanned). */
  found: number;
  /** Of those, how many have been processed. */
  done: number;
  stored: number;
  duplicates: number;
  failed: number;
  meetings: number;
}

export interface ImportSummary extends ImportProgress {
  elapsedMs: number;
  failures: SourceFailure[];
  /** Batches the prepare thread could not finish, prepared on the main thread instead. */
  preparedHere: { batches: number; reason: string } | null;
}

export interface ImportDeps {
  db: Database;
  redis: Redis;
  config: Config;
}

/**
 * Imports mailbox exports: scans them, queues batches of references on the ingest queue,
 * and runs an ingest worker in this process until every batch is done. Memory stays flat
 * because the scanner waits while enough batches are queued.
 */
export async function runImport(
  deps: ImportDeps,
  paths: readonly string[],
  meAddresses: readonly string[],
  onProgress: (p: ImportProgress) => void = () => undefined,
): Promise<ImportSummary> {
  const startedAt = new Date();
  const known = await addUserAddresses(deps.db, meAddresses);
  const accountId = await ensureAccount(deps.db, 'mailbox', known[0] ?? 'export');
  const progress: ImportProgress = { found: 0, done: 0, stored: 0, duplicates: 0, failed: 0, meetings: 0 };
  const tracker = new BatchTracker(progress, onProgress);
  const prepareThread = deps.config.ingest.prepareThread ? new PrepareThread() : undefined;
  let preparedHere: ImportSummary['preparedHere'] = null;
  const onPrepareFallback = (reason: string) => {
    preparedHere = { batches: (preparedHere?.batches ?? 0) + 1, reason };
  };
  const { queue, worker } = startIngest({ ...deps, onPrepareFallback }, tracker, prepareThread);
  try {
    await queueBatches(deps, queue, tracker, paths, accountId);
    await tracker.allDone();
  } finally {
    await worker.close();
    await queue.close();
    await prepareThread?.close();
  }
  return {
    ...progress,
    elapsedMs: Date.now() - startedAt.getTime(),
    failures: await listFailures(deps.db, startedAt),
    preparedHere,
  };
}

function startIngest(
  deps: ImportDeps & { onPrepareFallback: (reason: string) => void },
  tracker: BatchTracker,
  prepareThread: PrepareThread | undefined,
) {
  const prefix = deps.config.queuePrefix;
  const queue = openQueue('ingest', deps.redis, prefix);
  const classifier = new RuleClassifier(loadDetectConfig());
  const writeInTurn = oneAtATime();
  const ingest = startWorker('ingest', (job) => processIngestBatch({ ...deps, classifier, prepareThread, writeInTurn }, job), {
    connection: deps.redis,
    prefix,
    concurrency: deps.config.ingest.concurrency,
  });
  const worker = ingest.worker;
  worker.on('completed', (job, result) => tracker.finish(job.id!, result));
  worker.on('failed', (job, err) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
      void tracker.fail(deps.db, job.id!, job.data.refs, err.message);
    }
  });
  worker.on('error', () => undefined); // connection hiccups: BullMQ reconnects by itself
  return { queue, worker: ingest };
}

async function queueBatches(
  deps: ImportDeps,
  queue: TypedQueue<'ingest'>,
  tracker: BatchTracker,
  paths: readonly string[],
  accountId: number,
): Promise<void> {
  const maxQueued = deps.config.ingest.concurrency * 2 + 2;
  let batch: SourceRef[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const refs = batch;
    batch = [];
    await tracker.waitBelow(maxQueued);
    const jobId = `ingest-${createHash('sha1').update(JSON.stringify(refs)).digest('hex')}`;
    tracker.start(jobId, refs.length);
    await queue.add('ingest-batch', { accountId, refs }, {
      jobId,
      attempts: 3,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: true,
      removeOnFail: true,
    });
  };
  for await (const item of scanExport([...paths])) {
    if ('failure' in item) {
      await recordFailures(deps.db, [item.failure]);
      tracker.scanFailure();
      continue;
    }
    batch.push(item.ref);
    tracker.found();
    if (batch.length >= deps.config.ingest.batchSize) await flush();
  }
  await flush();
}

/** Counts what the worker finished and lets the scanner and the caller wait on it. */
class BatchTracker {
  private readonly pending = new Map<string, number>();
  private waiters: (() => void)[] = [];

  constructor(
    private readonly progress: ImportProgress,
    private readonly report: (p: ImportProgress) => void,
  ) {}

  found(): void {
    this.progress.found += 1;
  }

  scanFailure(): void {
    this.progress.found += 1;
    this.progress.done += 1;
    this.progress.failed += 1;
    this.report({ ...this.progress });
  }

  start(jobId: string, size: number): void {
    this.pending.set(jobId, (this.pending.get(jobId) ?? 0) + size);
  }

  finish(jobId: string, r: IngestBatchResult): void {
    const size = this.pending.get(jobId);
    if (size === undefined) return;
    this.pending.delete(jobId);
    this.progress.done += size;
    this.progress.stored += r.stored;
    this.progress.duplicates += r.duplicates;
    this.progress.failed += r.failed;
    this.progress.meetings += r.meetings;
    this.report({ ...this.progress });
    this.wake();
  }

  async fail(db: Database, jobId: string, refs: SourceRef[], reason: string): Promise<void> {
    await recordFailures(db, refs.map((r) => ({ path: r.path, position: r.index, reason })));
    this.finish(jobId, { stored: 0, duplicates: 0, failed: refs.length, meetings: 0 });
  }

  async waitBelow(limit: number): Promise<void> {
    while (this.pending.size >= limit) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  async allDone(): Promise<void> {
    await this.waitBelow(1);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }
}
