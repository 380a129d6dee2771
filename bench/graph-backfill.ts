/**
 * Graph backfill benchmark: seeds the Graph emulator with N messages (Kaminski's Enron
 * mailbox, repeated as distinct messages), enforces Graph's per-mailbox limits (4 in
 * flight, 10,000 requests per 10 minutes), and runs a first sync end to end (real Graph
 * client, Redis gates, ingest, embedded PGlite). Prints messages per second, requests
 * per message and use of the allowed request rate (requests made / the most the limit
 * allows in the time taken), 429s, and whether anything was lost or duplicated. Then it
 * fetches the same mailbox both ways without ingest: JSON pages (every field in the delta
 * pages, no per-message request) and MIME per message (`$value`, what rapport does).
 * Time is scaled: the emulator's 10-minute window is --scale times shorter and rapport's
 * pacing --scale times faster, which is the same as running the clock that much faster.
 *
 *   npm run bench:graph [-- --messages 20000 --scale 3 --sync-only]
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../src/config/load-config.ts';
import type { MailSink } from '../src/integrations/google/gmail-mail-sync.ts';
import { syncOutlookMail } from '../src/integrations/outlook/outlook-mail-sync.ts';
import type { OutlookSession } from '../src/integrations/outlook/outlook-session.ts';
import { findAccount } from '../src/store/account-repository.ts';
import { openStore } from '../src/store/open-store.ts';
import { allHeldProviderIds } from '../src/store/provider-message-repository.ts';
import { openOutlookAccountSession } from '../src/workers/account-session.ts';
import { connectRedis } from '../src/workers/redis-connection.ts';
import { runAccountSync, startSyncService, type SyncService } from '../src/workers/sync-runner.ts';
import { startGraphEmulator, type GraphEmulator } from '../test/emulators/graph/index.ts';
import { connectSeededOutlookAccount, OUTLOOK_CLIENT_ID, OUTLOOK_CLIENT_SECRET } from '../test/helpers/outlook.ts';
import { ME, readSources, renameMessageId } from './enron-corpus.ts';

const GRAPH_REQUESTS_PER_10_MINUTES = 10_000;
const TEN_MINUTES_S = 600;
const TARGET_RATE_USE = 0.9;
const PAGE_SIZE = 50;
/** What rapport would have to read to build its log from JSON instead of MIME. */
const JSON_SELECT =
  'id,conversationId,receivedDateTime,sentDateTime,isDraft,internetMessageId,subject,from,sender,toRecipients,ccRecipients,bccRecipients,replyTo,body,internetMessageHeaders';
const FOLDERS = ['inbox', 'sentitems'];

interface Run {
  seconds: number;
  requests: number;
  refused: number;
  messages: number;
}

function options(): { messages: number; scale: number; compare: boolean } {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '20000' },
      // ×3 is as fast as the clock can run while 4 in-flight turns still cover a batch's write.
      scale: { type: 'string', default: '3' },
      // The fetch-only comparison takes as long again as the sync; skip it for sync figures alone.
      'sync-only': { type: 'boolean', default: false },
    },
  });
  const messages = Number(values.messages);
  const scale = Number(values.scale);
  if (!Number.isInteger(messages) || messages < 1) throw new Error(`--messages must be a positive integer, not ${values.messages}`);
  if (!(scale > 0)) throw new Error(`--scale must be a positive number, not ${values.scale}`);
  return { messages, scale, compare: !values['sync-only'] };
}

