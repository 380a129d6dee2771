/**
 * rapport split across processes, as an operator scales it out: `rapport web` takes a
 * Gmail push notification and queues the sync; two `rapport worker` processes share the
 * queues; a PostgreSQL database of their own, created for the test, and one Redis.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load-config.ts';
import type { Database } from '../../src/store/database.ts';
import { openStore } from '../../src/store/open-store.ts';
import { allHeldProviderIds } from '../../src/store/provider-message-repository.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google/index.ts';
import { connectSeededAccount, fixtureFolder, googleTestConfig } from '../helpers/google.ts';
import { createTestDatabase, startRapport, stopRapport } from '../helpers/rapport-process.ts';
import { freePort, until } from '../helpers/wait.ts';

const USER = 'alex.student@university.example';
const SEED = fixtureFolder(['maildir', 'takeout.mbox'].map((p) => path.resolve('test/fixtures/export', p)));

describe('rapport web and two rapport workers sharing one Redis and one PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let databaseUrl: string;
  const children: ChildProcess[] = [];
  let emulator: GoogleEmulator;
  let config: Config;
  let db: Database;
  let env: NodeJS.ProcessEnv;
  let port: number;

  beforeAll(async () => {
    database = await createTestDatabase('scale');
    databaseUrl = database.databaseUrl;
    emulator = await startGoogleEmulator();
    emulator.addUser(USER);
    await emulator.seedFromFolder(USER, SEED);
    port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-scale-'));
    const configFile = path.join(dataDir, 'config.yaml');
    fs.writeFileSync(configFile, 'sync:\n  mailWindowMonths: 600\n  calendarPastDays: 36500\n');
    config = googleTestConfig(emulator, {
      RAPPORT_DATA_DIR: dataDir, RAPPORT_CONFIG: configFile, DATABASE_URL: databaseUrl,
      RAPPORT_HTTP_PORT: String(port), RAPPORT_PUSH_TOKEN: 'scale-secret',
    });
    env = {
      ...process.env,
      RAPPORT_DATA_DIR: dataDir, RAPPORT_CONFIG: configFile, DATABASE_URL: databaseUrl,
      REDIS_URL: config.redisUrl, RAPPORT_QUEUE_PREFIX: config.queuePrefix, RAPPORT_ME: config.user.addresses.join(','),
      RAPPORT_GOOGLE_API_URL: config.google.apiUrl, RAPPORT_GOOGLE_CLIENT_ID: config.google.clientId,
      RAPPORT_GOOGLE_CLIENT_SECRET: config.google.clientSecret, RAPPORT_HTTP_PORT: String(port),
      RAPPORT_PUSH_TOKEN: 'scale-secret',
    };
    // All three start at once on the new, empty database.
    children.push(
      ...(await Promise.all([
        startRapport(['web'], env, /rapport web is running/),
        startRapport(['worker', '--queues', 'sync,plan,deliver'], env, /rapport worker serving/),
        startRapport(['worker', '--queues', 'sync', '--concurrency', '4'], env, /rapport worker serving/),
      ])),
    );
    db = await openStore({ databaseUrl, dataDir });
  });
  afterAll(async () => {
    await stopRapport(children);
    await db?.close();
    await emulator?.close();
    await database?.drop();
  });

  it('a push to the web process is synced by a worker process, every message once', async () => {
    const { accountId } = await connectSeededAccount(db, config, emulator, USER);
    const push = { message: { data: Buffer.from(JSON.stringify({ emailAddress: USER, historyId: '1' })).toString('base64url') } };
    const send = () =>
      fetch(`http://127.0.0.1:${port}/webhooks/gmail?token=scale-secret`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(push),
      });
    // The same notification, delivered five times at once.
    const replies = await Promise.all([send(), send(), send(), send(), send()]);
    expect(replies.map((r) => r.status)).toEqual([204, 204, 204, 204, 204]);

    const expected = emulator.messages(USER).map((m) => m.id).sort();
    await until(async () => (await allHeldProviderIds(db, accountId)).length === expected.length, 30_000);
    expect(await allHeldProviderIds(db, accountId)).toEqual(expected);
    const [rows] = await db.query<{ n: number }>('select count(*)::int as n from message');
    expect(rows!.n).toBe(8); // nine in the mailbox; one of them twice (the same Message-ID)
    // One full sync, not one per notification or per worker.
    expect(emulator.requestLog.filter((r) => r.path.endsWith('/profile')).length).toBeLessThanOrEqual(2);
  });
});
