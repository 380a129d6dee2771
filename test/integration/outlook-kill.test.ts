import { spawn, type ChildProcess } from 'node:child_process';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load-config.ts';
import { allHeldProviderIds } from '../../src/store/provider-message-repository.ts';
import { openSecretBox } from '../../src/store/secret-box.ts';
import { openQueue } from '../../src/workers/queues.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';
import { runAccountSync, startSyncService } from '../../src/workers/sync-runner.ts';
import { requestSync } from '../../src/workers/sync-worker.ts';
import { startGraphEmulator, type GraphEmulator } from '../emulators/graph/index.ts';
import { workerChildEnv } from '../helpers/child-env.ts';
import { rawMessage } from '../helpers/google.ts';
import { connectSeededOutlookAccount, outlookTestConfig } from '../helpers/outlook.ts';
import { TEST_REDIS_URL } from '../helpers/test-config.ts';
import { openTestStore, TEST_DATABASE_URL, type TestStore } from '../helpers/test-store.ts';
import { until } from '../helpers/wait.ts';

const USER = 'sam.lee@contoso.example';
const MESSAGES = 60;

describe('an Outlook sync worker killed in the middle of a sync', () => {
  let emulator: GraphEmulator;
  let redis: Redis;
  let store: TestStore;
  let config: Config;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    emulator = await startGraphEmulator();
    emulator.addUser(USER);
    for (let i = 0; i < MESSAGES; i++) {
      const date = new Date(Date.now() - (i + 1) * 3_600_000);
      emulator.insertMessage(
        USER,
        rawMessage({ from: `Person ${i} <person${i}@firm${i % 7}.example>`, to: USER, subject: `Question ${i}`, date, messageId: `kill-${i}@firm.example` }),
        { folder: i % 5 === 0 ? 'sentitems' : 'inbox', receivedDateTime: date },
      );
    }
    redis = await connectRedis(TEST_REDIS_URL);
    store = await openTestStore('postgres');
    config = outlookTestConfig(emulator, { DATABASE_URL: TEST_DATABASE_URL });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    redis.disconnect();
    await store.dispose();
    await emulator.close();
  });

  it('is taken over by another worker (whose in-flight slots free when the dead one\'s leases lapse) and ends with the mailbox, nothing twice', async () => {
    const { accountId } = await connectSeededOutlookAccount(store.db, config, emulator, USER);
    emulator.addFault({ kind: 'latency', latencyMs: 40 });
    const queue = openQueue('sync', redis, config.queuePrefix);
    await requestSync(queue, redis, config.queuePrefix, 'mail', accountId);
    await queue.close();

    child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/sync-worker-child.ts'], {
      env: workerChildEnv(config, store.schema!, {
        RAPPORT_GRAPH_URL: config.microsoft.graphUrl,
        RAPPORT_MICROSOFT_AUTHORITY: config.microsoft.authority,
        RAPPORT_MICROSOFT_CLIENT_ID: config.microsoft.clientId,
        RAPPORT_MICROSOFT_CLIENT_SECRET: config.microsoft.clientSecret,
      }),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await until(async () => (await allHeldProviderIds(store.db, accountId)).length >= 10);
    child.kill('SIGKILL');
    expect((await allHeldProviderIds(store.db, accountId)).length).toBeLessThan(MESSAGES);

    emulator.clearFaults();
    const service = startSyncService({ config, db: store.db, redis, secrets: openSecretBox(config.dataDir, {}) }, { stalledInterval: 300, lockDuration: 1500 });
    try {
      const outcome = await runAccountSync(service, accountId);
      expect(outcome.mail).toMatchObject({ status: 'synced' });
    } finally {
      await service.close();
    }
    const expected = emulator.messages(USER).map((m) => m.immutableId).sort();
    expect(await allHeldProviderIds(store.db, accountId)).toEqual(expected);
    const [row] = await store.db.query<{ n: number }>('select count(*)::int as n from message');
    expect(row!.n).toBe(MESSAGES);
    expect(emulator.maxConcurrentSeen(USER)).toBeLessThanOrEqual(4);
  }, 30_000);
});
