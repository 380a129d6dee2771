/**
 * Outlook's per-mailbox limits (C.7): at most N requests in flight (the next one gets 429
 * ApplicationThrottled with Retry-After) and a request budget over a trailing 10 minutes
 * of the emulator clock (shorter when a test or benchmark runs time faster).
 */
import { throttled, type GraphApiError } from './errors.ts';

const TEN_MINUTES_MS = 10 * 60_000;

export class MailboxThrottle {
  private readonly inFlight = new Map<string, number>();
  private readonly maxSeen = new Map<string, number>();
  private readonly recent = new Map<string, number[]>();

  constructor(
    private readonly maxConcurrent: number,
    private readonly perTenMinutes: number | null,
    private readonly windowMs = TEN_MINUTES_MS,
  ) {}

  /** Takes a slot; `concurrent` counts this request. Call `release` when it is answered. */
  admit(user: string, atMs: number): { ok: true; concurrent: number } | { ok: false; concurrent: number; error: GraphApiError } {
    const current = this.inFlight.get(user) ?? 0;
    if (current >= this.maxConcurrent) return { ok: false, concurrent: current + 1, error: throttled(1, 'MailboxConcurrency') };
    if (this.perTenMinutes !== null) {
      const times = (this.recent.get(user) ?? []).filter((t) => t > atMs - this.windowMs);
      this.recent.set(user, times);
      if (times.length >= this.perTenMinutes) {
        const waitSeconds = Math.max(1, Math.ceil(((times[0] ?? atMs) + this.windowMs - atMs) / 1000));
        return { ok: false, concurrent: current + 1, error: throttled(waitSeconds, 'MailboxRequests') };
      }
      times.push(atMs);
    }
    this.inFlight.set(user, current + 1);
    this.maxSeen.set(user, Math.max(this.maxSeen.get(user) ?? 0, current + 1));
    return { ok: true, concurrent: current + 1 };
  }

  release(user: string): void {
    this.inFlight.set(user, Math.max(0, (this.inFlight.get(user) ?? 1) - 1));
  }

  maxConcurrentSeen(user: string): number {
    return this.maxSeen.get(user) ?? 0;
  }
}
