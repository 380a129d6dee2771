/**
 * Load benchmark: many accounts (Gmail and Outlook mixed, each its own mailbox of
 * Kaminski's Enron mail as distinct messages) syncing at once through `rapport worker
 * --queues sync` processes that share one PostgreSQL server and one Redis: first with
 * one worker process, then with two. The emulators run in processes of their own; this
 * process seeds them, connects every account (the Gmail refresh token sealed, Outlook
 * through MSAL's authorization-code flow), asks for a sync of every account at once on
 * the queue (as the poll does), and measures until every account's mail is stored.
 *
 * Prints, per run: total messages per second, each account's rate (its messages / the
 * time from the request to its completion) and the slowest against the median, Redis
 * `used_memory` (peak), each worker's peak RSS (VmHWM), the CPU each part used, the
 * emulators' request counts and 429s, and whether any message was lost or duplicated.
 * Time is scaled as in the Gmail and Graph benchmarks: every per-account limit is
 * --scale times larger, as if the clock ran that much faster.
 *
 *   npm run bench:accounts [-- --accounts 50 --messages-per-account 300 --scale 10]
 *                             [--processes 1,2] [--concurrency N]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import pg from 'pg';
import { loadConfig, type Config } from '../src/config/load-config.ts';
import { GOOGLE_SCOPES } from '../src/integrations/google/google-auth.ts';
import { createMsalClient, exchangeOutlookCode, outlookConsentRequest } from '../src/integrations/outlook/outlook-auth.ts';
import { saveConnectedAccount } from '../src/store/account-repository.ts';
import type { Database } from '../src/store/database.ts';
import { openStore } from '../src/store/open-store.ts';
import { allHeldProviderIds } from '../src/store/provider-message-repository.ts';
import { openSecretBox, type SecretBox } from '../src/store/secret-box.ts';
import { openQueue } from '../src/workers/queues.ts';
import { connectRedis } from '../src/workers/redis-connection.ts';
import { requestSync, syncJobId } from '../src/workers/sync-worker.ts';
import { consentCode } from '../test/helpers/outlook.ts';
import {
  GMAIL_UNITS_PER_SECOND,
  GRAPH_REQUESTS_PER_10_MINUTES,
  startEmulatorProcess,
  type EmulatorProcess,
  type EmulatorStats,
  type SeededUser,
} from './accounts-emulator.ts';
import { backendPids, CpuTally, machineCpu, mb, memoryOf, redisPid, redisUsedMemory } from './accounts-probes.ts';
import { ME } from './enron-corpus.ts';

const ADMIN_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CLIENT = { id: 'rapport-test', secret: 'rapport-test-secret' };
const SAMPLE_MS = 200;
const TIMEOUT_MS = 30 * 60_000;
const TARGETS = { speedup: 1.7, fairness: 0.5, rssMb: 300 };

interface Options {
  accounts: number;
  messagesPerAccount: number;
  scale: number;
  processes: number[];
  concurrency: number | undefined;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      accounts: { type: 'string', default: '50' },
      'messages-per-account': { type: 'string', default: '300' },
      scale: { type: 'string', default: '10' },
      processes: { type: 'string', default: '1,2' },
      concurrency: { type: 'string' },
    },
  });
  const int = (name: string, value: string | undefined, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number of at least ${min}, not ${value}`);
    return n;
  };
  const scale = Number(values.scale);
  if (!(scale > 0)) throw new Error(`--scale must be a positive number, not ${values.scale}`);
  return {
    accounts: int('accounts', values.accounts, 2),
    messagesPerAccount: int('messages-per-account', values['messages-per-account'], 1),
    scale,
    processes: values.processes.split(',').map((p) => int('processes', p.trim(), 1)),
    concurrency: values.concurrency === undefined ? undefined : int('concurrency', values.concurrency, 1),
  };
}

interface BenchAccount {
  provider: 'gmail' | 'outlook';
  address: string;
  slice: SeededUser;
  id?: number;
}

/** Gmail and Outlook alternate, so that asking in order favours neither; each account has its own slice of the long mailbox. */
function planAccounts(count: number, perAccount: number): BenchAccount[] {
  return Array.from({ length: count }, (_, k) => {
    const provider = k % 2 === 0 ? 'gmail' : 'outlook';
    const address = `bench.${provider === 'gmail' ? 'g' : 'o'}${String(k).padStart(3, '0')}@rapport.test`;
    return { provider, address, slice: { address, first: k * perAccount, count: perAccount } };
  });
}

interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  output: string[];
}

const RAPPORT_BIN = fileURLToPath(new URL('../bin/rapport.js', import.meta.url));

/** Starts `rapport worker --queues sync`; resolves once it says it serves. */
function startWorker(env: NodeJS.ProcessEnv, concurrency: number | undefined): Promise<WorkerProcess> {
  const args = ['worker', '--queues', 'sync', ...(concurrency ? ['--concurrency', String(concurrency)] : [])];
  // Executed as `npx rapport` executes it, so the Node options on its first line apply.
  const child = spawn(RAPPORT_BIN, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rapport worker did not start:\n${output.join('')}`)), 60_000);
    const read = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.length > 200) output.splice(0, output.length - 200);
      if (/rapport worker serving/.test(output.join(''))) {
        clearTimeout(timer);
        resolve({ child, pid: child.pid!, output });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`rapport worker exited with ${code}:\n${output.join('')}`));
    });
  });
}

/**
 * Ctrl-C ends the run being measured and cleans up as after a normal run (workers,
 * emulators, database, Redis keys); a second one exits at once, killing the workers still
 * running (the emulators stop by themselves when their IPC channel closes).
 */
const running = new Set<ChildProcess>();
let interruptedOnce = false;
let interrupt: () => void = () => undefined;
const interrupted = new Promise<'interrupted'>((resolve) => (interrupt = () => resolve('interrupted')));
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interruptedOnce) process.exit(130);
    interruptedOnce = true;
    console.error('Interrupted: stopping and cleaning up (again to exit at once).');
    interrupt();
  });
}

function stopWorker(worker: WorkerProcess): Promise<void> {
  return new Promise((resolve) => {
    if (worker.child.exitCode !== null || worker.child.signalCode !== null) return resolve();
    worker.child.once('exit', () => resolve());
    worker.child.kill('SIGTERM');
  });
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

async function countPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    n += keys.length;
  } while (cursor !== '0');
  return n;
}

async function connectGmail(db: Database, secrets: SecretBox, google: EmulatorProcess, address: string): Promise<number> {
  const refreshToken = await google.refreshToken(address);
  return saveConnectedAccount(db, 'gmail', address, secrets.seal({ refresh_token: refreshToken }), [...GOOGLE_SCOPES]);
}

/** As `rapport accounts connect outlook` after consent: MSAL redeems the code (with PKCE) the emulator redirects with. */
async function connectOutlook(db: Database, secrets: SecretBox, config: Config, graph: EmulatorProcess, address: string): Promise<number> {
  const redirectUri = 'http://localhost:7412/oauth/outlook/callback';
  await graph.consent(address);
  const consent = await outlookConsentRequest(createMsalClient(config.microsoft), redirectUri, 'bench', address);
  const code = await consentCode(consent.url);
  const result = await exchangeOutlookCode(config.microsoft, redirectUri, code, consent.codeVerifier);
  return saveConnectedAccount(db, 'outlook', result.address, secrets.seal(result.tokens), result.grantedScopes);
}

interface AccountResult {
  provider: 'gmail' | 'outlook';
  messages: number;
  /** Seconds from the request to the mail sync's completion. */
  seconds: number;
  /** Seconds the mail sync ran (from taken by a worker to done). */
  ran: number;
  rate: number;
}

interface RunResult {
  processes: number;
  seconds: number;
  messages: number;
  accounts: AccountResult[];
  failed: string[];
  retried: string[];
  lost: number;
  duplicated: number;
  ingestFailures: number;
  redis: { before: number; peak: number; after: number; keys: number; planJobs: number };
  workers: { idleRss: number; hwm: number; peakRss: number; cpu: number }[];
  cpu: { emulators: Record<string, number>; postgres: number; redis: number | null; bench: number; machineBusy: number; machineTotal: number };
  emulators: Record<string, EmulatorStats>;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function runOnce(opts: Options, processes: number): Promise<RunResult> {
  const tag = randomBytes(5).toString('hex');
  const prefix = `bench-accounts-${tag}`;
  const database = `rapport_bench_accounts_${tag}`;
  const databaseUrl = ADMIN_DATABASE_URL.replace(/\/[^/]*$/, `/${database}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-bench-accounts-'));
  const accounts = planAccounts(opts.accounts, opts.messagesPerAccount);
  const byProvider = (p: BenchAccount['provider']) => accounts.filter((a) => a.provider === p).map((a) => a.slice);

  console.error(`\n${processes} worker process${processes > 1 ? 'es' : ''}: seeding the emulators, database ${database}, queue prefix ${prefix}.`);
  await adminQuery(`create database ${database}`);
  const redis = await connectRedis(REDIS_URL);
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  const emulators: EmulatorProcess[] = [];
  const workers: WorkerProcess[] = [];
  let db: Database | null = null;
  let events: QueueEvents | null = null;
  let eventsConnection: Redis | null = null;
  let sampler: NodeJS.Timeout | null = null;
  try {
    const seedStarted = performance.now();
    const [google, graph] = await Promise.all([
      startEmulatorProcess({ kind: 'google', users: byProvider('gmail'), scale: opts.scale }),
      startEmulatorProcess({ kind: 'graph', users: byProvider('outlook'), scale: opts.scale }),
    ]);
    emulators.push(google, graph);
    console.error(`  emulators seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s (${accounts.length} × ${opts.messagesPerAccount} messages)`);

    const configFile = path.join(tmp, 'config.yaml');
    fs.writeFileSync(
      configFile,
      [
        // Every per-account limit --scale times larger, as the emulators enforce them.
        `google:\n  quotaUnitsPerSecond: ${GMAIL_UNITS_PER_SECOND * opts.scale}`,
        `microsoft:\n  requestsPer10Minutes: ${GRAPH_REQUESTS_PER_10_MINUTES * opts.scale}`,
        // The Enron mail is from 1999–2004 (copies move on in time): the window takes all of it.
        // No scheduled poll during the run: the benchmark asks for the syncs itself.
        'sync:\n  mailWindowMonths: 600\n  calendarPastDays: 36500\n  pollMinutes: 1440',
        '',
      ].join('\n'),
    );
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      // Node flags for the workers only (e.g. --max-old-space-size=160), to see what bounds their memory.
      ...(process.env.BENCH_WORKER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS } : {}),
      HOME: os.homedir(),
      RAPPORT_DATA_DIR: tmp,
      RAPPORT_CONFIG: configFile,
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      RAPPORT_QUEUE_PREFIX: prefix,
      RAPPORT_ME: ME,
      RAPPORT_GOOGLE_API_URL: google.url,
      RAPPORT_GOOGLE_CLIENT_ID: CLIENT.id,
      RAPPORT_GOOGLE_CLIENT_SECRET: CLIENT.secret,
      RAPPORT_GRAPH_URL: graph.url,
      RAPPORT_MICROSOFT_AUTHORITY: new URL('common/', graph.url).toString(),
      RAPPORT_MICROSOFT_CLIENT_ID: CLIENT.id,
      RAPPORT_MICROSOFT_CLIENT_SECRET: CLIENT.secret,
    };
    const config = loadConfig(env as Record<string, string>);
    db = await openStore({ databaseUrl, dataDir: tmp });
    const secrets = openSecretBox(tmp, {});

    // Workers first: each schedules the poll, whose first run finds no account yet.
    workers.push(...(await Promise.all(Array.from({ length: processes }, () => startWorker(env, opts.concurrency)))));
    const queue = openQueue('sync', redis, prefix);
    for (;;) {
      const counts = await queue.getJobCounts('waiting', 'active', 'prioritized');
      if (counts.waiting === 0 && counts.active === 0 && counts.prioritized === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const account of accounts) {
      account.id =
        account.provider === 'gmail'
          ? await connectGmail(db, secrets, google, account.address)
          : await connectOutlook(db, secrets, config, graph, account.address);
    }
    console.error(`  ${accounts.length} accounts connected; ${processes} × rapport worker --queues sync${opts.concurrency ? ` --concurrency ${opts.concurrency}` : ''}`);

    // Completion and progress come through Redis, from whichever worker runs the job.
    eventsConnection = redis.duplicate();
    events = new QueueEvents('sync', { connection: eventsConnection, prefix });
    await events.waitUntilReady();
    const mailJob = new Map(accounts.map((a) => [syncJobId('mail', a.id!), a]));
    const pendingJobs = new Set(accounts.flatMap((a) => [syncJobId('mail', a.id!), syncJobId('calendar', a.id!)]));
    const activeAt = new Map<string, number>();
    const doneAt = new Map<string, number>();
    const progress = new Map<string, number>();
    const failed: string[] = [];
    let allDone: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (allDone = resolve));
    const settle = (jobId: string) => {
      pendingJobs.delete(jobId);
      if (pendingJobs.size === 0) allDone();
    };
    events.on('active', ({ jobId }) => {
      if (!activeAt.has(jobId)) activeAt.set(jobId, performance.now());
    });
    events.on('progress', ({ jobId, data }) => {
      // Only the fetching phase counts messages stored; listing counts ids found.
      const update = data as { phase?: string; done?: number } | null;
      if (mailJob.has(jobId) && update?.phase === 'fetching' && typeof update.done === 'number') progress.set(jobId, update.done);
    });
    // A failed attempt that will be retried moves the job to delayed; its reason stays on the job.
    const retried: string[] = [];
    events.on('delayed', ({ jobId }) => {
      if (!pendingJobs.has(jobId)) return;
      void queue.getJob(jobId).then((job) => retried.push(`${jobId} (attempt ${job?.attemptsMade ?? '?'}): ${job?.failedReason ?? 'no reason kept'}`));
    });
    events.on('completed', ({ jobId }) => {
      if (!pendingJobs.has(jobId)) return;
      doneAt.set(jobId, performance.now());
      settle(jobId);
    });
    events.on('failed', ({ jobId, failedReason }) => {
      if (!pendingJobs.has(jobId)) return;
      failed.push(`${jobId}: ${failedReason}`);
      doneAt.set(jobId, performance.now());
      settle(jobId);
    });

    // Sampling: memory of the workers, Redis used_memory, CPU of every part.
    const idleRss = workers.map((w) => memoryOf(w.pid)?.rss ?? 0);
    const peakRss = workers.map(() => 0);
    const workerCpu = workers.map(() => new CpuTally());
    const emulatorCpu = emulators.map(() => new CpuTally());
    const postgresCpu = new CpuTally();
    const redisCpu = new CpuTally();
    const redisServer = await redisPid(redis);
    let backends: number[] = [];
    let started = false;
    let ticks = 0;
    const redisBefore = await redisUsedMemory(redis);
    let redisPeak = redisBefore;
    const sample = async () => {
      workers.forEach((w, i) => {
        peakRss[i] = Math.max(peakRss[i]!, memoryOf(w.pid)?.rss ?? 0);
        workerCpu[i]!.sample(w.pid, started);
      });
      emulators.forEach((e, i) => emulatorCpu[i]!.sample(e.pid, started));
      if (redisServer) redisCpu.sample(redisServer, started);
      if (ticks++ % 5 === 0) backends = await backendPids(admin, database);
      for (const pid of backends) postgresCpu.sample(pid, started);
      redisPeak = Math.max(redisPeak, await redisUsedMemory(redis));
    };
    await sample();
    let sampling = false;
    sampler = setInterval(() => {
      if (sampling) return;
      sampling = true;
      void sample().finally(() => (sampling = false));
    }, SAMPLE_MS);

    const total = accounts.length * opts.messagesPerAccount;
    for (const tally of [...workerCpu, ...emulatorCpu, postgresCpu, redisCpu]) tally.start();
    started = true;
    const machineBefore = machineCpu();
    const benchBefore = process.cpuUsage();
    const t0 = performance.now();
    // Every account at once, as the poll asks: mail and calendar.
    for (const account of accounts) {
      await requestSync(queue, redis, prefix, 'mail', account.id!);
      await requestSync(queue, redis, prefix, 'calendar', account.id!);
    }
    const progressTimer = setInterval(() => {
      const seconds = (performance.now() - t0) / 1000;
      const stored = [...mailJob.keys()].reduce((sum, id) => sum + (doneAt.has(id) ? opts.messagesPerAccount : (progress.get(id) ?? 0)), 0);
      const syncing = [...mailJob.keys()].filter((id) => activeAt.has(id) && !doneAt.has(id)).length;
      const rss = workers.map((w) => mb(memoryOf(w.pid)?.rss ?? 0)).join(', ');
      console.error(`  ${seconds.toFixed(0)} s: ${stored}/${total} messages (${(stored / seconds).toFixed(0)} msg/s), ${[...mailJob.keys()].filter((id) => doneAt.has(id)).length} accounts done, ${syncing} syncing, worker RSS ${rss}`);
    }, 5_000);
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), TIMEOUT_MS).unref());
    const outcome = await Promise.race([finished, timeout, interrupted]);
    if (outcome === 'interrupted') throw new Error('interrupted');
    clearInterval(progressTimer);
    clearInterval(sampler);
    sampler = null;
    while (sampling) await new Promise((r) => setTimeout(r, 10));
    await sample();
    const benchCpu = process.cpuUsage(benchBefore);
    const machineAfter = machineCpu();
    if (outcome === 'timeout') failed.push(`timed out after ${TIMEOUT_MS / 60_000} min with ${pendingJobs.size} jobs pending`);

    const mailDone = [...mailJob.keys()].map((id) => doneAt.get(id) ?? performance.now());
    const seconds = (Math.max(...mailDone) - t0) / 1000;
    const workerMemory = workers.map((w, i) => ({ idleRss: idleRss[i]!, hwm: memoryOf(w.pid)?.hwm ?? 0, peakRss: peakRss[i]!, cpu: workerCpu[i]!.seconds() }));

    // Nothing lost, nothing twice: every mailbox's ids held by its account, one message row each.
    const expected = { ...(await google.expected()), ...(await graph.expected()) };
    let lost = 0;
    let heldTotal = 0;
    let duplicated = 0;
    const results: AccountResult[] = [];
    for (const account of accounts) {
      const held = await allHeldProviderIds(db, account.id!);
      const heldSet = new Set(held);
      const want = expected[account.address] ?? [];
      lost += want.filter((id) => !heldSet.has(id)).length;
      duplicated += held.length - heldSet.size;
      heldTotal += heldSet.size;
      const jobId = syncJobId('mail', account.id!);
      const done = (doneAt.get(jobId) ?? performance.now()) - t0;
      const ran = (doneAt.get(jobId) ?? performance.now()) - (activeAt.get(jobId) ?? t0);
      results.push({ provider: account.provider, messages: want.length, seconds: done / 1000, ran: ran / 1000, rate: want.length / (done / 1000) });
    }
    const [rows] = await db.query<{ n: number }>('select count(*)::int as n from message');
    const [failures] = await db.query<{ n: number }>('select count(*)::int as n from ingest_failure');
    duplicated += Math.max(0, rows!.n - heldTotal);
    const planQueue = openQueue('plan', redis, prefix);
    const planCounts = await planQueue.getJobCounts('waiting', 'delayed', 'prioritized');
    await planQueue.close();
    const redisAfter = await redisUsedMemory(redis);
    const keys = await countPrefix(redis, prefix);
    await queue.close();

    return {
      processes,
      seconds,
      messages: total,
      accounts: results,
      failed,
      retried,
      lost,
      duplicated,
      ingestFailures: failures!.n,
      redis: { before: redisBefore, peak: redisPeak, after: redisAfter, keys, planJobs: (planCounts.waiting ?? 0) + (planCounts.delayed ?? 0) + (planCounts.prioritized ?? 0) },
      workers: workerMemory,
      cpu: {
        emulators: Object.fromEntries(emulators.map((e, i) => [e.kind, emulatorCpu[i]!.seconds()])),
        postgres: postgresCpu.seconds(),
        redis: redisServer ? redisCpu.seconds() : null,
        bench: (benchCpu.user + benchCpu.system) / 1e6,
        machineBusy: machineAfter.busy - machineBefore.busy,
        machineTotal: machineAfter.total - machineBefore.total,
      },
      emulators: { google: await google.stats(), graph: await graph.stats() },
    };
  } catch (err) {
    if (!interruptedOnce) for (const worker of workers) console.error(worker.output.join('').split('\n').slice(-20).join('\n'));
    throw err;
  } finally {
    if (sampler) clearInterval(sampler);
    await Promise.all(workers.map(stopWorker));
    await events?.close();
    eventsConnection?.disconnect();
    await db?.close();
    await Promise.all(emulators.map((e) => e.close()));
    await deletePrefix(redis, prefix);
    redis.disconnect();
    await admin.end();
    await adminQuery(`drop database if exists ${database} with (force)`);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const line = (label: string, ...values: string[]) => console.log(`${label.padEnd(38)}${values.map((v) => v.padEnd(26)).join('')}`);

function report(opts: Options, runs: RunResult[]): void {
  const cpus = os.cpus();
  console.log('');
  console.log(`machine: ${cpus.length} cores, ${cpus[0]?.model.split(' ').slice(0, 2).join(' ')}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GB, Node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const gmailPerAccount = (GMAIL_UNITS_PER_SECOND * opts.scale * 0.95) / 5;
  const graphPerAccount = ((GRAPH_REQUESTS_PER_10_MINUTES * opts.scale) / 600) * 0.95;
  console.log(
    `${opts.accounts} accounts (${runs[0]?.accounts.filter((a) => a.provider === 'gmail').length} Gmail, ${runs[0]?.accounts.filter((a) => a.provider === 'outlook').length} Outlook) × ${opts.messagesPerAccount} messages; ` +
      `time scaled ×${opts.scale}: per account at most ≈ ${gmailPerAccount.toFixed(0)} msg/s on Gmail (5 units a message), ≈ ${graphPerAccount.toFixed(0)} requests/s on Graph` +
      `; worker --concurrency ${opts.concurrency ?? 'default'}${process.env.BENCH_WORKER_NODE_OPTIONS ? `, NODE_OPTIONS ${process.env.BENCH_WORKER_NODE_OPTIONS}` : ''}`,
  );
  line('', ...runs.map((r) => `${r.processes} worker process${r.processes > 1 ? 'es' : ''}`));
  line('time to the last account', ...runs.map((r) => `${r.seconds.toFixed(1)} s`));
  line('total messages per second', ...runs.map((r) => `${(r.messages / r.seconds).toFixed(1)}`));
  for (const provider of ['gmail', 'outlook'] as const) {
    line(`  median account, ${provider}`, ...runs.map((r) => `${median(r.accounts.filter((a) => a.provider === provider).map((a) => a.rate)).toFixed(1)} msg/s`));
  }
  line('account rate: median', ...runs.map((r) => `${median(r.accounts.map((a) => a.rate)).toFixed(1)} msg/s`));
  line('account rate: slowest, fastest', ...runs.map((r) => `${Math.min(...r.accounts.map((a) => a.rate)).toFixed(1)}, ${Math.max(...r.accounts.map((a) => a.rate)).toFixed(1)} msg/s`));
  line('fairness (slowest / median)', ...runs.map((r) => fairness(r).toFixed(2)));
  line('mail sync, taken to done (med, max)', ...runs.map((r) => `${median(r.accounts.map((a) => a.ran)).toFixed(1)} s, ${Math.max(...r.accounts.map((a) => a.ran)).toFixed(1)} s`));
  line('mail syncs at once (average)', ...runs.map((r) => (r.accounts.reduce((s, a) => s + a.ran, 0) / r.seconds).toFixed(1)));
  line('worker RSS idle, before the syncs', ...runs.map((r) => r.workers.map((w) => mb(w.idleRss)).join(', ')));
  line('worker peak RSS (VmHWM)', ...runs.map((r) => r.workers.map((w) => mb(w.hwm)).join(', ')));
  line('Redis used_memory before/peak/after', ...runs.map((r) => `${mb(r.redis.before)} / ${mb(r.redis.peak)} / ${mb(r.redis.after)}`));
  line('  keys left, of them plan jobs', ...runs.map((r) => `${r.redis.keys}, ${r.redis.planJobs}`));
  line('CPU, cores busy: workers', ...runs.map((r) => r.workers.map((w) => (w.cpu / r.seconds).toFixed(2)).join(', ')));
  line('  Google, Graph emulators', ...runs.map((r) => `${((r.cpu.emulators.google ?? 0) / r.seconds).toFixed(2)}, ${((r.cpu.emulators.graph ?? 0) / r.seconds).toFixed(2)}`));
  line('  PostgreSQL backends', ...runs.map((r) => (r.cpu.postgres / r.seconds).toFixed(2)));
  line('  Redis server, this process', ...runs.map((r) => `${r.cpu.redis === null ? '?' : (r.cpu.redis / r.seconds).toFixed(2)}, ${(r.cpu.bench / r.seconds).toFixed(2)}`));
  line('  whole machine', ...runs.map((r) => `${((r.cpu.machineBusy / r.cpu.machineTotal) * os.cpus().length).toFixed(2)} of ${os.cpus().length}`));
  line('requests (429s): Google', ...runs.map((r) => `${r.emulators.google!.requests} (${r.emulators.google!.refused}), ${r.emulators.google!.units} units`));
  line('requests (429s): Graph', ...runs.map((r) => `${r.emulators.graph!.requests} (${r.emulators.graph!.refused}), ≤ ${r.emulators.graph!.maxConcurrent} in flight`));
  line('lost / duplicated / unreadable', ...runs.map((r) => `${r.lost} / ${r.duplicated} / ${r.ingestFailures}`));
  line('sync attempts retried', ...runs.map((r) => String(r.retried.length)));
  for (const r of runs) {
    for (const f of r.failed) console.log(`  failed (${r.processes} p): ${f}`);
    const reasons = new Map<string, number>();
    for (const x of r.retried) {
      const reason = x.replace(/^[^:]*: /, '').slice(0, 160);
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    for (const [reason, n] of reasons) console.log(`  retried ×${n} (${r.processes} p): ${reason}`);
  }

  console.log('against the targets:');
  const one = runs.find((r) => r.processes === 1);
  const two = runs.find((r) => r.processes === 2);
  if (one && two) {
    const speedup = two.messages / two.seconds / (one.messages / one.seconds);
    console.log(`  two processes / one: ${speedup.toFixed(3)}× (target ≥ ${TARGETS.speedup}×: ${speedup >= TARGETS.speedup ? 'met' : 'not met'})`);
  }
  for (const r of runs) {
    const f = fairness(r);
    const rss = Math.max(...r.workers.map((w) => w.hwm)) / 2 ** 20;
    console.log(
      `  ${r.processes} p: slowest account ${f.toFixed(2)} of the median (target ≥ ${TARGETS.fairness}: ${f >= TARGETS.fairness ? 'met' : 'not met'}); ` +
        `peak RSS ${rss.toFixed(0)} MB (target ≤ ${TARGETS.rssMb} MB: ${rss <= TARGETS.rssMb ? 'met' : 'not met'})`,
    );
  }
}

const fairness = (r: RunResult) => Math.min(...r.accounts.map((a) => a.rate)) / median(r.accounts.map((a) => a.rate));

async function main(): Promise<void> {
  const opts = options();
  const runs: RunResult[] = [];
  for (const processes of opts.processes) {
    if (interruptedOnce) break;
    runs.push(await runOnce(opts, processes));
  }
  report(opts, runs);
}

await main().catch((err: unknown) => {
  if (!interruptedOnce) throw err;
  process.exitCode = 130;
});
