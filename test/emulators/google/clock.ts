/**
 * The emulator's clock: real time shifted by an offset that only moves forward. Tasks
 * scheduled on it (a coalesced push, a delivery retry) run when real time reaches them or
 * when {@link EmulatorClock.advance} jumps past them, so tests skip delays instead of sleeping.
 */

interface Task {
  atMs: number;
  run: () => void;
  timer: NodeJS.Timeout | null;
}

export class EmulatorClock {
  private offsetMs: number;
  private readonly tasks = new Set<Task>();

  constructor(start?: Date) {
    this.offsetMs = start ? start.getTime() - Date.now() : 0;
  }

  /** Emulated epoch ms. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves the clock forward and runs every task that became due, oldest first. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advanceClock needs ms >= 0, got ${ms}`);
    this.offsetMs += ms;
    const now = this.now();
    const due = [...this.tasks].filter((t) => t.atMs <= now).sort((a, b) => a.atMs - b.atMs);
    for (const task of due) this.fire(task);
    // The others are now closer in real time than their timers think.
    for (const task of this.tasks) this.arm(task);
  }

  /** Runs `run` at emulated time `atMs`; returns a function that cancels it. */
  schedule(atMs: number, run: () => void): () => void {
    const task: Task = { atMs, run, timer: null };
    this.tasks.add(task);
    this.arm(task);
    return () => {
      this.tasks.delete(task);
      if (task.timer) clearTimeout(task.timer);
    };
  }

  /** Drops every pending task (on close). */
  stop(): void {
    for (const task of this.tasks) if (task.timer) clearTimeout(task.timer);
    this.tasks.clear();
  }

  private arm(task: Task): void {
    if (task.timer) clearTimeout(task.timer);
    task.timer = setTimeout(() => this.fire(task), Math.max(0, task.atMs - this.now()));
    // Pending pushes must not keep a finished test process alive.
    task.timer.unref();
  }

  private fire(task: Task): void {
    if (!this.tasks.delete(task)) return;
    if (task.timer) clearTimeout(task.timer);
    try {
      task.run();
    } catch (err) {
      console.error('google emulator: scheduled task failed', err);
    }
  }
}

/** Real-time sleep, for latency faults (which model a slow network, not emulated time). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
