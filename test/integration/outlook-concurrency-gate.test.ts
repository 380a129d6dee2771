import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisConcurrencyGate } from '../../src/workers/redis-concurrency-gate.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';
import { TEST_REDIS_URL } from '../helpers/test-config.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the Redis concurrency gate', () => {
  let redis: Redis;
  let other: Redis;
  beforeAll(async () => {
    redis = await connectRedis(TEST_REDIS_URL);
    other = await connectRedis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    await redis.quit();
    await other.quit();
  });

  it('lets at most N tasks run at once across connections (workers)', async () => {
    const key = `test-gate-${randomBytes(4).toString('hex')}`;
    const gates = [redisConcurrencyGate(redis, key, { limit: 4 }), redisConcurrencyGate(other, key, { limit: 4 })];
    let running = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        gates[i % 2]!.run(async () => {
          running += 1;
          most = Math.max(most, running);
          await sleep(15);
          running -= 1;
        }),
      ),
    );
    expect(most).toBe(4);
    expect(await redis.zcard(key)).toBe(0);
  });

  it('frees the slot of a holder that died when its lease runs out', async () => {
    const key = `test-gate-${randomBytes(4).toString('hex')}`;
    // A dead worker's leases: present, never released.
    const now = Date.now();
    await redis.zadd(key, now + 150, 'dead-1', now + 150, 'dead-2');
    const gate = redisConcurrencyGate(redis, key, { limit: 2, leaseMs: 1000 });
    const started = Date.now();
    await gate.run(async () => undefined);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });

  it('frees the slot when the task fails', async () => {
    const key = `test-gate-${randomBytes(4).toString('hex')}`;
    const gate = redisConcurrencyGate(redis, key, { limit: 1 });
    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run(async () => 'next')).toBe('next');
  });
});
