/**
 * What the accounts benchmark samples while the syncs run: each process's memory
 * (VmRSS, VmHWM) and CPU time from /proc, the machine's CPU from /proc/stat, the
 * PostgreSQL backends serving the benchmark's database, and Redis `used_memory`.
 */
import fs from 'node:fs';
import type { Redis } from 'ioredis';
import type pg from 'pg';

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** VmRSS and VmHWM of a process, in bytes; null once it is gone. */
export function memoryOf(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}

/** User + system CPU seconds a process has used; null once it is gone. */
export function cpuSecondsOf(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** The whole machine's busy and total CPU seconds so far (every core, every process). */
export function machineCpu(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return { busy: busy / TICKS_PER_SECOND, total: (busy + idle! + iowait!) / TICKS_PER_SECOND };
}

export async function redisUsedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? 0);
}

export async function redisPid(redis: Redis): Promise<number | null> {
  const info = await redis.info('server');
  const pid = Number(/^process_id:(\d+)/m.exec(info)?.[1] ?? NaN);
  // Only a Redis on this machine can be measured through /proc.
  return Number.isInteger(pid) && fs.existsSync(`/proc/${pid}`) ? pid : null;
}

/**
 * CPU seconds used from `start()` on by a changing set of processes (PostgreSQL
 * backends come and go): each is sampled while it lives and its last sample kept.
 */
export class CpuTally {
  private readonly startOf = new Map<number, number>();
  private readonly lastOf = new Map<number, number>();

  /** Call for every pid of the set at each sample; a pid seen for the first time after start counts from 0. */
  sample(pid: number, started: boolean): void {
    const seconds = cpuSecondsOf(pid);
    if (seconds === null) return;
    if (!this.startOf.has(pid)) this.startOf.set(pid, started ? 0 : seconds);
    this.lastOf.set(pid, seconds);
  }

  /** Forgets what was used before the measured window began. */
  start(): void {
    for (const [pid, last] of this.lastOf) this.startOf.set(pid, last);
  }

  seconds(): number {
    let sum = 0;
    for (const [pid, last] of this.lastOf) sum += last - (this.startOf.get(pid) ?? 0);
    return sum;
  }
}

/** Pids of the PostgreSQL backends connected to `database` (they run on this machine when the server does). */
export async function backendPids(admin: pg.Client, database: string): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [database]);
  return rows.map((r) => r.pid).filter((pid) => fs.existsSync(`/proc/${pid}`));
}

export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(bytes < 100 * 2 ** 20 ? 1 : 0)} MB`;
