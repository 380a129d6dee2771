import { spawn, type ChildProcess } from 'node:child_process';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load-config.ts';
import { allHeldProviderIds } from '../../src/store/provider-message-repository.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';
import { runAccountSync, startSyncService } from '../../src/workers/sync-runner.ts';
import { openQueue } from '../../src/workers/queues.ts';
import { requestSync } from '../../src/workers/sync-worker.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google/index.ts';
import { connectSeededAccount, googleTestConfig, rawMessage } from '../helpers/google.ts';
import { TEST_REDIS_URL } from '../helpers/test-config.ts';
import { until } from '../helpers/wait.ts';
import { openTestStore, TEST_DATABASE_URL, type TestStore } from '../helpers/test-store.ts';
import { workerChildEnv } from '../helpers/child-env.ts';

const USER = 'alex.student@university.example';
const MESSAGES = 60;


describe('a sync worker killed in the middle of a sync', () => {
  let emulator: GoogleEmulator;
  let redis: Redis;
  let store: TestStore;
  let config: Config;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    emulator = await startGoogleEmulator();
    emulator.addUser(USER);
    for (let i = 0; i < MESSAGES; i++) {
      emulator.insertMessage(
        USER,
        rawMessage({
          from: `Person ${i} <person${i}@firm${i % 7}.example>`, to: USER, subject: `Question ${i}`,
          date: new Date(Date.now() - (i + 1) * 3_600_000), messageId: `kill-${i}@firm.example`,
        }),
        { labelIds: ['INBOX'] },
      );
    }
    redis = await connectRedis(TEST_REDIS_URL);
    store = await openTestStore('postgres');
    config = googleTestConfig(emulator, { DATABASE_URL: TEST_DATABASE_URL });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    redis.disconnect();
    await store.dispose();
    await emulator.close();
  });

  it('is taken over by another worker and ends with the mailbox, nothing twice', async () => {
    const { accountId, secrets } = await connectSeededAccount(store.db, config, emulator, USER);
    emulator.addFault({ kind: 'latency', latencyMs: 40 });
    const queue = openQueue('sync', redis, config.queuePrefix);
    await requestSync(queue, redis, config.queuePrefix, 'mail', accountId);
    await queue.close();

    child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/sync-worker-child.ts'], {
      env: workerChildEnv(config, store.schema!),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await until(async () => (await allHeldProviderIds(store.db, accountId)).length >= 10);
    child.kill('SIGKILL');
    const heldAtKill = (await allHeldProviderIds(store.db, accountId)).length;
    expect(heldAtKill).toBeLessThan(MESSAGES);

    emulator.clearFaults();
    const service = startSyncService({ config, db: store.db, redis, secrets }, { stalledInterval: 300, lockDuration: 1500 });
    try {
      const outcome = await runAccountSync(service, accountId);
      expect(outcome.mail).toMatchObject({ status: 'synced' });
    } finally {
      await service.close();
    }
    const expected = emulator.messages(USER).map((m) => m.id).sort();
    expect(await allHeldProviderIds(store.db, accountId)).toEqual(expected);
    const [row] = await store.db.query<{ n: number }>('select count(*)::int as n from message');
    expect(row!.n).toBe(MESSAGES);
  });
});
