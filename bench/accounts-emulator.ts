/**
 * The accounts benchmark's emulator process: the Google or the Graph emulator, in a Node
 * process of its own so that the workers' CPU and memory are only theirs. Started by
 * `bench/accounts.ts` with an IPC channel (`startEmulatorProcess`); it seeds every
 * account's mailbox with its own slice of Kaminski's mail (distinct messages across all
 * accounts), enforces the provider's per-account limits at the benchmark's time scale,
 * and answers the orchestrator's requests: a refresh token (Google), the user the next
 * consent signs in (Graph), the ids each mailbox holds, and request and CPU figures.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startGoogleEmulator, type GoogleEmulator } from '../test/emulators/google/index.ts';
import { startGraphEmulator, type GraphEmulator } from '../test/emulators/graph/index.ts';
import { ME, readSources, renameMessageId } from './enron-corpus.ts';

export type EmulatorKind = 'google' | 'graph';

/** One emulated mailbox: its address and its slice [first, first + count) of the long mailbox. */
export interface SeededUser {
  address: string;
  first: number;
  count: number;
}

export interface EmulatorSpec {
  kind: EmulatorKind;
  users: SeededUser[];
  /** Time runs this many times faster: quotas are this many times larger. */
  scale: number;
}

export interface EmulatorStats {
  requests: number;
  refused: number;
  /** Gmail quota units charged (Google only). */
  units: number;
  /** Most requests in flight at once for one mailbox (Graph only). */
  maxConcurrent: number;
}

type Request =
  | { id: number; op: 'refreshToken'; address: string }
  | { id: number; op: 'consent'; address: string }
  | { id: number; op: 'expected' }
  | { id: number; op: 'stats' };

/** A request without its id, for each kind of request. */
type Ask = Request extends infer R ? (R extends Request ? Omit<R, 'id'> : never) : never;

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

export const GMAIL_UNITS_PER_SECOND = 250;
export const GRAPH_REQUESTS_PER_10_MINUTES = 10_000;
const TEN_MINUTES_MS = 600_000;

/** Message `index` of the long mailbox: copy N of source N mod sources, renamed to be distinct. */
function messageAt(sources: readonly Buffer[], index: number): string {
  const copy = Math.floor(index / sources.length);
  const raw = sources[index % sources.length]!.toString('latin1');
  return copy > 0 ? renameMessageId(raw, copy) : raw;
}

function receivedAt(raw: string): Date | undefined {
  const date = Date.parse((/^Date:[ \t]*([^\r\n]*)/im.exec(raw)?.[1] ?? '').replace(/\s*\([A-Z]+\)\s*$/, ''));
  return Number.isNaN(date) ? undefined : new Date(date);
}

async function serveGoogle(spec: EmulatorSpec, sources: readonly Buffer[]) {
  const emulator: GoogleEmulator = await startGoogleEmulator({ unitsPerSecond: GMAIL_UNITS_PER_SECOND * spec.scale });
  for (const user of spec.users) {
    emulator.addUser(user.address);
    for (let i = user.first; i < user.first + user.count; i++) {
      emulator.insertMessage(user.address, Buffer.from(messageAt(sources, i), 'latin1'), { labelIds: ['INBOX'] });
    }
  }
  const addresses = new Set(spec.users.map((u) => u.address));
  return {
    emulator,
    handle(request: Request): unknown {
      switch (request.op) {
        case 'refreshToken':
          return emulator.issueRefreshToken(request.address);
        case 'expected':
          return Object.fromEntries(spec.users.map((u) => [u.address, emulator.messages(u.address).map((m) => m.id)]));
        case 'stats': {
          const log = emulator.requestLog.filter((r) => r.user !== null && addresses.has(r.user));
          const units = spec.users.reduce((sum, u) => sum + emulator.unitsUsed(u.address), 0);
          return { requests: log.length, refused: log.filter((r) => r.status === 429).length, units, maxConcurrent: 0 } satisfies EmulatorStats;
        }
        default:
          throw new Error(`the Google emulator does not do ${request.op}`);
      }
    },
  };
}

