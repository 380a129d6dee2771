/**
 * Import benchmark: builds an mbox of N messages from the shared Enron files, imports it
 * end to end (runImport: Redis queue, ingest worker, embedded PGlite) and compares the rate
 * with bare mailparser over the same messages. Prints figures; never fails on them.
 *
 *   npm run bench:import [-- --messages N]
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { Redis } from 'ioredis';
import { simpleParser } from 'mailparser';
import { loadConfig } from '../src/config/load-config.ts';
import { openStore } from '../src/store/open-store.ts';
import { runImport, type ImportProgress } from '../src/workers/import-runner.ts';
import { connectRedis } from '../src/workers/redis-connection.ts';
import { ME, readSources, renameMessageId } from './enron-corpus.ts';

// The options src/ingest/parse-message.ts uses, so both rates parse the same way.
const PARSER_OPTIONS = { skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true } as const;
const TARGETS = { rate: 1_000, rssMb: 400, ratio: 0.6 };
const MB = 1024 * 1024;
const mb = (bytes: number): string => (bytes / MB).toFixed(0);

function messageCount(): number {
  const { values } = parseArgs({ options: { messages: { type: 'string', default: '100000' } } });
  const n = Number(values.messages);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--messages must be a positive integer, not ${values.messages}`);
  return n;
}

/** Streams N messages into an mbox, repeating the sources; memory stays at one message. */
async function writeMbox(file: string, sources: Buffer[], n: number): Promise<void> {
  const out = fs.createWriteStream(file);
  for (let i = 0; i < n; i++) {
    const entry = mboxEntry(sources[i % sources.length]!, Math.floor(i / sources.length));
    if (!out.write(entry, 'latin1')) await once(out, 'drain');
  }
  out.end();
  await finished(out);
}

/** Separator line, the message with `^>*From ` lines quoted (mboxrd), then a blank line. */
function mboxEntry(raw: Buffer, copy: number): string {
  // latin1 maps each byte to one character and back, so no byte is re-encoded.
  let text = raw.toString('latin1');
  if (copy > 0) text = renameMessageId(text, copy);
  text = text.replace(/^(>*From )/gm, '>$1');
  if (!text.endsWith('\n')) text += '\n';
  return `From sender@host Mon Jan  1 00:00:00 2001\n${text}\n`;
}

/** Messages per second of simpleParser alone, sequentially, as the ingest worker parses. */
async function bareParseRate(sources: Buffer[], n: number): Promise<{ rate: number; cpuMsPerMessage: number }> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  for (let i = 0; i < n; i++) await simpleParser(sources[i % sources.length]!, PARSER_OPTIONS);
  const cpu = process.cpuUsage(cpuBefore);
  return { rate: n / ((performance.now() - started) / 1000), cpuMsPerMessage: (cpu.user + cpu.system) / 1000 / n };
}

async function benchImport(mbox: string, dataDir: string) {
  const config = loadConfig({
    HOME: os.homedir(),
    RAPPORT_DATA_DIR: dataDir,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    DATABASE_URL: '',
    RAPPORT_QUEUE_PREFIX: `bench-${randomBytes(5).toString('hex')}`, // keys of its own, deleted at the end
  });
  const redis = await connectRedis(config.redisUrl);
  const db = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const redisBefore = await redisUsedMemory(redis);
    // PGlite is open (on a fresh folder it has just run initdb): its WASM memory counts from here.
    const startRss = process.memoryUsage().rss;
    const stopSampling = sampleRss();
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const summary = await runImport({ db, redis, config }, [mbox], [ME], progressPrinter(started));
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const sampledPeakRss = stopSampling();
    const vmHwm = readVmHwm();
    const redisAfter = await redisUsedMemory(redis);
    return { summary, rate: summary.done / seconds, cpuMsPerMessage: (cpuSeconds * 1000) / summary.done, startRss, sampledPeakRss, vmHwm, redisBefore, redisAfter };
  } finally {
    await deleteKeys(redis, `${config.queuePrefix}:*`);
    await db.close();
    redis.disconnect();
  }
}

/** Samples RSS every 100 ms; the returned function stops and gives the highest sample. */
function sampleRss(): () => number {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss);
  };
}

/** The kernel's RSS high-water mark for the whole process (it sees spikes sampling misses). */
function readVmHwm(): number | null {
  const status = fs.existsSync('/proc/self/status') ? fs.readFileSync('/proc/self/status', 'utf8') : '';
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  return kb ? Number(kb) * 1024 : null; // null off Linux
}

