import type { Config } from '../../src/config/load-config.ts';
import { TEST_DATABASE_URL } from './test-store.ts';

/**
 * The environment of a worker run in a child process (to be killed mid-job): the test's
 * configuration as rapport reads it, and the PostgreSQL schema of the test's database.
 */
export function workerChildEnv(config: Config, schema: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    RAPPORT_DATA_DIR: config.dataDir,
    REDIS_URL: config.redisUrl,
    RAPPORT_QUEUE_PREFIX: config.queuePrefix,
    RAPPORT_GOOGLE_API_URL: config.google.apiUrl,
    RAPPORT_GOOGLE_CLIENT_ID: config.google.clientId,
    RAPPORT_GOOGLE_CLIENT_SECRET: config.google.clientSecret,
    RAPPORT_ME: config.user.addresses.join(','),
    DATABASE_URL: '',
    TEST_DATABASE_URL,
    TEST_SCHEMA: schema,
    ...extra,
  };
}
