/**
 * rapport run as its users and operators run it: `node bin/rapport.js ...`, in a process
 * of its own, and a PostgreSQL database of its own for processes that share one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { TEST_DATABASE_URL } from './test-store.ts';

/** Starts `rapport ...args`; resolves once its output matches `ready` (it names what it serves). */
export function startRapport(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['bin/rapport.js', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rapport ${args.join(' ')} did not start:\n${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => reject(new Error(`rapport ${args.join(' ')} exited with ${code}:\n${output}`)));
  });
}

/** Stops the processes (SIGTERM: they finish their jobs) and waits for each to exit. */
export async function stopRapport(children: readonly ChildProcess[]): Promise<void> {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.on('exit', r)))));
}

/** A new, empty database on the test server, for processes that must share one; `drop` removes it. */
export async function createTestDatabase(name: string): Promise<{ databaseUrl: string; drop(): Promise<void> }> {
  const database = `rapport_${name}_${randomBytes(5).toString('hex')}`;
  await admin(`create database ${database}`);
  return {
    databaseUrl: TEST_DATABASE_URL.replace(/\/[^/]*$/, `/${database}`),
    drop: () => admin(`drop database if exists ${database}`),
  };
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