async function serveGraph(spec: EmulatorSpec, sources: readonly Buffer[]) {
  const emulator: GraphEmulator = await startGraphEmulator({
    requestsPer10Minutes: GRAPH_REQUESTS_PER_10_MINUTES,
    throttleWindowMs: TEN_MINUTES_MS / spec.scale,
    maxConcurrentPerMailbox: 4,
  });
  for (const user of spec.users) {
    emulator.addUser(user.address);
    for (let i = user.first; i < user.first + user.count; i++) {
      const raw = messageAt(sources, i);
      const from = /^From:[^\r\n]*/im.exec(raw)?.[0] ?? '';
      const received = receivedAt(raw);
      // Kaminski's own mail goes to Sent Items, as the Graph bench seeds it.
      emulator.insertMessage(user.address, Buffer.from(raw, 'latin1'), {
        folder: from.toLowerCase().includes(ME) ? 'sentitems' : 'inbox',
        ...(received ? { receivedDateTime: received } : {}),
      });
    }
  }
  const addresses = new Set(spec.users.map((u) => u.address));
  return {
    emulator,
    handle(request: Request): unknown {
      switch (request.op) {
        case 'consent':
          emulator.setConsentUser(request.address);
          return null;
        case 'expected':
          return Object.fromEntries(
            spec.users.map((u) => [u.address, emulator.messages(u.address).filter((m) => !m.isDraft).map((m) => m.immutableId)]),
          );
        case 'stats': {
          const log = emulator.requestLog.filter((r) => r.user !== null && addresses.has(r.user));
          const maxConcurrent = Math.max(0, ...spec.users.map((u) => emulator.maxConcurrentSeen(u.address)));
          return { requests: log.length, refused: log.filter((r) => r.status === 429).length, units: 0, maxConcurrent } satisfies EmulatorStats;
        }
        default:
          throw new Error(`the Graph emulator does not do ${request.op}`);
      }
    },
  };
}

/** The child's side: reads its spec from argv, seeds, says where it listens, then answers requests. */
async function runChild(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '{}') as EmulatorSpec;
  const sources = readSources();
  const served = spec.kind === 'google' ? await serveGoogle(spec, sources) : await serveGraph(spec, sources);
  process.on('message', (request: Request) => {
    let reply: Reply;
    try {
      reply = { id: request.id, ok: true, value: served.handle(request) };
    } catch (err) {
      reply = { id: request.id, ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    process.send!(reply);
  });
  const stop = () => {
    void served.emulator.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
  process.send!({ ready: served.emulator.url });
}

/** The orchestrator's handle on an emulator process. */
export interface EmulatorProcess {
  kind: EmulatorKind;
  url: string;
  pid: number;
  refreshToken(address: string): Promise<string>;
  consent(address: string): Promise<void>;
  /** Every mailbox's message ids (Gmail ids, Graph immutable ids). */
  expected(): Promise<Record<string, string[]>>;
  stats(): Promise<EmulatorStats>;
  close(): Promise<void>;
}

/** Starts an emulator process, seeded; resolves once it listens. */
export async function startEmulatorProcess(spec: EmulatorSpec): Promise<EmulatorProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [JSON.stringify(spec)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const url = await new Promise<string>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the ${spec.kind} emulator exited with ${code} before it listened`));
    child.once('exit', onExit);
    child.on('message', (message: { ready?: string } | Reply) => {
      if ('ready' in message && message.ready) {
        child.off('exit', onExit);
        resolve(message.ready);
        return;
      }
      const reply = message as Reply;
      const waiting = pending.get(reply.id);
      if (!waiting) return;
      pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.value);
      else waiting.reject(new Error(reply.error));
    });
  });
  child.on('exit', () => {
    for (const waiting of pending.values()) waiting.reject(new Error(`the ${spec.kind} emulator exited`));
    pending.clear();
  });
  const ask = <T>(request: Ask): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ ...request, id });
    });
  return {
    kind: spec.kind,
    url,
    pid: child.pid!,
    refreshToken: (address) => ask<string>({ op: 'refreshToken', address }),
    consent: (address) => ask<void>({ op: 'consent', address }),
    expected: () => ask<Record<string, string[]>>({ op: 'expected' }),
    stats: () => ask<EmulatorStats>({ op: 'stats' }),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.send) await runChild();
