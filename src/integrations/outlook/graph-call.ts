import { ProviderBusyError, ProviderRequestError, ReauthRequiredError } from '../../core/errors.ts';
import { countProviderThrottle } from '../../observability/metrics.ts';
import type { TokenRefresh } from './graph-client.ts';

/** How a Graph call is retried (the pacing is the in-flight gate's). */
export interface GraphCallPolicy {
  /** Attempts per call, the first included, before a busy Graph is reported. */
  maxAttempts: number;
  /** First back-off step; doubled each attempt, plus up to one step of jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_GRAPH_CALL_POLICY: GraphCallPolicy = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 32_000 };

/**
 * Makes the request and retries what Graph says is worth retrying (429, 503, 504 and
 * other 5xx, dropped connections) with truncated exponential back-off plus jitter, never
 * sooner than Retry-After. After a 401 it retries once with a freshly refreshed token;
 * a second 401 means the account must be connected again. Pass `retry: false` for calls
 * that must not run twice (send): their failure is reported for the caller to check.
 */
export async function callGraph<T>(
  policy: GraphCallPolicy,
  refresh: TokenRefresh,
  address: string,
  request: () => Promise<T>,
  retry = true,
): Promise<T> {
  let refreshed = false;
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (err) {
      if (statusOf(err) === 401 && !refreshed) {
        refreshed = true;
        refresh.forceNext = true;
        attempt -= 1;
        continue;
      }
      const failure = toGraphError(err, address);
      if (failure instanceof ProviderBusyError && failure.status === 429) countProviderThrottle('outlook', 429);
      if (!retry || !(failure instanceof ProviderBusyError) || attempt >= policy.maxAttempts) throw failure;
      const backoff = Math.min(policy.baseDelayMs * 2 ** (attempt - 1) + Math.random() * policy.baseDelayMs, policy.maxDelayMs);
      await sleep(Math.max(backoff, failure.retryAfterMs ?? 0));
    }
  }
}

interface GraphErrorLike {
  statusCode?: number;
  code?: string | null;
  message: string;
  headers?: Headers;
  body?: unknown;
}

const NETWORK = /socket hang up|network|fetch failed|ECONNRESET|ECONNREFUSED|ETIMEDOUT|UND_ERR/i;

/** Maps a Graph client error onto rapport's provider errors. */
export function toGraphError(err: unknown, address: string): Error {
  if (err instanceof ReauthRequiredError || err instanceof ProviderBusyError || err instanceof ProviderRequestError) return err;
  if (!(err instanceof Error)) return new Error(String(err));
  const e = err as Error & GraphErrorLike;
  const status = typeof e.statusCode === 'number' && e.statusCode > 0 ? e.statusCode : null;
  const code = e.code ?? 'unknown';
  if (status === 401) {
    return new ReauthRequiredError('outlook', address, `credentials refused (${code})`, { cause: err });
  }
  if (status === 429 || status === 503 || status === 504 || (status !== null && status >= 500)) {
    const what = status === 429 ? `Microsoft Graph is throttling ${address}` : `Microsoft Graph failed (${status})`;
    return new ProviderBusyError('outlook', status, retryAfterMs(e.headers), `${what}: ${code}. rapport retries by itself.`, { cause: err });
  }
  if (status === null && (NETWORK.test(e.message) || NETWORK.test(String((e.cause as Error | undefined)?.message ?? '')))) {
    return new ProviderBusyError('outlook', null, null, `Could not reach Microsoft Graph: ${e.message}`, { cause: err });
  }
  return new ProviderRequestError('outlook', status, code, `Microsoft Graph refused the request (${status ?? 'no status'} ${code}): ${e.message}`, { cause: err });
}

function statusOf(err: unknown): number | null {
  const status = (err as GraphErrorLike | null)?.statusCode;
  return typeof status === 'number' ? status : null;
}

/** True when Graph says a delta token is no longer usable (410 SyncStateNotFound, resyncRequired). */
export function isSyncStateGone(err: unknown): boolean {
  return err instanceof ProviderRequestError && (err.status === 410 || /SyncStateNotFound|resyncRequired|SyncStateInvalid/i.test(err.reason));
}

/** True for a 404 (a message gone since it was listed). */
export function isNotFound(err: unknown): boolean {
  return err instanceof ProviderRequestError && err.status === 404;
}

/** From a Retry-After header: seconds or an HTTP date. */
export function retryAfterMs(headers: Headers | undefined): number | null {
  const header = headers?.get?.('retry-after');
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
