/**
 * A sync worker in a process of its own, for the test that kills a worker in the middle
 * of a sync. Configured by the environment (as rapport is) plus TEST_DATABASE_URL and
 * TEST_SCHEMA for its database; prints "ready" once it serves the queue.
 */
import { loadConfig } from '../../src/config/load-config.ts';
import { openStore } from '../../src/store/open-store.ts';
import { openSecretBox } from '../../src/store/secret-box.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';
import { startSyncService } from '../../src/workers/sync-runner.ts';

const config = loadConfig(process.env);
const db = await openStore({ databaseUrl: process.env.TEST_DATABASE_URL!, dataDir: '', schema: process.env.TEST_SCHEMA });
const redis = await connectRedis(config.redisUrl);
const now = process.env.TEST_NOW ? new Date(process.env.TEST_NOW) : new Date();
startSyncService(
  { config, db, redis, secrets: openSecretBox(config.dataDir, {}), now: () => now },
  // Short lock and stalled check, so the test's take-over happens in seconds, not the default half minute.
  { lockDuration: 1500, stalledInterval: 300 },
);
process.stdout.write('ready\n');
