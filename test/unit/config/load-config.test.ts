import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.ts';
import { ConfigError } from '../../../src/core/errors.ts';

const env = (extra: Record<string, string>) => ({ HOME: '/home/someone', ...extra });

describe('loadConfig', () => {
  it('gives working defaults with nothing set', () => {
    const config = loadConfig(env({}));
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.databaseUrl).toBe('');
    expect(config.dataDir).toBe('/home/someone/.local/share/rapport');
    expect(Object.isFrozen(config.user)).toBe(true);
  });

  it('takes overrides from the environment and the command line', () => {
    const config = loadConfig(
      env({
        REDIS_URL: 'redis://cache:6380',
        DATABASE_URL: 'postgres://u@db/rapport',
        RAPPORT_DATA_DIR: '/srv/rapport',
        RAPPORT_ME: 'Me@Example.com, me2@example.com',
      }),
      { dataDir: '/tmp/elsewhere' },
    );
    expect(config.redisUrl).toBe('redis://cache:6380');
    expect(config.databaseUrl).toBe('postgres://u@db/rapport');
    expect(config.dataDir).toBe('/tmp/elsewhere');
    expect(config.user.addresses).toEqual(['me@example.com', 'me2@example.com']);
  });

  it('reads a user file named by RAPPORT_CONFIG over the defaults', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-config-')), 'config.yaml');
    fs.writeFileSync(file, 'ingest:\n  batchSize: 7\nuser:\n  name: Alex\n');
    const config = loadConfig(env({ RAPPORT_CONFIG: file }));
    expect(config.ingest.batchSize).toBe(7);
    expect(config.ingest.concurrency).toBeGreaterThan(0);
    expect(config.user.name).toBe('Alex');
  });

  it('lists every bad key with what it expects', () => {
    let error: unknown;
    try {
      loadConfig(env({ REDIS_URL: 'localhost:6379', DATABASE_URL: 'mysql://x', RAPPORT_ME: 'not-an-address' }));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => p.key);
    expect(problems).toEqual(expect.arrayContaining(['redisUrl', 'databaseUrl', 'user.addresses.0']));
    expect((error as Error).message).toMatch(/redisUrl: a URL starting with redis:\/\//);
  });
});
