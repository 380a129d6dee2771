/**
 * Per-user Gmail quota: units reserved in a trailing 1-second window of the emulator clock
 * may not exceed the limit (A.9's "250 units/s moving average"). A call reserves its units
 * when admitted, so concurrent calls see each other, and gives them back if it fails.
 */

interface Entry {
  atMs: number;
  units: number;
}

export type Admission = { ok: true; entry: Entry; user: string } | { ok: false; retryAtMs: number };

const WINDOW_MS = 1000;

export class QuotaMeter {
  private readonly windows = new Map<string, Entry[]>();
  private readonly totals = new Map<string, number>();

  /** @param unitsPerSecond null = no limit (units are still counted). */
  constructor(private readonly unitsPerSecond: number | null) {}

  admit(user: string, units: number, nowMs: number): Admission {
    const window = this.windowOf(user, nowMs);
    const used = window.reduce((sum, e) => sum + e.units, 0);
    // An empty window admits any single call, so a limit below one call's cost cannot deadlock.
    if (this.unitsPerSecond !== null && used > 0 && used + units > this.unitsPerSecond) {
      return { ok: false, retryAtMs: this.retryAt(window, used, units) };
    }
    const entry = { atMs: nowMs, units };
    window.push(entry);
    return { ok: true, entry, user };
  }

  /** The call succeeded: its units count. */
  commit(admission: Admission & { ok: true }): void {
    this.totals.set(admission.user, this.used(admission.user) + admission.entry.units);
  }

  /** The call failed: its reservation is given back. */
  release(admission: Admission & { ok: true }): void {
    const window = this.windows.get(admission.user);
    const at = window?.indexOf(admission.entry) ?? -1;
    if (window && at !== -1) window.splice(at, 1);
  }

  used(user: string): number {
    return this.totals.get(user) ?? 0;
  }

  private windowOf(user: string, nowMs: number): Entry[] {
    const window = (this.windows.get(user) ?? []).filter((e) => e.atMs > nowMs - WINDOW_MS);
    this.windows.set(user, window);
    return window;
  }

  /** When enough of the window has slid out for `units` more to fit. */
  private retryAt(window: Entry[], used: number, units: number): number {
    const limit = this.unitsPerSecond ?? Number.POSITIVE_INFINITY;
    let remaining = used;
    for (const entry of [...window].sort((a, b) => a.atMs - b.atMs)) {
      remaining -= entry.units;
      if (remaining + units <= limit || remaining === 0) return entry.atMs + WINDOW_MS;
    }
    return (window[window.length - 1]?.atMs ?? 0) + WINDOW_MS;
  }
}