/** Copies of the sources, each a distinct message; Kaminski's own mail goes to Sent Items. */
function seed(emulator: GraphEmulator, messages: number): void {
  const sources = readSources();
  const started = performance.now();
  for (let i = 0; i < messages; i++) {
    const copy = Math.floor(i / sources.length);
    const original = sources[i % sources.length]!.toString('latin1');
    const raw = copy > 0 ? renameMessageId(original, copy) : original;
    const from = /^From:[^\r\n]*/im.exec(raw)?.[0] ?? '';
    const date = Date.parse((/^Date:[ \t]*([^\r\n]*)/im.exec(raw)?.[1] ?? '').replace(/\s*\([A-Z]+\)\s*$/, ''));
    emulator.insertMessage(ME, Buffer.from(raw, 'latin1'), {
      folder: from.toLowerCase().includes(ME) ? 'sentitems' : 'inbox',
      ...(Number.isNaN(date) ? {} : { receivedDateTime: new Date(date) }),
    });
  }
  console.error(`Seeded the emulator with ${messages} messages in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
}

/** Times `task` and counts the mailbox's requests (and 429s) the emulator saw meanwhile. */
async function measure(emulator: GraphEmulator, task: () => Promise<number>): Promise<Run> {
  const from = emulator.requestLog.length;
  const started = performance.now();
  const messages = await task();
  const seconds = (performance.now() - started) / 1000;
  const log = emulator.requestLog.slice(from).filter((r) => r.user === ME);
  return { seconds, requests: log.length, refused: log.filter((r) => r.status === 429).length, messages };
}

/** Lists every folder by delta with all the fields a log would need: no per-message request. */
async function listJsonPages(session: OutlookSession, windowStart: Date): Promise<number> {
  let listed = 0;
  const filter = encodeURIComponent(`receivedDateTime ge ${windowStart.toISOString().replace(/\.\d{3}Z$/, 'Z')}`);
  for (const folder of FOLDERS) {
    let link: string | undefined = `/me/mailFolders/${folder}/messages/delta?$select=${JSON_SELECT}&$filter=${filter}`;
    while (link) {
      const url: string = link;
      const page = await session.call<{ value?: { isDraft?: boolean; '@removed'?: unknown }[]; '@odata.nextLink'?: string }>((graph) =>
        graph.api(url).header('Prefer', `odata.maxpagesize=${PAGE_SIZE}, outlook.body-content-type="text"`).get(),
      );
      listed += (page.value ?? []).filter((m) => !m['@removed'] && !m.isDraft).length;
      link = page['@odata.nextLink'];
    }
  }
  return listed;
}

/** rapport's own full sync (delta listing, then `$value` per message) into a sink that keeps nothing. */
async function fetchMimeOnly(session: OutlookSession, windowStart: Date): Promise<number> {
  const discard: MailSink = {
    held: async () => new Set(),
    heldSince: async () => [],
    store: async () => undefined,
    remove: async () => undefined,
    progress: async () => undefined,
  };
  const result = await syncOutlookMail(session, null, { windowStart, folders: [], concurrency: 4, pageSize: PAGE_SIZE }, discard);
  return result.fetched;
}

async function syncEndToEnd(service: SyncService, emulator: GraphEmulator, accountId: number): Promise<Run> {
  let lastPrint = 0;
  const started = performance.now();
  return measure(emulator, async () => {
    const outcome = await runAccountSync(service, accountId, (p) => {
      const now = performance.now();
      if (now - lastPrint < 5_000) return;
      lastPrint = now;
      console.error(`  ${p.phase} ${p.done}/${p.total}, ${(p.done / ((now - started) / 1000)).toFixed(0)} msg/s`);
    });
    if (outcome.mail instanceof Error) throw outcome.mail;
    if (outcome.mail.status !== 'synced') throw new Error(`the sync did not finish: ${JSON.stringify(outcome.mail)}`);
    return outcome.mail.stored ?? 0;
  });
}

function benchConfig(tmp: string, emulator: GraphEmulator, requestsPer10Minutes: number): Config {
  const base = loadConfig({
    HOME: os.homedir(),
    RAPPORT_DATA_DIR: tmp,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    DATABASE_URL: '',
    RAPPORT_QUEUE_PREFIX: `bench-${randomBytes(5).toString('hex')}`,
    RAPPORT_ME: ME,
    RAPPORT_GRAPH_URL: emulator.url,
    RAPPORT_MICROSOFT_AUTHORITY: new URL('common/', emulator.url).toString(),
    RAPPORT_MICROSOFT_CLIENT_ID: OUTLOOK_CLIENT_ID,
    RAPPORT_MICROSOFT_CLIENT_SECRET: OUTLOOK_CLIENT_SECRET,
  });
  // The Enron mail is from 1999–2002: the window reaches back far enough to take all of it.
  return { ...base, microsoft: { ...base.microsoft, requestsPer10Minutes }, sync: { ...base.sync, mailWindowMonths: 600 } };
}

const line = (label: string, value: string, note = '') => console.log(`${label.padEnd(30)}${value.padEnd(26)}${note}`);

function printRun(label: string, run: Run, scale: number, allowedPerSecond: number, share: number): void {
  const rate = run.messages / run.seconds;
  const use = run.requests / (run.seconds * allowedPerSecond);
  // At the real limit a run takes at least its requests at the real pace (share included).
  const realSeconds = Math.max(run.seconds, run.requests / ((allowedPerSecond / scale) * share));
  line(label, `${run.seconds.toFixed(1)} s, ${rate.toFixed(1)} msg/s`, `${run.requests} requests (${(run.requests / run.messages).toFixed(3)}/msg), rate use ${use.toFixed(2)}, ${run.refused} × 429`);
  line('', '', `at the real limit: ≈ ${(run.messages / realSeconds).toFixed(1)} msg/s (${realSeconds.toFixed(0)} s)`);
}

async function main(): Promise<void> {
  const { messages, scale, compare } = options();
  const allowedPerSecond = (GRAPH_REQUESTS_PER_10_MINUTES * scale) / TEN_MINUTES_S;
  const emulator = await startGraphEmulator({
    requestsPer10Minutes: GRAPH_REQUESTS_PER_10_MINUTES,
    throttleWindowMs: (TEN_MINUTES_S * 1000) / scale,
    maxConcurrentPerMailbox: 4,
  });
  emulator.addUser(ME);
  seed(emulator, messages);

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-bench-graph-'));
  const config = benchConfig(tmp, emulator, GRAPH_REQUESTS_PER_10_MINUTES * scale);
  const redis = await connectRedis(config.redisUrl);
  const db = await openStore({ databaseUrl: '', dataDir: tmp });
  const { accountId, secrets } = await connectSeededOutlookAccount(db, config, emulator, ME);
  const service = startSyncService({ config, db, redis, secrets });
  try {
    const sync = await syncEndToEnd(service, emulator, accountId);
    const held = new Set(await allHeldProviderIds(db, accountId));
    const expected = emulator.messages(ME).filter((m) => !m.isDraft).map((m) => m.immutableId);
    const [rows] = await db.query<{ n: number }>('select count(*)::int as n from message');
    const lost = expected.filter((id) => !held.has(id)).length;
    const extra = held.size - (expected.length - lost);

    let fetchOnly: { json: Awaited<ReturnType<typeof measure>>; mime: Awaited<ReturnType<typeof measure>> } | null = null;
    if (compare) {
      console.error('Fetching the mailbox again without ingest: JSON pages, then MIME per message.');
      const account = (await findAccount(db, accountId))!;
      const windowStart = new Date();
      windowStart.setUTCMonth(windowStart.getUTCMonth() - config.sync.mailWindowMonths);
      const json = await measure(emulator, () => listJsonPages(openOutlookAccountSession(service.deps, account), windowStart));
      const mime = await measure(emulator, () => fetchMimeOnly(openOutlookAccountSession(service.deps, account), windowStart));
      fetchOnly = { json, mime };
    }

    const rate = sync.messages / sync.seconds;
    const use = sync.requests / (sync.seconds * allowedPerSecond);
    console.log(`machine: ${os.cpus().length} cores, ${os.cpus()[0]?.model.split(' ').slice(0, 2).join(' ')}, Node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    line('messages', String(messages), `time scaled ×${scale}: ${GRAPH_REQUESTS_PER_10_MINUTES} requests per ${TEN_MINUTES_S / scale} s, 4 in flight`);
    line('sync time', `${sync.seconds.toFixed(1)} s`, `rapport paces to ${config.microsoft.rateShare} of the limit`);
    line('messages per second', rate.toFixed(1), `${(rate / scale).toFixed(1)} msg/s at Graph's real limit`);
    line('requests made', String(sync.requests), `${(sync.requests / messages).toFixed(3)} per message`);
    line('use of the allowed rate', use.toFixed(2), `≥ ${TARGET_RATE_USE}: ${use >= TARGET_RATE_USE ? 'met' : 'not met'}`);
    line('429s from the emulator', String(sync.refused));
    line('lost / duplicated', `${lost} / ${extra + rows!.n - held.size}`, `${held.size} held of ${expected.length}, ${rows!.n} message rows`);
    if (fetchOnly) {
      console.log('fetch only, no ingest:');
      printRun('  JSON pages', fetchOnly.json, scale, allowedPerSecond, config.microsoft.rateShare);
      printRun('  MIME per message ($value)', fetchOnly.mime, scale, allowedPerSecond, config.microsoft.rateShare);
    }
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
