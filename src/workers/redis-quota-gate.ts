import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { QuotaGate } from '../core/quota.ts';

/**
 * Spends units from a sliding one-second window kept in Redis, so every worker process
 * that serves the account shares one budget. Returns 0 when the units were taken, else
 * how many milliseconds to wait before trying again. Redis's own clock is used, so the
 * workers' clocks need not agree. Members are "<units>:<unique>" scored by time.
 */
const TAKE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local units = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local used = 0
for i = 1, #entries, 2 do used = used + tonumber(string.match(entries[i], '^(%d+):')) end
if used + units <= limit then
  redis.call('ZADD', KEYS[1], now, units .. ':' .. ARGV[4])
  redis.call('PEXPIRE', KEYS[1], window * 2)
  return 0
end
local need = used + units - limit
local freed = 0
for i = 1, #entries, 2 do
  freed = freed + tonumber(string.match(entries[i], '^(%d+):'))
  if freed >= need then return math.max(1, tonumber(entries[i + 1]) + window - now + 1) end
end
return window
`;

export interface RedisQuotaOptions {
  /** Units allowed in any window. */
  unitsPerWindow: number;
  windowMs?: number;
}

/** A gate over the key `<prefix>:quota:<account>`. */
export function redisQuotaGate(redis: Redis, key: string, options: RedisQuotaOptions): QuotaGate {
  const windowMs = options.windowMs ?? 1000;
  const limit = Math.max(1, Math.floor(options.unitsPerWindow));
  return {
    async take(units) {
      if (units <= 0) return;
      // A call dearer than the whole budget could never pass: let it through alone.
      const cost = Math.min(units, limit);
      for (;;) {
        const wait = Number(await redis.eval(TAKE_SCRIPT, 1, key, limit, cost, windowMs, randomBytes(6).toString('hex')));
        if (wait === 0) return;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    },
  };
}
