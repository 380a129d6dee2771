import type { Config } from '../config/load-config.ts';
import { buildHttpServer } from '../http/server.ts';
import { openQueueApp } from '../main.ts';
import { openSecretBox } from '../store/secret-box.ts';
import { schedulePolling, startSyncService } from '../workers/sync-runner.ts';

/**
 * `rapport start`: the long-running service in one process: the sync worker, the
 * scheduled poll, and the web server for OAuth callbacks and push notifications. Ctrl-C
 * or SIGTERM lets running jobs finish, then exits.
 */
export async function startCommand(config: Config): Promise<void> {
  const app = await openQueueApp(config);
  const secrets = openSecretBox(config.dataDir);
  const sync = startSyncService({ ...app, secrets });
  await schedulePolling(sync, config.sync.pollMinutes);
  const http = buildHttpServer({ ...app, secrets, syncQueue: sync.queue });
  await http.listen({ host: config.http.host, port: config.http.port });
  process.stdout.write(`rapport is running at http://${config.http.host}:${config.http.port} (Ctrl-C to stop).\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stdout.write('Stopping: letting running jobs finish…\n');
  await http.close();
  await sync.close();
  await app.close();
}
