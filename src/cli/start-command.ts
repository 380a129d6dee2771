import type { Config } from '../config/load-config.ts';
import { InvalidInputError } from '../core/errors.ts';
import { buildOpsServer } from '../http/ops-routes.ts';
import { openQueueApp } from '../main.ts';
import { configureLogger, logger } from '../observability/logger.ts';
import { openSecretBox } from '../store/secret-box.ts';
import { startPrivateRedisIfNeeded } from '../workers/private-redis.ts';
import { parseQueues, SERVICE_QUEUES, startWeb, startWorkers, untilStopped, type RunningServices } from './run-services.ts';

/**
 * `rapport start`: the whole service in one process: every worker (syncs and their poll,
 * the planner, deliveries) and the web server. Ctrl-C or SIGTERM lets running jobs
 * finish, then exits.
 */
export async function startCommand(config: Config): Promise<void> {
  await serve(config, async (app, secrets) => {
    const workers = await startWorkers(app, secrets, SERVICE_QUEUES);
    const web = await startWeb(app, secrets).catch(async (err: unknown) => {
      await workers.close();
      throw err;
    });
    process.stdout.write(`rapport is running (Ctrl-C to stop).\n${web.hint}\n`);
    return [web, workers];
  });
}

/** `rapport worker [--queues q1,q2] [--concurrency N]`: workers only, for scaling out. */
export async function workerCommand(config: Config, options: { queues?: string; concurrency?: number }): Promise<void> {
  const queues = parseQueues(options.queues);
  await serve(config, async (app, secrets) => {
    const workers = await startWorkers(app, secrets, queues, options.concurrency);
    const ops = await startOpsServer(app).catch(async (err: unknown) => {
      await workers.close();
      throw err;
    });
    process.stdout.write(`rapport worker serving ${queues.join(', ')} (Ctrl-C to stop).\n`);
    if (ops) process.stdout.write(`Health and metrics: ${ops.url}/metrics\n`);
    return ops ? [ops, workers] : [workers];
  });
}

/** /healthz, /readyz and /metrics of a worker process on `http.metricsPort`, when set. */
async function startOpsServer(app: Awaited<ReturnType<typeof openQueueApp>>): Promise<(RunningServices & { url: string }) | null> {
  const { host, metricsPort } = app.config.http;
  if (!metricsPort) return null;
  const server = buildOpsServer(app);
  try {
    await server.listen({ host, port: metricsPort });
  } catch (err) {
    await server.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new InvalidInputError(`Port ${metricsPort} on ${host} is taken: set RAPPORT_METRICS_PORT to another for this worker.`);
    }
    throw err;
  }
  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${metricsPort}`, close: () => server.close() };
}

/** `rapport web`: the web server only; the jobs it queues run in worker processes. */
export async function webCommand(config: Config): Promise<void> {
  await serve(config, async (app, secrets) => {
    const web = await startWeb(app, secrets);
    process.stdout.write(`rapport web is running (Ctrl-C to stop).\n${web.hint}\n`);
    return [web];
  });
}

async function serve(
  config: Config,
  start: (app: Awaited<ReturnType<typeof openQueueApp>>, secrets: ReturnType<typeof openSecretBox>) => Promise<RunningServices[]>,
): Promise<void> {
  // A service logs JSON to standard error at logLevel; what it prints is for its user.
  configureLogger({ level: config.logLevel });
  const redis = await startPrivateRedisIfNeeded(config.redisUrl, config.dataDir);
  if (redis) process.stdout.write(`No Redis answered at ${config.redisUrl}: started one for rapport (files in ${config.dataDir}/redis).\n`);
  try {
    const app = await openQueueApp(config);
    let running: RunningServices[] = [];
    try {
      running = await start(app, openSecretBox(config.dataDir));
      logger('service').info({ pid: process.pid }, 'started');
      await untilStopped();
      logger('service').info('stopping: letting running jobs finish');
      process.stdout.write('Stopping: letting running jobs finish…\n');
    } finally {
      for (const service of running) await service.close();
      await app.close();
    }
  } finally {
    await redis?.stop();
  }
}
