/**
 * A deliver worker in a process of its own, for the test that kills a worker at each step
 * of a delivery. Configured by the environment (as rapport is) plus TEST_DATABASE_URL and
 * TEST_SCHEMA for its database, and RAPPORT_TEST_CRASH_AT: the step (see DELIVER_STEPS)
 * at which the process kills itself. Prints "ready" once it serves the queue.
 */
import { loadConfig } from '../../src/config/load-config.ts';
import { openStore } from '../../src/store/open-store.ts';
import { openSecretBox } from '../../src/store/secret-box.ts';
import { startDeliverService } from '../../src/workers/deliver-service.ts';
import { DELIVER_STEPS, type DeliverStep } from '../../src/workers/deliver-worker.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';

/** Dies, as `kill -9` would, the moment the worker reaches `step`; does nothing when unset. */
function dieAtStep(step: string | undefined): ((reached: DeliverStep) => void) | undefined {
  if (!step) return undefined;
  if (!(DELIVER_STEPS as readonly string[]).includes(step)) throw new Error(`RAPPORT_TEST_CRASH_AT must be one of ${DELIVER_STEPS.join(', ')}`);
  return (reached) => {
    if (reached === step) process.kill(process.pid, 'SIGKILL');
  };
}

const config = loadConfig(process.env);
const onStep = dieAtStep(process.env.RAPPORT_TEST_CRASH_AT);
const db = await openStore({ databaseUrl: process.env.TEST_DATABASE_URL!, dataDir: '', schema: process.env.TEST_SCHEMA });
const redis = await connectRedis(config.redisUrl);
await startDeliverService(
  { config, db, redis, secrets: openSecretBox(config.dataDir, {}), leaseMs: Number(process.env.TEST_LEASE_MS ?? 1000), ...(onStep ? { onStep } : {}) },
  // Short lock and stalled check, so the test's take-over happens in seconds, not the default half minute.
  { lockDuration: 1500, stalledInterval: 300 },
);
process.stdout.write('ready\n');
