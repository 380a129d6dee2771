import { spawn } from 'node:child_process';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load-config.ts';
import type { DraftStatus } from '../../src/approval/draft-lifecycle.ts';
import type { SecretBox } from '../../src/store/secret-box.ts';
import { scheduleDelivery, startDeliverService } from '../../src/workers/deliver-service.ts';
import { DELIVER_STEPS, type DeliverStep } from '../../src/workers/deliver-worker.ts';
import { openQueue, type TypedQueue } from '../../src/workers/queues.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google/index.ts';
import { approvedReply, copiesOf, draftNow, receiveInbound, sentCopiesOf, USER } from '../helpers/deliver-fixtures.ts';
import { until } from '../helpers/wait.ts';
import { connectSeededAccount, googleTestConfig } from '../helpers/google.ts';
import { TEST_REDIS_URL } from '../helpers/test-config.ts';
import { openTestStore, TEST_DATABASE_URL, type TestStore } from '../helpers/test-store.ts';
import { workerChildEnv } from '../helpers/child-env.ts';

/** Where the draft and the mailbox stand when the worker dies at each step. */
const AT_DEATH: Record<DeliverStep, { status: DraftStatus; sent: number }> = {
  'before-claim': { status: 'approved', sent: 0 },
  'before-check': { status: 'delivering', sent: 0 },
  'before-send': { status: 'delivering', sent: 0 },
  'after-send': { status: 'delivering', sent: 1 },
  'after-mark': { status: 'delivered', sent: 1 },
};

describe('a deliver worker killed at each step of a delivery', () => {
  let emulator: GoogleEmulator;
  let redis: Redis;
  let store: TestStore;
  let config: Config;
  let secrets: SecretBox;
  let accountId: number;
  let queue: TypedQueue<'deliver'>;

  beforeAll(async () => {
    emulator = await startGoogleEmulator();
    emulator.addUser(USER);
    redis = await connectRedis(TEST_REDIS_URL);
    store = await openTestStore('postgres');
    config = googleTestConfig(emulator, { DATABASE_URL: TEST_DATABASE_URL });
    ({ accountId, secrets } = await connectSeededAccount(store.db, config, emulator, USER));
    queue = openQueue('deliver', redis, config.queuePrefix);
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    redis.disconnect();
    await store.dispose();
    await emulator.close();
  });

  /** Runs the deliver worker in a child process that kills itself (SIGKILL) at `step`; resolves once it is dead. */
  async function runChildDyingAt(step: DeliverStep): Promise<NodeJS.Signals | null> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/deliver-worker-child.ts'], {
      env: workerChildEnv(config, store.schema!, { RAPPORT_TEST_CRASH_AT: step }),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), 30_000); // a child that never reaches the step
    return new Promise((resolve) =>
      child.on('exit', (_code, signal) => {
        clearTimeout(timer);
        resolve(signal);
      }),
    );
  }

  it.each(DELIVER_STEPS)('killed at %s: a fresh worker ends with exactly one sent message, threaded, and the draft delivered', async (step) => {
    const inbound = receiveInbound(emulator, `kill-${step}`);
    const approved = await approvedReply(store.db, scheduleDelivery(queue), { key: `kill-${step}`, accountId, inbound });

    expect(await runChildDyingAt(step)).toBe('SIGKILL');
    const atDeath = await draftNow(store.db, approved.id);
    expect(atDeath.status).toBe(AT_DEATH[step].status);
    expect(sentCopiesOf(emulator, atDeath.rfcMessageId)).toHaveLength(AT_DEATH[step].sent);

    const service = await startDeliverService({ config, db: store.db, redis, secrets, leaseMs: 1000 }, { lockDuration: 1500, stalledInterval: 300 });
    try {
      // The draft delivered and its job done.
      await until(async () => {
        const counts = await queue.getJobCounts('active', 'waiting', 'delayed', 'failed');
        return (await draftNow(store.db, approved.id)).status === 'delivered' && Object.values(counts).every((n) => n === 0);
      }, 30_000);
    } finally {
      await service.close();
    }

    const delivered = await draftNow(store.db, approved.id);
    const copies = copiesOf(emulator, delivered.rfcMessageId);
    expect(copies).toHaveLength(1);
    expect(copies[0]!.labelIds).toContain('SENT');
    expect(copies[0]!.threadId).toBe(inbound.threadId);
    expect(copies[0]!.raw.toString('utf8')).toContain(`In-Reply-To: <${inbound.rfcMessageId}>`);
    expect(delivered).toMatchObject({ status: 'delivered', providerId: copies[0]!.id, lastError: null });
    expect(delivered.deliveredAt).toBeInstanceOf(Date);
    if (atDeath.rfcMessageId) expect(delivered.rfcMessageId).toBe(atDeath.rfcMessageId);
  });
});
