import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ServiceUnavailableError } from '../core/errors.ts';
import { connectRedis } from './redis-connection.ts';

/** A Redis server rapport started for itself; `stop` shuts it down. */
export interface PrivateRedis {
  url: string;
  stop(): Promise<void>;
}

/**
 * When nothing answers at a local REDIS_URL and `redis-server` is installed, starts one
 * for this process, listening on that address with its files in the data folder, so that
 * `rapport start` works on a machine where Redis is installed but not running. Returns
 * null when Redis already answers. Any other case is left to the caller's usual error.
 */
export async function startPrivateRedisIfNeeded(url: string, dataDir: string): Promise<PrivateRedis | null> {
  try {
    (await connectRedis(url)).disconnect();
    return null;
  } catch (err) {
    if (!(err instanceof ServiceUnavailableError)) throw err;
  }
  const target = new URL(url);
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname);
  if (!local || target.password || !onPath('redis-server')) return null;
  const dir = path.join(dataDir, 'redis');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const host = target.hostname === 'localhost' ? '127.0.0.1' : target.hostname.replace(/^\[|\]$/g, '');
  const child = spawn(
    'redis-server',
    ['--bind', host, '--port', target.port || '6379', '--dir', dir, '--save', '', '--appendonly', 'no', '--logfile', path.join(dir, 'redis.log')],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let i = 0; i < 50; i++) {
    try {
      (await connectRedis(url)).disconnect();
      return { url, stop: () => stop(child, exited) };
    } catch {
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill('SIGKILL');
  throw new ServiceUnavailableError('redis', url, `rapport tried to start redis-server for itself and it did not answer; see ${path.join(dir, 'redis.log')}.`);
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await exited;
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      fs.accessSync(path.join(dir, command), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
