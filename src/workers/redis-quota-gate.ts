import type { Redis } from 'ioredis';
import type { QuotaGate } from '../core/quota.ts';

/**
 * Paces spending evenly (the generic cell rate algorithm): each call reserves the next
 * free slot of `units × interval` on a schedule kept in Redis and waits until its slot
 * begins. Every worker process that serves the account shares the schedule, so together
 * they spend at most `rate × W + one call` in any window W. Even pacing, rather than a
 * burst at the start of each second, is what keeps a provider's own sliding window from
 * seeing two bursts at once when requests reach it a little late. Redis's clock is used,
 * so the workers' clocks need not agree. Returns the milliseconds to wait.
 */
const RESERVE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local start = tonumber(redis.call('GET', KEYS[1]) or '0')
if start < now then start = now end
local finish = start + tonumber(ARGV[1])
redis.call('SET', KEYS[1], tostring(finish), 'PX', math.ceil(finish - now) + 1000)
return tostring(start - now)
`;

export interface RedisQuotaOptions {
  /** Units the account may spend per second, on average, across all workers. */
  unitsPerSecond: number;
}

/**
 * A gate over one Redis key: `<prefix>:quota:<account>` for Gmail's units,
 * `<prefix>:rate:<account>` for Graph's requests (one unit each).
 */
export function redisQuotaGate(redis: Redis, key: string, options: RedisQuotaOptions): QuotaGate {
  const msPerUnit = 1000 / options.unitsPerSecond;
  return {
    async take(units) {
      if (units <= 0) return;
      const wait = Number(await redis.eval(RESERVE_SCRIPT, 1, key, String(units * msPerUnit)));
      if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
    },
  };
}
