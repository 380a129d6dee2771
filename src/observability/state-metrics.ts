import { Gauge } from 'prom-client';
import type { Queryable } from '../store/database.ts';
import { metricsRegistry } from './metrics.ts';
import { countDraftsByKindAndStatus, listAccountSyncStates } from './state-queries.ts';

/** What a queue must answer for its gauges (a BullMQ `Queue`). */
export interface CountedQueue {
  readonly name: string;
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

/** Where the scrape-time gauges are read from. */
export interface StateSources {
  db: Queryable;
  queues: readonly CountedQueue[];
  now?: () => Date;
}

/** The job states a queue's gauge shows. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;

const queueJobs = new Gauge({
  name: 'rapport_queue_jobs',
  help: 'Jobs in each queue by state, as Redis holds them now (shared by every rapport process).',
  labelNames: ['queue', 'state'] as const,
  registers: [metricsRegistry],
});

const drafts = new Gauge({
  name: 'rapport_drafts',
  help: 'Drafts by kind and status; status="pending" and "needs_input" are waiting for the user.',
  labelNames: ['kind', 'status'] as const,
  registers: [metricsRegistry],
});

const accounts = new Gauge({
  name: 'rapport_accounts',
  help: 'Connected accounts by provider and sync status (active, needs_reauth, error).',
  labelNames: ['provider', 'status'] as const,
  registers: [metricsRegistry],
});

const syncLag = new Gauge({
  name: 'rapport_sync_lag_seconds',
  help: 'Seconds since the least recently synced active account of each provider last synced its mail.',
  labelNames: ['provider'] as const,
  registers: [metricsRegistry],
});

const scrapeOk = new Gauge({
  name: 'rapport_state_scrape_ok',
  help: '1 when the last scrape could read each source (source="redis", "database"), else 0.',
  labelNames: ['source'] as const,
  registers: [metricsRegistry],
});

/**
 * Reads the queues and the database and sets the gauges. A source that does not answer
 * leaves its gauges empty and `rapport_state_scrape_ok{source}` at 0; the scrape goes on.
 */
export async function refreshStateGauges(sources: StateSources): Promise<void> {
  const now = (sources.now ?? (() => new Date()))();
  const [queueResult, dbResult] = await Promise.allSettled([
    Promise.all(sources.queues.map(async (q) => ({ name: q.name, counts: await q.getJobCounts(...QUEUE_STATES) }))),
    Promise.all([countDraftsByKindAndStatus(sources.db), listAccountSyncStates(sources.db)]),
  ]);
  queueJobs.reset();
  if (queueResult.status === 'fulfilled') {
    for (const { name, counts } of queueResult.value) {
      for (const state of QUEUE_STATES) queueJobs.set({ queue: name, state }, counts[state] ?? 0);
    }
  }
  scrapeOk.set({ source: 'redis' }, queueResult.status === 'fulfilled' ? 1 : 0);
  drafts.reset();
  accounts.reset();
  syncLag.reset();
  if (dbResult.status === 'fulfilled') {
    const [draftCounts, accountStates] = dbResult.value;
    for (const d of draftCounts) drafts.set({ kind: d.kind, status: d.status }, d.count);
    for (const a of accountStates) {
      accounts.set({ provider: a.provider, status: a.status }, a.count);
      if (a.status === 'active' && a.oldestSyncAt) {
        syncLag.set({ provider: a.provider }, Math.max(0, (now.getTime() - a.oldestSyncAt.getTime()) / 1000));
      }
    }
  }
  scrapeOk.set({ source: 'database' }, dbResult.status === 'fulfilled' ? 1 : 0);
}

/** The metrics in Prometheus's text format, with the gauges read now when `sources` is given. */
export async function metricsText(sources?: StateSources): Promise<{ contentType: string; text: string }> {
  if (sources) await refreshStateGauges(sources);
  return { contentType: metricsRegistry.contentType, text: await metricsRegistry.metrics() };
}
