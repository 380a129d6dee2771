import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPEN_GATE } from '../../src/core/quota.ts';
import { DEFAULT_CALL_POLICY } from '../../src/integrations/google/google-call.ts';
import { openGoogleSession } from '../../src/integrations/google/google-session.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';
import { redisQuotaGate } from '../../src/workers/redis-quota-gate.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google/index.ts';
import { rawMessage, TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../helpers/google.ts';
import { TEST_REDIS_URL } from '../helpers/test-config.ts';

const USER = 'sam@example.com';

describe('the per-account quota gate in Redis', () => {
  let redis: Redis;
  let emulator: GoogleEmulator;
  const key = `test-quota-${randomBytes(5).toString('hex')}`;

  beforeAll(async () => {
    redis = await connectRedis(TEST_REDIS_URL);
    emulator = await startGoogleEmulator({ unitsPerSecond: 100 });
    emulator.addUser(USER);
    for (let i = 0; i < 40; i++) {
      emulator.insertMessage(USER, rawMessage({ from: `p${i}@firm.example`, to: USER, subject: `s${i}`, date: new Date(), messageId: `q${i}@firm.example` }));
    }
  });
  afterAll(async () => {
    await redis.del(key);
    redis.disconnect();
    await emulator.close();
  });

  it('two workers sharing one account stay inside its quota together, and use most of it', async () => {
    const ids = emulator.messages(USER).map((m) => m.id);
    // Two sessions as two worker processes would have: each its own client, one shared budget.
    const sessions = [0, 1].map(() =>
      openGoogleSession({
        settings: { clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET, apiUrl: emulator.url },
        tokens: { refresh_token: emulator.issueRefreshToken(USER, TEST_CLIENT_ID) },
        address: USER,
        // No retries: a 429 would show as a failure here.
        policy: { ...DEFAULT_CALL_POLICY, maxAttempts: 1, gate: redisQuotaGate(redis, key, { unitsPerSecond: 92 }) },
      }),
    );
    // Each fetches its access token first, so that no request waits behind a refresh
    // after passing the gate; then the window is left to empty.
    for (const session of sessions) await session.call(1, () => session.gmail.users.getProfile({ userId: 'me' }));
    await new Promise((r) => setTimeout(r, 1100));
    const started = Date.now();
    await Promise.all(
      sessions.map((session, s) =>
        Promise.all(
          ids.filter((_, i) => i % 2 === s).map((id) => session.call(5, () => session.gmail.users.messages.get({ userId: 'me', id, format: 'minimal' }))),
        ),
      ),
    );
    const seconds = (Date.now() - started) / 1000;
    const gets = emulator.requestLog.filter((r) => r.path.includes('/messages/'));
    expect(gets.filter((r) => r.status === 429)).toHaveLength(0);
    expect(gets.filter((r) => r.status === 200)).toHaveLength(40);
    // 200 units at 92 a second: a little over two seconds, not much more.
    expect(seconds).toBeGreaterThan(1.9);
    expect(seconds).toBeLessThan(3.5);
  });

  it('without the gate the same burst is refused by the provider', async () => {
    const session = openGoogleSession({
      settings: { clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET, apiUrl: emulator.url },
      tokens: { refresh_token: emulator.issueRefreshToken(USER, TEST_CLIENT_ID) },
      address: USER,
      policy: { ...DEFAULT_CALL_POLICY, maxAttempts: 1, gate: OPEN_GATE },
    });
    await new Promise((r) => setTimeout(r, 1100)); // let the window empty
    const results = await Promise.allSettled(
      emulator.messages(USER).map((m) => session.call(5, () => session.gmail.users.messages.get({ userId: 'me', id: m.id, format: 'minimal' }))),
    );
    expect(results.filter((r) => r.status === 'rejected').length).toBeGreaterThan(0);
  });
});
