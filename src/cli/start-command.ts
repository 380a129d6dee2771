import type { Config } from '../config/load-config.ts';
import { createWebLogin, webLoginHint } from '../http/web-login.ts';
import { buildHttpServer } from '../http/server.ts';
import { openQueueApp } from '../main.ts';
import { openSecretBox } from '../store/secret-box.ts';
import { deliveryOnWritten, scheduleDelivery, startDeliverService } from '../workers/deliver-service.ts';
import type { WrittenChange } from '../workers/ingest-worker.ts';
import { plannerOnWritten, startPlannerService } from '../workers/planner-service.ts';
import { schedulePolling, startSyncService } from '../workers/sync-runner.ts';

/**
 * `rapport start`: the long-running service in one process: syncs and their scheduled
 * poll, the planner, deliveries, and the web server (approval page, sign-ins, push
 * notifications). Ctrl-C or SIGTERM lets running jobs finish, then exits.
 */
export async function startCommand(config: Config): Promise<void> {
  const app = await openQueueApp(config);
  const secrets = openSecretBox(config.dataDir);
  const deliver = await startDeliverService({ ...app, secrets });
  const planner = await startPlannerService(app);
  const toDelivery = deliveryOnWritten(app.db);
  const toPlanner = plannerOnWritten(planner.queue);
  // What a sync stores can complete a delivery (the user sent a draft themselves) and
  // make planned work due or moot.
  const onWritten = async (change: WrittenChange) => {
    await toDelivery(change);
    await toPlanner(change);
  };
  const sync = startSyncService({ ...app, secrets, onWritten });
  await schedulePolling(sync, config.sync.pollMinutes);
  const login = createWebLogin(config);
  const http = buildHttpServer({
    ...app,
    secrets,
    syncQueue: sync.queue,
    login,
    scheduleDelivery: scheduleDelivery(deliver.queue),
  });
  await http.listen({ host: config.http.host, port: config.http.port });
  process.stdout.write(`rapport is running (Ctrl-C to stop).\n${webLoginHint(config, login)}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stdout.write('Stopping: letting running jobs finish…\n');
  await http.close();
  await sync.close();
  await planner.close();
  await deliver.close();
  await app.close();
}
