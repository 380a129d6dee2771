import type { FastifyInstance } from 'fastify';
import type { QueueApp } from '../main.ts';
import { createWebLogin, webLoginHint } from '../http/web-login.ts';
import { buildHttpServer } from '../http/server.ts';
import { InvalidInputError } from '../core/errors.ts';
import { describeError } from '../observability/log-safety.ts';
import { logger } from '../observability/logger.ts';
import type { SecretBox } from '../store/secret-box.ts';
import { deliveryOnWritten, scheduleDelivery, startDeliverService } from '../workers/deliver-service.ts';
import type { WrittenChange } from '../workers/ingest-worker.ts';
import { plannerOnWritten, startPlannerService } from '../workers/planner-service.ts';
import { openQueue } from '../workers/queues.ts';
import { restoreAfterReconnect } from '../workers/redis-restore.ts';
import { schedulePolling, startSyncService } from '../workers/sync-runner.ts';

/** The queues a worker process can serve. */
export const SERVICE_QUEUES = ['sync', 'plan', 'deliver'] as const;
export type ServiceQueue = (typeof SERVICE_QUEUES)[number];

export interface RunningServices {
  close(): Promise<void>;
}

/** Parses `--queues sync,plan` (empty: all of them). */
export function parseQueues(value: string | undefined): ServiceQueue[] {
  if (!value) return [...SERVICE_QUEUES];
  const names = value.split(',').map((q) => q.trim()).filter(Boolean);
  const unknown = names.filter((q) => !(SERVICE_QUEUES as readonly string[]).includes(q));
  if (unknown.length > 0) {
    throw new InvalidInputError(`Unknown queue ${unknown.join(', ')}: choose from ${SERVICE_QUEUES.join(', ')}.`);
  }
  return [...new Set(names)] as ServiceQueue[];
}

/**
 * Starts workers for the given queues in this process. Any number of processes on any
 * number of machines may run these against one Redis and one PostgreSQL: job ids keep
 * per-account work one at a time, and provider quotas are kept in Redis.
 */
export async function startWorkers(
  app: QueueApp,
  secrets: SecretBox,
  queues: readonly ServiceQueue[],
  concurrency?: number,
): Promise<RunningServices> {
  const opened: RunningServices[] = [];
  const restores: (() => Promise<void>)[] = [];
  try {
    const deliver = queues.includes('deliver') ? await startDeliverService({ ...app, secrets }, { concurrency }) : null;
    if (deliver) {
      opened.push(deliver);
      restores.push(deliver.restore);
    }
    const planner = queues.includes('plan') ? await startPlannerService(app, { concurrency }) : null;
    if (planner) {
      opened.push(planner);
      restores.push(planner.restore);
    }
    if (queues.includes('sync')) {
      // What a sync stores can complete a delivery (the user sent a draft themselves) and
      // make planned work due or moot, whichever process runs those queues.
      const planQueue = planner?.queue ?? openQueue('plan', app.redis, app.config.queuePrefix);
      if (!planner) opened.push({ close: () => planQueue.close() });
      const toDelivery = deliveryOnWritten(app.db);
      const toPlanner = plannerOnWritten(planQueue);
      const onWritten = async (change: WrittenChange) => {
        await toDelivery(change);
        await toPlanner(change);
      };
      const sync = startSyncService({ ...app, secrets, onWritten }, { concurrency });
      opened.push(sync);
      const poll = () => schedulePolling(sync, app.config.sync.pollMinutes);
      await poll();
      restores.push(poll);
    }
  } catch (err) {
    await closeAll(opened);
    throw err;
  }
  const stopRestoring = restoreAfterReconnect(
    app.redis,
    async () => void (await Promise.all(restores.map((restore) => restore()))),
    (err) => logger('worker').error({ err: describeError(err) }, 'could not queue due work again after Redis came back'),
  );
  return {
    close: async () => {
      stopRestoring();
      await closeAll(opened);
    },
  };
}

/**
 * Starts the web server (approval page, sign-ins, provider webhooks). It only adds jobs
 * to the queues; the workers that run them may be in other processes.
 */
export async function startWeb(app: QueueApp, secrets: SecretBox): Promise<RunningServices & { server: FastifyInstance; hint: string }> {
  const syncQueue = openQueue('sync', app.redis, app.config.queuePrefix);
  const deliverQueue = openQueue('deliver', app.redis, app.config.queuePrefix);
  const login = createWebLogin(app.config);
  const server = buildHttpServer({ ...app, secrets, syncQueue, login, scheduleDelivery: scheduleDelivery(deliverQueue) });
  const close = async () => {
    await server.close();
    await syncQueue.close();
    await deliverQueue.close();
  };
  try {
    await server.listen({ host: app.config.http.host, port: app.config.http.port });
  } catch (err) {
    await close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new InvalidInputError(`Port ${app.config.http.port} on ${app.config.http.host} is taken: is rapport already running? Set RAPPORT_HTTP_PORT to use another.`);
    }
    throw err;
  }
  return { server, hint: webLoginHint(app.config, login), close };
}

async function closeAll(services: RunningServices[]): Promise<void> {
  // The last started first: syncs stop before the queues they feed.
  for (const service of [...services].reverse()) await service.close();
}

/** Resolves on Ctrl-C or SIGTERM. */
export function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}
