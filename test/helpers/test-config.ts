import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config/load-config.ts';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A configuration with its own data folder and its own Redis key prefix. */
export function testConfig(env: Record<string, string> = {}): Config {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-test-'));
  return loadConfig({
    HOME: os.homedir(),
    RAPPORT_DATA_DIR: dataDir,
    REDIS_URL: TEST_REDIS_URL,
    DATABASE_URL: '',
    RAPPORT_QUEUE_PREFIX: `test-${randomBytes(5).toString('hex')}`,
    ...env,
  });
}

/** Path of a file under the shared real-data folder, present in CI, maybe not elsewhere. */
export const SHARED_DATA = path.resolve(process.cwd(), '../shared/data');
export const hasSharedData = fs.existsSync(SHARED_DATA);
