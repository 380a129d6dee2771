import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../../src/core/errors.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';
import { freePort, until } from '../helpers/wait.ts';

describe('rapport start on a machine where Redis is installed but not running', () => {
  it('starts a Redis of its own in the data folder, serves, and stops it on exit', async () => {
    const redisUrl = `redis://127.0.0.1:${await freePort()}`;
    const httpPort = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-private-redis-'));
    const child = spawn(process.execPath, ['bin/rapport.js', 'start'], {
      env: { ...process.env, REDIS_URL: redisUrl, RAPPORT_DATA_DIR: dataDir, RAPPORT_HTTP_PORT: String(httpPort), DATABASE_URL: '', RAPPORT_QUEUE_PREFIX: 'private' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await until(async () => output.includes('rapport is running'), 30_000, 100);
    expect(output).toContain(`No Redis answered at ${redisUrl}: started one for rapport`);
    expect(await (await fetch(`http://127.0.0.1:${httpPort}/healthz`)).json()).toEqual({ ok: true });
    expect(fs.existsSync(path.join(dataDir, 'redis'))).toBe(true);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(connectRedis(redisUrl)).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});
