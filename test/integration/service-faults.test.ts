/**
 * Faults an operator meets, end to end through `rapport worker` processes: Redis
 * restarted (and emptied) in the middle of a sync and while an approved draft waits for
 * its time, and Gmail answering 5xx for a whole minute. Each ends with the log equal to
 * what a clean sync of the same mailbox gives, and the draft sent exactly once.
 *
 * The workers use a Redis server of this test's own, so that restarting it disturbs no
 * other test; it keeps nothing on disk, as the Redis CI runs against.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveDraft } from '../../src/approval/approval-actions.ts';
import type { Config } from '../../src/config/load-config.ts';
import type { Database } from '../../src/store/database.ts';
import { listContacts } from '../../src/store/contact-queries.ts';
import { createDraft } from '../../src/store/draft-repository.ts';
import { openStore } from '../../src/store/open-store.ts';
import { allHeldProviderIds } from '../../src/store/provider-message-repository.ts';
import { scheduleDelivery } from '../../src/workers/deliver-service.ts';
import { startPrivateRedisIfNeeded, type PrivateRedis } from '../../src/workers/private-redis.ts';
import { openQueue } from '../../src/workers/queues.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';
import { runAccountSync, startSyncService } from '../../src/workers/sync-runner.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google/index.ts';
import { draftNow, receiveInbound, sentCopiesOf, USER } from '../helpers/deliver-fixtures.ts';
import { connectSeededAccount, googleTestConfig, rawMessage } from '../helpers/google.ts';
import { createTestDatabase, startRapport, stopRapport } from '../helpers/rapport-process.ts';
import { openTestStore } from '../helpers/test-store.ts';
import { freePort, until } from '../helpers/wait.ts';

const GMAIL = /^(GET|POST) \/gmail\//;
const PEOPLE = ['ana.ruiz@fabrikam.example', 'ben.ode@contoso.example', 'chen.li@northwind.example', 'dara.kim@tailspin.example', 'eli.moss@adatum.example'];

/** The log as a user reads it: every message once, and each contact with their counts and dates. */
async function snapshot(db: Database) {
  const [messages] = await db.query<{ keys: string[] }>('select coalesce(array_agg(message_key order by message_key), $1) as keys from message', [[]]);
  const contacts = (await listContacts(db)).map((c) => ({
    addresses: c.addresses, name: c.name, company: c.company, interactions: c.interactionCount,
    first: c.firstContactAt?.toISOString(), last: c.lastContactAt?.toISOString(),
  }));
  contacts.sort((a, b) => a.addresses.join().localeCompare(b.addresses.join()));
  return { messages: messages!.keys, contacts };
}

