import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { SourceRef } from '../core/types.ts';
import type { AnalysisContext } from './analyse-message.ts';
import type { PreparedItem } from './prepare-item.ts';

/** What the prepare thread needs to know besides the refs: the analysis settings. */
export type AnalysisSettings = Omit<AnalysisContext, 'classifier'>;

export interface PrepareRequest {
  id: number;
  refs: SourceRef[];
  settings: AnalysisSettings;
}

export type PrepareReply = { id: number; results: PreparedItem[] } | { id: number; error: string };

/**
 * A worker thread that reads, parses and analyses batches of an import, so that the main
 * thread only writes to the database: with the embedded engine, writing and parsing
 * otherwise share one core while the other waits. Classifies with the rules of
 * config/detect.yaml, as the import does. If the thread dies (out of memory on a huge
 * message, say), the batches it held are rejected and the next call starts a new one.
 */
export class PrepareThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve: (r: PreparedItem[]) => void; reject: (e: Error) => void }>();
  private nextId = 1;

  /** `limits` bounds the thread's heap; a batch that needs more fails on it. */
  constructor(private readonly limits: ResourceLimits = {}) {}

  prepare(refs: SourceRef[], settings: AnalysisSettings): Promise<PreparedItem[]> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, refs, settings } satisfies PrepareRequest);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.terminate();
    this.rejectAll(new Error('The prepare thread was closed'));
  }

  private start(): Worker {
    const worker = startPrepareWorker(this.limits);
    worker.on('message', (reply: PrepareReply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if ('error' in reply) waiter.reject(new Error(reply.error));
      else waiter.resolve(reply.results);
    });
    const lost = (err: Error) => {
      if (this.worker === worker) this.worker = null;
      this.rejectAll(err);
    };
    worker.on('error', (err) => lost(new Error(`The prepare thread failed: ${err.message}`)));
    worker.on('exit', (code) => lost(new Error(`The prepare thread exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private rejectAll(err: Error): void {
    const waiters = [...this.pending.values()];
    this.pending.clear();
    for (const w of waiters) w.reject(err);
  }
}

/** Starts the thread from the compiled build, or from the sources through tsx. */
function startPrepareWorker(resourceLimits: ResourceLimits): Worker {
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = new URL(`./prepare-thread-main.${fromSources ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSources) return new Worker(entry, { resourceLimits });
  return new Worker(new URL('./prepare-thread-from-sources.mjs', import.meta.url), {
    resourceLimits,
    workerData: { entry: entry.href },
  });
}
