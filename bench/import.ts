/**
 * Import benchmark: builds an mbox of N messages from the shared Enron files, imports it
 * end to end (runImport: Redis queue, ingest worker, embedded PGlite) and compares the rate
 * with bare mailparser over the same messages. Prints figures; never fails on them.
 *
 *   npm run bench:import [-- --messages N]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Redis } from 'ioredis';
import { simpleParser } from 'mailparser';
import { connectRedis } from '../src/workers/redis-connection.ts';
import { buildIsCurrent } from '../bin/build-is-current.js';
import { cpuSecondsOf, memoryOf } from './accounts-probes.ts';
import { ME, readSources, renameMessageId } from './enron-corpus.ts';

// The options src/ingest/parse-message.ts uses, so both rates parse the same way.
const PARSER_OPTIONS = { skipTextToHtml: true, skipImageLinks: true, skipTextLinks: true } as const;
const TARGETS = { rate: 1_000, rssMb: 400, ratio: 0.6 };
const MB = 1024 * 1024;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
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

/**
 * Runs `bin/rapport.js import MBOX --me ME` as `npx rapport` runs it (the compiled build when
 * it is current, see bin/rapport.js) into a new embedded database, and watches the child's
 * memory and CPU in /proc every 100 ms.
 */
async function benchImport(mbox: string, dataDir: string) {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const queuePrefix = `bench-${randomBytes(5).toString('hex')}`; // keys of its own, deleted at the end
  const redis = await connectRedis(redisUrl);
  try {
    const redisBefore = await redisUsedMemory(redis);
    const env = {
      ...process.env,
      REDIS_URL: redisUrl,
      DATABASE_URL: '',
      RAPPORT_DATA_DIR: dataDir,
      RAPPORT_QUEUE_PREFIX: queuePrefix,
      NODE_OPTIONS: process.env.BENCH_RAPPORT_NODE_OPTIONS ?? '',
    };
    // Executed as `npx rapport` executes it, so the Node options on its first line apply.
    const child = spawn(path.join(ROOT, 'bin', 'rapport.js'), ['import', mbox, '--me', ME], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    const stdout: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    const watcher = watchProcess(child.pid!);
    const [code] = (await once(child, 'exit')) as [number | null];
    const watched = watcher.stop();
    const output = Buffer.concat(stdout).toString('utf8');
    if (code !== 0) throw new Error(`rapport import exited with ${code}:\n${output}`);
    const summary = parseSummary(output);
    const redisAfter = await redisUsedMemory(redis);
    return { summary, rate: summary.done / summary.seconds, cpuMsPerMessage: (watched.cpuSeconds * 1000) / summary.done, ...watched, redisBefore, redisAfter };
  } finally {
    await deleteKeys(redis, `${queuePrefix}:*`);
    redis.disconnect();
  }
}

/** The figures of the summary `rapport import` prints: "Read N items in S s (R/s):" and the counts. */
function parseSummary(output: string) {
  const read = /Read (\d+) items? in ([\d.]+) s/.exec(output);
  const counts = /(\d+) new, (\d+) already in the log, \d+ calendar events, (\d+) could not be read/.exec(output);
  if (!read || !counts) throw new Error(`rapport import printed no summary:\n${output}`);
  return { done: Number(read[1]), seconds: Number(read[2]), stored: Number(counts[1]), duplicates: Number(counts[2]), failed: Number(counts[3]) };
}

/**
 * Samples the child's /proc status and stat until stopped. VmHWM is the kernel's RSS
 * high-water mark (it sees spikes that sampling misses) and only grows, so the last
 * sample before the exit holds it; CPU is user + system time of all its threads since it
 * started (node's start-up included, about a second).
 */
function watchProcess(pid: number) {
  let vmHwm: number | null = null;
  let peakRss = 0;
  let cpuSeconds = 0;
  const sample = () => {
    // Null once the process is gone (or off Linux): the last sample stands.
    const memory = memoryOf(pid);
    // A process that has exited but not been reaped still has a status, without its memory lines.
    if (memory && memory.hwm > 0) vmHwm = memory.hwm;
    peakRss = Math.max(peakRss, memory?.rss ?? 0);
    cpuSeconds = cpuSecondsOf(pid) ?? cpuSeconds;
  };
  sample();
  const timer = setInterval(sample, 100);
  return {
    stop: () => {
      clearInterval(timer);
      return { vmHwm, sampledPeakRss: peakRss, cpuSeconds };
    },
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
    ['CPU time per message', `${imp.cpuMsPerMessage.toFixed(2)} ms (every thread of the rapport process)`, ''],
    ['bare mailparser', `${bare.rate.toFixed(0)} msg/s, ${bare.cpuMsPerMessage.toFixed(2)} ms CPU per message`, ''],
    ['ratio end to end / bare', ratio.toFixed(2), met(ratio >= TARGETS.ratio, '≥ 0.6')],
    // On a machine others share, wall-clock rates swing; CPU time per message much less.
    ['ratio of CPU per message', (bare.cpuMsPerMessage / imp.cpuMsPerMessage).toFixed(2), ''],
    ['peak RSS (VmHWM)', `${imp.vmHwm === null ? '?' : mb(imp.vmHwm)} MB`, met(peak / MB <= TARGETS.rssMb, '≤ 400 MB')],
    ['RSS sampled (100 ms)', `peak ${mb(imp.sampledPeakRss)} MB`, ''],
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
    const runs = buildIsCurrent() ? 'the compiled build, plain node' : 'the sources through tsx (run `npm run build` for the build)';
    console.error(`Importing it (${mb(fs.statSync(mbox).size)} MB) with rapport import, ${runs}…`);
    const imported = await benchImport(mbox, path.join(tmp, 'data'));
    console.error('Parsing the same messages with bare mailparser…');
    const bare = await bareParseRate(sources, n);
    printMachine();
    printReport(n, imported, bare);
    console.log(`rapport ran from ${runs}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