describe('rapport workers through Redis restarts and a minute of Gmail 5xx', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let databaseUrl: string;
  const workers: ChildProcess[] = [];
  let dataDir: string;
  let redisUrl: string;
  let privateRedis: PrivateRedis | null = null;
  let emulator: GoogleEmulator;
  let config: Config;
  let db: Database;
  let redis: Redis;
  let accountId: number;
  let sequence = 0;

  const held = () => allHeldProviderIds(db, accountId);
  const inMailbox = () => emulator.messages(USER).map((m) => m.id).sort();

  /** Mail from and to a handful of correspondents, as a busy week brings. */
  function receiveMail(count: number): void {
    for (let i = 0; i < count; i++) {
      const n = ++sequence;
      const person = PEOPLE[n % PEOPLE.length]!;
      const sent = n % 3 === 0;
      emulator.insertMessage(
        USER,
        rawMessage({
          from: sent ? USER : person, to: sent ? person : USER, subject: `Project note ${n}`,
          date: new Date(Date.now() - (200 - n) * 3_600_000), messageId: `note-${n}@faults.example`,
        }),
        { labelIds: [sent ? 'SENT' : 'INBOX'] },
      );
    }
  }

  /** The same mailbox synced once, in this process, into a new database with no fault on the way. */
  async function cleanRun() {
    const store = await openTestStore('pglite');
    const cleanRedis = await connectRedis(config.redisUrl);
    const cleanConfig = { ...config, queuePrefix: `${config.queuePrefix}-clean-${randomBytes(3).toString('hex')}` };
    const service = startSyncService({ config: cleanConfig, db: store.db, redis: cleanRedis, secrets: (await connectSeededAccount(store.db, cleanConfig, emulator, USER)).secrets });
    try {
      const [account] = await store.db.query<{ id: number }>('select id from account');
      await runAccountSync(service, account!.id);
      return await snapshot(store.db);
    } finally {
      await service.close();
      cleanRedis.disconnect();
      await store.dispose();
    }
  }

  async function restartRedis(downMs: number): Promise<void> {
    await privateRedis!.stop();
    await new Promise((r) => setTimeout(r, downMs));
    privateRedis = await startPrivateRedisIfNeeded(redisUrl, dataDir);
    if (!privateRedis) throw new Error('the test Redis did not start again');
  }

  beforeAll(async () => {
    database = await createTestDatabase('faults');
    databaseUrl = database.databaseUrl;
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-faults-'));
    redisUrl = `redis://127.0.0.1:${await freePort()}`;
    privateRedis = await startPrivateRedisIfNeeded(redisUrl, dataDir);
    emulator = await startGoogleEmulator();
    emulator.addUser(USER);
    receiveMail(60);
    const configFile = path.join(dataDir, 'config.yaml');
    // A poll every 3 seconds stands in for Gmail's push.
    fs.writeFileSync(configFile, 'sync:\n  mailWindowMonths: 600\n  calendarPastDays: 36500\n  pollMinutes: 0.05\n');
    config = googleTestConfig(emulator, { RAPPORT_DATA_DIR: dataDir, RAPPORT_CONFIG: configFile, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl });
    const env = {
      ...process.env,
      RAPPORT_DATA_DIR: dataDir, RAPPORT_CONFIG: configFile, DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl, RAPPORT_QUEUE_PREFIX: config.queuePrefix, RAPPORT_ME: config.user.addresses.join(','),
      RAPPORT_GOOGLE_API_URL: config.google.apiUrl, RAPPORT_GOOGLE_CLIENT_ID: config.google.clientId,
      RAPPORT_GOOGLE_CLIENT_SECRET: config.google.clientSecret,
    };
    workers.push(
      ...(await Promise.all([
        startRapport(['worker'], env, /rapport worker serving/),
        startRapport(['worker', '--queues', 'sync,deliver'], env, /rapport worker serving/),
      ])),
    );
    db = await openStore({ databaseUrl, dataDir });
    redis = await connectRedis(redisUrl);
    // The restarts below refuse connections for a moment: expected here, not worth a report.
    redis.on('error', () => undefined);
  });
  afterAll(async () => {
    await stopRapport(workers);
    redis?.disconnect();
    await db?.close();
    await privateRedis?.stop();
    await emulator?.close();
    await database?.drop();
  });

  it('Redis restarted, empty, in the middle of the first sync: the sync finishes and the log equals a clean run', async () => {
    // Slow Gmail down so that the restart lands in the middle.
    emulator.addFault({ match: /^GET .*\/messages\/[^/]+$/, kind: 'latency', latencyMs: 800 });
    ({ accountId } = await connectSeededAccount(db, config, emulator, USER));
    await until(async () => (await held()).length >= 5, 30_000, 50);
    expect((await held()).length).toBeLessThan(inMailbox().length);

    await restartRedis(1_000);
    emulator.clearFaults();

    await until(async () => (await held()).join() === inMailbox().join(), 60_000, 200);
    expect(await snapshot(db)).toEqual(await cleanRun());
  });

  it('an approved draft waiting for its time while Redis restarts empty is sent once, at its time', async () => {
    const inbound = receiveInbound(emulator, 'faults-restart');
    await until(async () => (await held()).join() === inMailbox().join(), 30_000, 100);
    const { draft } = await createDraft(db, {
      kind: 'thank_you', accountId, toAddress: 'jane.doe@firm.example', toName: 'Jane Doe',
      subject: `Re: ${inbound.subject}`, body: 'Hi Jane,\n\nThank you for your time today.\n\nAlex\n',
      idempotencyKey: 'thank_you:faults-restart', inReplyTo: inbound.rfcMessageId, references: [inbound.rfcMessageId],
      providerThreadId: inbound.threadId,
    });
    const queue = openQueue('deliver', redis, config.queuePrefix);
    const sendAt = new Date(Date.now() + 6_000);
    await approveDraft({ db, scheduleDelivery: scheduleDelivery(queue) }, draft.id, { mode: 'send', at: sendAt });
    expect(await queue.getDelayedCount()).toBe(1);
    await queue.close();

    // The delayed job lived only in Redis.
    await restartRedis(500);

    await until(async () => (await draftNow(db, draft.id)).status === 'delivered', 45_000, 200);
    const delivered = await draftNow(db, draft.id);
    expect(delivered.deliveredAt!.getTime()).toBeGreaterThanOrEqual(sendAt.getTime() - 1_000);
    expect(sentCopiesOf(emulator, delivered.rfcMessageId)).toHaveLength(1);
    // Sent once, and the sent copy is in the log once.
    await until(async () => (await held()).join() === inMailbox().join(), 30_000, 100);
    expect(await snapshot(db)).toEqual(await cleanRun());
  });

  it('Gmail answering 500 for a minute: syncs fail and retry, and the log catches up to a clean run once it recovers', async () => {
    emulator.addFault({ match: GMAIL, kind: '500' });
    receiveMail(12);
    const failedBefore = emulator.requestLog.filter((r) => r.status === 500).length;
    await new Promise((r) => setTimeout(r, 60_000));
    // Every poll in that minute met the outage.
    expect(emulator.requestLog.filter((r) => r.status === 500).length - failedBefore).toBeGreaterThan(5);
    expect((await held()).length).toBeLessThan(inMailbox().length);

    emulator.clearFaults();
    await until(async () => (await held()).join() === inMailbox().join(), 90_000, 250);
    expect(await snapshot(db)).toEqual(await cleanRun());
  }, 200_000);
});