/** A line every ~5 s; the rate over the last interval shows whether the import slows down. */
function progressPrinter(started: number): (p: ImportProgress) => void {
  let last = { at: started, done: 0 };
  return (p) => {
    const now = performance.now();
    if (now - last.at < 5_000) return;
    const overall = p.done / ((now - started) / 1000);
    const recent = (p.done - last.done) / ((now - last.at) / 1000);
    last = { at: now, done: p.done };
    const { rss, heapUsed } = process.memoryUsage();
    console.error(
      `  ${p.done}/${p.found} done, ${overall.toFixed(0)} msg/s (last 5 s: ${recent.toFixed(0)}), ` +
        `RSS ${mb(rss)} MB (JS heap ${mb(heapUsed)} MB)`,
    );
  };
}

async function redisUsedMemory(redis: Redis): Promise<string> {
  return /^used_memory_human:(\S+)/m.exec(await redis.info('memory'))?.[1] ?? '?';
}

/** Leaves Redis as it was: the queue's keys are the bench's own prefix. */
async function deleteKeys(redis: Redis, pattern: string): Promise<void> {
  for await (const keys of redis.scanStream({ match: pattern, count: 1000 }) as AsyncIterable<string[]>) {
    if (keys.length > 0) await redis.del(...keys);
  }
}

function printReport(
  n: number,
  imp: Awaited<ReturnType<typeof benchImport>>,
  bare: Awaited<ReturnType<typeof bareParseRate>>,
): void {
  const s = imp.summary;
  const ratio = imp.rate / bare.rate;
  const peak = Math.max(imp.sampledPeakRss, imp.vmHwm ?? 0);
  const met = (ok: boolean, target: string) => `${target}: ${ok ? 'met' : 'not met'}`;
  const rows: [string, string, string][] = [
    ['messages', `${n} (${s.stored} stored, ${s.duplicates} duplicates, ${s.failed} failed)`, ''],
    ['end to end (PGlite)', `${imp.rate.toFixed(0)} msg/s`, met(imp.rate >= TARGETS.rate, '≥ 1,000 msg/s')],
    ['CPU time per message', `${imp.cpuMsPerMessage.toFixed(2)} ms (every thread of this process)`, ''],
    ['bare mailparser', `${bare.rate.toFixed(0)} msg/s, ${bare.cpuMsPerMessage.toFixed(2)} ms CPU per message`, ''],
    ['ratio end to end / bare', ratio.toFixed(2), met(ratio >= TARGETS.ratio, '≥ 0.6')],
    // On a machine others share, wall-clock rates swing; CPU time per message much less.
    ['ratio of CPU per message', (bare.cpuMsPerMessage / imp.cpuMsPerMessage).toFixed(2), ''],
    ['peak RSS (VmHWM)', `${imp.vmHwm === null ? '?' : mb(imp.vmHwm)} MB`, met(peak / MB <= TARGETS.rssMb, '≤ 400 MB')],
    ['RSS in import (100 ms)', `peak ${mb(imp.sampledPeakRss)} MB, ${mb(imp.startRss)} MB at start`, ''],
    ['Redis used_memory', `${imp.redisBefore} before, ${imp.redisAfter} after`, ''],
  ];
  for (const [name, value, target] of rows) console.log(`${name.padEnd(26)} ${value.padEnd(48)} ${target}`.trimEnd());
}

function printMachine(): void {
  const cpus = os.cpus();
  const ram = (os.totalmem() / 1024 ** 3).toFixed(1);
  console.log(`machine: ${cpus.length} cores, ${cpus[0]?.model ?? '?'}, ${ram} GB RAM, Node ${process.version}`);
}

async function main(): Promise<void> {
  const n = messageCount();
  const sources = readSources();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-bench-'));
  try {
    const mbox = path.join(tmp, 'bench.mbox');
    console.error(`Writing an mbox of ${n} messages from ${sources.length} Enron files…`);
    await writeMbox(mbox, sources, n);
    console.error(`Importing it (${mb(fs.statSync(mbox).size)} MB)…`);
    const imported = await benchImport(mbox, path.join(tmp, 'data'));
    console.error('Parsing the same messages with bare mailparser…');
    const bare = await bareParseRate(sources, n);
    printMachine();
    printReport(n, imported, bare);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
