import type { Redis } from 'ioredis';
import type { Config } from './config/load-config.ts';
import type { Database } from './store/database.ts';
import { openStore } from './store/open-store.ts';
import { connectRedis } from './workers/redis-connection.ts';

/** The composition root: what commands and workers share, opened from one Config. */
export interface App {
  config: Config;
  db: Database;
  close(): Promise<void>;
}

export interface QueueApp extends App {
  redis: Redis;
}

/** Opens the database (migrated). Nothing connects at import time; everything here. */
export async function openApp(config: Config): Promise<App> {
  const db = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  return { config, db, close: () => db.close() };
}

/** Opens the database and Redis, for commands that run queue work. Redis is checked first. */
export async function openQueueApp(config: Config): Promise<QueueApp> {
  const redis = await connectRedis(config.redisUrl);
  try {
    const app = await openApp(config);
    return {
      ...app,
      redis,
      async close() {
        await app.close();
        redis.disconnect();
      },
    };
  } catch (err) {
    redis.disconnect();
    throw err;
  }
}
