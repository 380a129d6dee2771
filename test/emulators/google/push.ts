/**
 * Gmail watch and Pub/Sub push (A.7): a watch lasts 7 days; after a change a notification
 * carrying the new head is POSTed, at most one per second per user (later changes within
 * the second coalesce into one sent when it is over); failed deliveries are retried with
 * backoff on the emulator clock.
 */
import type { EmulatorClock } from './clock.ts';

const WATCH_MS = 7 * 24 * 3600_000;
const MIN_GAP_MS = 1000;
/** Delays before redelivery attempts 1..4. */
const RETRY_DELAYS_MS = [1000, 2000, 4000, 8000];
const SUBSCRIPTION = 'projects/rapport-test/subscriptions/gmail-push';

interface Watch {
  expiresAtMs: number;
  labelIds: string[];
  exclude: boolean;
}

interface Throttle {
  lastSentMs: number;
  cancelPending: (() => void) | null;
}

export interface GmailPushDeps {
  clock: EmulatorClock;
  pushUrl: string | undefined;
  /** The user's current history id. */
  headOf: (email: string) => bigint;
}

export class GmailPush {
  private readonly watches = new Map<string, Watch>();
  private readonly throttles = new Map<string, Throttle>();
  private nextMessageId = 7_000_000_000_000_001n;
  private closed = false;

  constructor(private readonly deps: GmailPushDeps) {}

  /** Starts or renews a watch and notifies at once. */
  watch(email: string, labelIds: string[], behavior: string | undefined): { historyId: string; expiration: string } {
    const expiresAtMs = this.deps.clock.now() + WATCH_MS;
    this.watches.set(email, { expiresAtMs, labelIds, exclude: behavior?.toLowerCase() === 'exclude' });
    void this.send(email, 1);
    return { historyId: String(this.deps.headOf(email)), expiration: String(expiresAtMs) };
  }

  stop(email: string): void {
    this.watches.delete(email);
    const throttle = this.throttles.get(email);
    throttle?.cancelPending?.();
    if (throttle) throttle.cancelPending = null;
  }

  /** After a mailbox change touching these labels. */
  onChange(email: string, labelIds: string[]): void {
    if (!this.isWatched(email, labelIds)) return;
    const throttle = this.throttleOf(email);
    if (throttle.cancelPending) return; // the pending notification will carry the newest head
    const dueMs = throttle.lastSentMs + MIN_GAP_MS;
    if (dueMs <= this.deps.clock.now()) {
      void this.send(email, 1);
      return;
    }
    throttle.cancelPending = this.deps.clock.schedule(dueMs, () => {
      throttle.cancelPending = null;
      if (this.isWatched(email, [])) void this.send(email, 1);
    });
  }

  /** Sends the current head `copies` times now, watch or not; resolves after the first attempts. */
  pushNow(email: string, copies: number): Promise<void> {
    return this.send(email, copies);
  }

  close(): void {
    this.closed = true;
    for (const throttle of this.throttles.values()) throttle.cancelPending?.();
  }

  private isWatched(email: string, labelIds: string[]): boolean {
    const watch = this.watches.get(email);
    if (!watch || watch.expiresAtMs <= this.deps.clock.now()) return false;
    if (watch.labelIds.length === 0 || labelIds.length === 0) return true;
    const overlaps = labelIds.some((l) => watch.labelIds.includes(l));
    return watch.exclude ? !overlaps : overlaps;
  }

  private throttleOf(email: string): Throttle {
    let throttle = this.throttles.get(email);
    if (!throttle) {
      throttle = { lastSentMs: Number.NEGATIVE_INFINITY, cancelPending: null };
      this.throttles.set(email, throttle);
    }
    return throttle;
  }

  /** Publishes one message and delivers it `copies` times (duplicates share the messageId, as Pub/Sub's do). */
  private async send(email: string, copies: number): Promise<void> {
    const nowMs = this.deps.clock.now();
    this.throttleOf(email).lastSentMs = nowMs;
    const url = this.deps.pushUrl;
    if (!url || this.closed) return;
    const messageId = String(this.nextMessageId++);
    const publishTime = new Date(nowMs).toISOString();
    const data = Buffer.from(JSON.stringify({ emailAddress: email, historyId: String(this.deps.headOf(email)) })).toString('base64url');
    const body = JSON.stringify({
      message: { data, messageId, message_id: messageId, publishTime, publish_time: publishTime },
      subscription: SUBSCRIPTION,
    });
    await Promise.all(Array.from({ length: copies }, () => this.deliver(url, body, 0)));
  }

  private async deliver(url: string, body: string, attempt: number): Promise<void> {
    if (this.closed) return;
    let delivered: boolean;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      delivered = res.ok;
    } catch {
      delivered = false;
    }
    const delay = RETRY_DELAYS_MS[attempt];
    if (delivered || delay === undefined || this.closed) return;
    this.deps.clock.schedule(this.deps.clock.now() + delay, () => void this.deliver(url, body, attempt + 1));
  }
}
