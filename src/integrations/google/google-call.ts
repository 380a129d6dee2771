import { ProviderBusyError, ProviderRequestError, ReauthRequiredError } from '../../core/errors.ts';
import type { QuotaGate } from '../../core/quota.ts';
import { countProviderThrottle, observeQuotaWait } from '../../observability/metrics.ts';

/** How a Google call is paced and retried. */
export interface CallPolicy {
  gate: QuotaGate;
  /** Attempts per call, the first included, before a busy provider is reported. */
  maxAttempts: number;
  /** First back-off step; doubled each attempt, plus up to one step of jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Forgets the cached access token, so the next call refreshes it. Called once after a
   * 401: the token may have been revoked or expired earlier than its stated expiry.
   */
  forgetAccessToken?: () => void;
}

export const DEFAULT_CALL_POLICY: Omit<CallPolicy, 'gate'> = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 32_000 };

/** Whom a call is for, so errors can say which account to reconnect. */
export interface CallTarget {
  provider: 'gmail';
  address: string;
}

/**
 * Spends `units` of the account's quota, makes the request, and retries what Google
 * says is worth retrying (429, rate-limit 403, 5xx, dropped connections) with truncated
 * exponential back-off plus jitter, honouring "retry after" when Google gives one. The
 * client library's own retries are off (it ignores Retry-After and would spend quota
 * behind the gate's back).
 */
export async function callGoogle<T>(
  units: number,
  policy: CallPolicy,
  target: CallTarget,
  request: () => Promise<{ data: T }>,
): Promise<T> {
  let refreshed = false;
  for (let attempt = 1; ; attempt++) {
    const waitFrom = Date.now();
    await policy.gate.take(units);
    observeQuotaWait('gmail', 'quota', Date.now() - waitFrom);
    try {
      return (await request()).data;
    } catch (err) {
      if (statusOf(err) === 401 && !refreshed && policy.forgetAccessToken) {
        refreshed = true;
        policy.forgetAccessToken();
        attempt -= 1;
        continue;
      }
      const failure = toProviderError(err, target);
      if (failure instanceof ProviderBusyError && (failure.status === 429 || failure.status === 403)) countProviderThrottle('gmail', failure.status);
      if (!(failure instanceof ProviderBusyError) || attempt >= policy.maxAttempts) throw failure;
      const backoff = Math.min(policy.baseDelayMs * 2 ** (attempt - 1) + Math.random() * policy.baseDelayMs, policy.maxDelayMs);
      await sleep(Math.max(backoff, failure.retryAfterMs ?? 0));
    }
  }
}

const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'dailyLimitExceeded', 'quotaExceeded']);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

interface GaxiosLike {
  status?: number;
  code?: string | number;
  message: string;
  response?: { status?: number; headers?: unknown; data?: unknown };
}

/** Maps a googleapis error onto rapport's provider errors. */
export function toProviderError(err: unknown, target: CallTarget): Error {
  if (!(err instanceof Error)) return new Error(String(err));
  const e = err as Error & GaxiosLike;
  const status = e.response?.status ?? e.status ?? null;
  const data = e.response?.data as
    | { error?: string | { message?: string; errors?: { reason?: string }[] }; error_description?: string }
    | undefined;
  // The token endpoint's own error shape: {"error":"invalid_grant",…}.
  if (data?.error === 'invalid_grant' || e.message === 'invalid_grant') {
    return new ReauthRequiredError(target.provider, target.address, data?.error_description ?? 'invalid_grant', { cause: err });
  }
  const apiError = typeof data?.error === 'object' ? data.error : undefined;
  const reason = apiError?.errors?.[0]?.reason ?? '';
  const message = apiError?.message ?? e.message;
  if (status === 401) {
    return new ReauthRequiredError(target.provider, target.address, 'credentials refused', { cause: err });
  }
  if (status === 429 || (status === 403 && RATE_REASONS.has(reason))) {
    return new ProviderBusyError(target.provider, status, retryAfterMs(e.response?.headers, message), `Google is rate-limiting ${target.address}: ${message}`, { cause: err });
  }
  if (status !== null && status >= 500) {
    return new ProviderBusyError(target.provider, status, retryAfterMs(e.response?.headers, message), `Google failed (${status}): ${message}`, { cause: err });
  }
  if (status === null && (NETWORK_CODES.has(String(e.code)) || /socket hang up|network|fetch failed|ECONNRESET/i.test(e.message))) {
    return new ProviderBusyError(target.provider, null, null, `Could not reach Google: ${e.message}`, { cause: err });
  }
  return new ProviderRequestError(target.provider, status, reason || String(status ?? 'unknown'), `Google refused the request (${status ?? 'no status'} ${reason}): ${message}`, { cause: err });
}

function statusOf(err: unknown): number | null {
  const e = err as GaxiosLike | null;
  return e?.response?.status ?? e?.status ?? null;
}

/** True for a 404 from Google (a message gone since it was listed, an expired history id). */
export function isNotFound(err: unknown): boolean {
  return err instanceof ProviderRequestError && err.status === 404;
}

/** From a Retry-After header (seconds or HTTP date) or Gmail's "Retry after <RFC 3339>" text. */
function retryAfterMs(headers: unknown, message: string): number | null {
  const header = headerValue(headers, 'retry-after');
  if (header) {
    const seconds = Number(header);
    if (Number.isFinite(seconds)) return seconds * 1000;
    const at = Date.parse(header);
    if (Number.isFinite(at)) return Math.max(0, at - Date.now());
  }
  const match = /retry after (\S+)/i.exec(message);
  if (match) {
    const at = Date.parse(match[1]!);
    if (Number.isFinite(at)) return Math.max(0, at - Date.now());
  }
  return null;
}

function headerValue(headers: unknown, name: string): string | null {
  if (!headers) return null;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
