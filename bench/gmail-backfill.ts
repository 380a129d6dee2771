/**
 * Gmail backfill benchmark: seeds the Google emulator with N messages (Kaminski's Enron
 * mailbox, repeated as distinct messages), enforces the per-user quota, and runs a first
 * sync end to end (real googleapis client, Redis quota gate, ingest, embedded PGlite).
 * Prints messages per second and quota use (units spent / the most the quota allows in
 * the time taken), and checks that nothing was lost or duplicated. Time is scaled: the
 * quota is multiplied by --scale, which is the same as running the clock that much faster.
 *
 *   npm run bench:gmail [-- --messages 20000 --scale 10]
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../src/config/load-config.ts';
import { GOOGLE_SCOPES } from '../src/integrations/google/google-auth.ts';
import { saveConnectedAccount } from '../src/store/account-repository.ts';
import { openStore } from '../src/store/open-store.ts';
import { allHeldProviderIds } from '../src/store/provider-message-repository.ts';
import { openSecretBox } from '../src/store/secret-box.ts';
import { connectRedis } from '../src/workers/redis-connection.ts';
import { runAccountSync, startSyncService } from '../src/workers/sync-runner.ts';
import { startGoogleEmulator } from '../test/emulators/google/index.ts';
import { ME, readSources, renameMessageId } from './enron-corpus.ts';

const GMAIL_UNITS_PER_SECOND = 250;
const TARGET_QUOTA_USE = 0.9;

function options(): { messages: number; scale: number } {
  const { values } = parseArgs({
    options: { messages: { type: 'string', default: '20000' }, scale: { type: 'string', default: '10' } },
  });
  const messages = Number(values.messages);
  const scale = Number(values.scale);
  if (!Number.isInteger(messages) || messages < 1) throw new Error(`--messages must be a positive integer, not ${values.messages}`);
  if (!(scale > 0)) throw new Error(`--scale must be a positive number, not ${values.scale}`);
  return { messages, scale };
}

async function main(): Promise<void> {
  const { messages, scale } = options();
  const unitsPerSecond = GMAIL_UNITS_PER_SECOND * scale;
  const sources = readSources();
  const emulator = await startGoogleEmulator({ unitsPerSecond });
  emulator.addUser(ME);
  const started = performance.now();
  for (let i = 0; i < messages; i++) {
    const copy = Math.floor(i / sources.length);
    const raw = sources[i % sources.length]!.toString('latin1');
    emulator.insertMessage(ME, Buffer.from(copy > 0 ? renameMessageId(raw, copy) : raw, 'latin1'), { labelIds: ['INBOX'] });
  }
  console.error(`Seeded the emulator with ${messages} messages in ${((performance.now() - started) / 1000).toFixed(1)} s.`);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-bench-gmail-'));
  const base = loadConfig({
    HOME: os.homedir(),
    RAPPORT_DATA_DIR: tmp,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    DATABASE_URL: '',
    RAPPORT_QUEUE_PREFIX: `bench-${randomBytes(5).toString('hex')}`,
    RAPPORT_ME: ME,
    RAPPORT_GOOGLE_API_URL: emulator.url,
    RAPPORT_GOOGLE_CLIENT_ID: 'rapport-test',
    RAPPORT_GOOGLE_CLIENT_SECRET: 'rapport-test-secret',
  });
  // The Enron mail is from 1999–2002: the window reaches back far enough to take all of it.
  const config: Config = {
    ...base,
    google: { ...base.google, quotaUnitsPerSecond: unitsPerSecond },
    sync: { ...base.sync, mailWindowMonths: 600 },
  };
  const redis = await connectRedis(config.redisUrl);
  const db = await openStore({ databaseUrl: '', dataDir: tmp });
  const secrets = openSecretBox(tmp, {});
  const accountId = await saveConnectedAccount(db, 'gmail', ME, secrets.seal({ refresh_token: emulator.issueRefreshToken(ME) }), [...GOOGLE_SCOPES]);
  const service = startSyncService({ config, db, redis, secrets });
  try {
    const unitsBefore = emulator.unitsUsed(ME);
    let lastPrint = 0;
    const syncStarted = performance.now();
    const outcome = await runAccountSync(service, accountId, (p) => {
      const now = performance.now();
      if (now - lastPrint < 5_000) return;
      lastPrint = now;
      const seconds = (now - syncStarted) / 1000;
      console.error(`  ${p.phase} ${p.done}/${p.total}, ${(p.done / seconds).toFixed(0)} msg/s`);
    });
    const seconds = (performance.now() - syncStarted) / 1000;
    if (outcome.mail instanceof Error) throw outcome.mail;
    const units = emulator.unitsUsed(ME) - unitsBefore;
    const held = await allHeldProviderIds(db, accountId);
    const expected = emulator.messages(ME).map((m) => m.id).sort();
    const [rows] = await db.query<{ n: number }>('select count(*)::int as n from message');
    const lost = expected.filter((id) => !held.includes(id)).length;
    const refused = emulator.requestLog.filter((r) => r.status === 429).length;
    const rate = messages / seconds;
    const quotaUse = units / (seconds * unitsPerSecond);
    const line = (label: string, value: string, note = '') => console.log(`${label.padEnd(28)}${value.padEnd(24)}${note}`);
    console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model.split(' ').slice(0, 2).join(' ')}, Node ${process.version}`);
    line('messages', String(messages), `time scaled ×${scale}: quota ${unitsPerSecond} units/s`);
    line('sync time', `${seconds.toFixed(1)} s`);
    line('messages per second', rate.toFixed(1), `${(rate / scale).toFixed(1)} msg/s at Google's real quota`);
    line('units spent', String(units), `${(units / messages).toFixed(2)} per message`);
    line('quota use', quotaUse.toFixed(2), `≥ ${TARGET_QUOTA_USE}: ${quotaUse >= TARGET_QUOTA_USE ? 'met' : 'not met'}`);
    line('429s from the emulator', String(refused));
    line('lost / duplicated', `${lost} / ${rows!.n - held.length}`, `${held.length} held, ${rows!.n} message rows`);
  } finally {
    await service.close();
    const keys = await redis.keys(`${config.queuePrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await db.close();
    await emulator.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
