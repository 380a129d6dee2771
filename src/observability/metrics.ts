import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * rapport's Prometheus metrics, one registry for the process. Counters and histograms
 * count what this process did; the gauges of `state-metrics.ts` read Redis and the
 * database when scraped. Labels are queue names, providers, kinds and outcomes only:
 * never an address, a subject or an id.
 */
export const metricsRegistry = new Registry();
// The process's own figures (CPU, memory, event-loop lag), under their usual names.
collectDefaultMetrics({ register: metricsRegistry });

export type ProviderName = 'gmail' | 'outlook';

const jobsCompleted = new Counter({
  name: 'rapport_jobs_completed_total',
  help: 'Jobs this process completed, by queue.',
  labelNames: ['queue'] as const,
  registers: [metricsRegistry],
});

const jobsFailed = new Counter({
  name: 'rapport_jobs_failed_total',
  help: 'Job attempts that failed in this process, by queue; final="true" when no attempt is left.',
  labelNames: ['queue', 'final'] as const,
  registers: [metricsRegistry],
});

const jobSeconds = new Histogram({
  name: 'rapport_job_duration_seconds',
  help: 'How long a job attempt ran, by queue and outcome.',
  labelNames: ['queue', 'outcome'] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
  registers: [metricsRegistry],
});

const providerThrottled = new Counter({
  name: 'rapport_provider_throttled_total',
  help: 'Provider answers that asked rapport to slow down (429, or Google\'s rate-limit 403), by provider and status.',
  labelNames: ['provider', 'status'] as const,
  registers: [metricsRegistry],
});

const providerWaitSeconds = new Histogram({
  name: 'rapport_provider_wait_seconds',
  help: 'How long a provider call waited for its turn: gate="quota" (Gmail\'s per-user budget), gate="inflight" (Graph\'s 4 requests per mailbox).',
  labelNames: ['provider', 'gate'] as const,
  buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
  registers: [metricsRegistry],
});

const syncs = new Counter({
  name: 'rapport_syncs_total',
  help: 'Account syncs run by this process, by provider, kind (mail, calendar) and outcome (full, partial, needs_reauth, failed).',
  labelNames: ['provider', 'kind', 'outcome'] as const,
  registers: [metricsRegistry],
});

const deliveries = new Counter({
  name: 'rapport_deliveries_total',
  help: 'Deliver jobs this process finished, by outcome (delivered, already_delivered, skipped, failed).',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

/** One job attempt of `queue` ended; `final` failures have no attempt left. */
export function countJob(queue: string, outcome: 'completed' | 'failed', seconds: number, final = false): void {
  if (outcome === 'completed') jobsCompleted.inc({ queue });
  else jobsFailed.inc({ queue, final: String(final) });
  jobSeconds.observe({ queue, outcome }, seconds);
}

/** The provider answered 429 (or an equivalent rate-limit status). */
export function countProviderThrottle(provider: ProviderName, status: number | null): void {
  providerThrottled.inc({ provider, status: String(status ?? 'none') });
}

/** A call waited `ms` for the quota or for a free in-flight slot (0 when it went straight through). */
export function observeQuotaWait(provider: ProviderName, gate: 'quota' | 'inflight', ms: number): void {
  providerWaitSeconds.observe({ provider, gate }, Math.max(0, ms) / 1000);
}

/** A sync of one account ended. */
export function countSync(provider: string, kind: string, outcome: string): void {
  syncs.inc({ provider, kind, outcome });
}

/** A deliver job ended with this outcome. */
export function countDelivery(outcome: string): void {
  deliveries.inc({ outcome });
}
