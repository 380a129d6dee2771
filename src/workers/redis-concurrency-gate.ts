import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { observeQuotaWait } from '../observability/metrics.ts';

/**
 * A counting semaphore in Redis: at most `limit` holders at once across every worker
 * process. Each slot is a lease in a sorted set scored by its expiry (Redis's clock), so
 * a worker that dies holding one frees it when the lease runs out. A holder whose call
 * outlasts the lease extends it while it runs.
 */
const ACQUIRE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) + 1000)
  return 1
end
return 0
`;

const EXTEND_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('ZSCORE', KEYS[1], ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[2])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) + 1000)
end
return 1
`;

export interface ConcurrencyGate {
  /** Runs `task` once a slot is free, and frees the slot when it settles. */
  run<T>(task: () => Promise<T>): Promise<T>;
}

export interface RedisConcurrencyOptions {
  /** Holders at once. */
  limit: number;
  /** How long a slot is held without being extended (default 5 s; a running call extends it). */
  leaseMs?: number;
  /** How often a waiting caller tries again (default 25 ms, with jitter). */
  pollMs?: number;
}

/** A gate over one Redis key (`<prefix>:inflight:<account>`). */
export function redisConcurrencyGate(redis: Redis, key: string, options: RedisConcurrencyOptions): ConcurrencyGate {
  const leaseMs = options.leaseMs ?? 5_000;
  const pollMs = options.pollMs ?? 25;
  return {
    async run(task) {
      const holder = randomUUID();
      const waitFrom = Date.now();
      while (Number(await redis.eval(ACQUIRE_SCRIPT, 1, key, String(options.limit), String(leaseMs), holder)) !== 1) {
        await sleep(pollMs + Math.random() * pollMs);
      }
      observeQuotaWait('outlook', 'inflight', Date.now() - waitFrom); // only Outlook's requests use this gate
      const keepAlive = setInterval(() => void redis.eval(EXTEND_SCRIPT, 1, key, String(leaseMs), holder).catch(() => undefined), leaseMs / 3);
      keepAlive.unref();
      try {
        return await task();
      } finally {
        clearInterval(keepAlive);
        await redis.zrem(key, holder).catch(() => undefined);
      }
    },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
