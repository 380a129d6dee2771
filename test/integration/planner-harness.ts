import fs from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from '../../src/config/load-config.ts';
import { loadDetectConfig } from '../../src/config/load-detect-config.ts';
import { RuleClassifier } from '../../src/detect/rule-classifier.ts';
import { ensureAccount } from '../../src/store/account-repository.ts';
import { listDrafts, type DraftKind, type DraftRecord } from '../../src/store/draft-repository.ts';
import { ingestRawItems, type IngestDeps, type RawItem } from '../../src/workers/ingest-worker.ts';
import { plannerOnWritten, startPlannerService, type PlannerService } from '../../src/workers/planner-service.ts';
import { openQueue, type TypedQueue } from '../../src/workers/queues.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';
import { testConfig, TEST_REDIS_URL } from '../helpers/test-config.ts';
import { openTestStore, type Engine, type TestStore } from '../helpers/test-store.ts';
import { until } from '../helpers/wait.ts';

export const FIXTURES = path.resolve('test/fixtures/planner');
export const USER = 'alex.student@university.example';

/**
 * A planner test's world: a fresh database and queue prefix, a clock the test moves, a
 * running planner service, and ingest that tells the planner what it wrote, as
 * `rapport start` wires them.
 */
export interface PlannerScenario {
  store: TestStore;
  config: Config;
  redis: Redis;
  /** The running planner service (after `stop`, the last one). */
  service: PlannerService;
  /** The plan queue as ingest sees it: open whether or not a planner runs. */
  queue: TypedQueue<'plan'>;
  /** Lines the planner told the user. */
  logs: string[];
  now(): Date;
  setClock(iso: string): void;
  /** Ingests fixture files (`.eml` messages, `.ics` calendars) through the real ingest. */
  ingest(...files: string[]): Promise<void>;
  /** Waits until no plan job waits or runs (delayed ones stay); nothing to wait for while stopped. */
  settle(): Promise<void>;
  /** Stops the planner service; work queued meanwhile waits in Redis. */
  stop(): Promise<void>;
  /** Starts a new planner service on the same queue and database (as after a restart). */
  start(): Promise<PlannerService>;
  drafts(kind?: DraftKind): Promise<DraftRecord[]>;
  dispose(): Promise<void>;
}

const SERVICE_OPTIONS = { lockDuration: 5_000, stalledInterval: 1_000 };

export async function openScenario(engine: Engine, startIso: string): Promise<PlannerScenario> {
  const store = await openTestStore(engine);
  const config = testConfig({ RAPPORT_CONFIG: path.join(FIXTURES, 'config.yaml'), DATABASE_URL: store.databaseUrl });
  const redis = await connectRedis(TEST_REDIS_URL);
  let clock = new Date(startIso);
  const logs: string[] = [];
  const start = () =>
    startPlannerService({ config, db: store.db, redis, now: () => clock, log: (line) => logs.push(line) }, SERVICE_OPTIONS);
  const queue = openQueue('plan', redis, config.queuePrefix);
  const running = new Set<PlannerService>();
  const accountId = await ensureAccount(store.db, 'mailbox', USER);
  const classifier = new RuleClassifier(loadDetectConfig());
  const scenario: PlannerScenario = {
    store, config, redis, logs, queue,
    service: await start(),
    now: () => clock,
    setClock(iso) {
      clock = new Date(iso);
    },
    async ingest(...files) {
      const deps: IngestDeps = { db: store.db, config, classifier, onWritten: plannerOnWritten(queue) };
      const items = files.map((file): RawItem => ({
        source: path.join(FIXTURES, file),
        format: file.endsWith('.ics') ? 'ics' : 'raw',
        raw: fs.readFileSync(path.join(FIXTURES, file)),
        failure: { path: path.join(FIXTURES, file), position: 0 },
      }));
      const { result } = await ingestRawItems(deps, accountId, items);
      if (result.failed > 0) throw new Error(`could not ingest ${files.join(', ')}`);
      await scenario.settle();
    },
    async settle() {
      if (running.size === 0) return;
      await until(async () => {
        const counts = await queue.getJobCounts('wait', 'active', 'prioritized');
        return Object.values(counts).every((n) => n === 0);
      });
    },
    async stop() {
      for (const service of running) await service.close();
      running.clear();
    },
    async start() {
      const service = await start();
      running.add(service);
      scenario.service = service;
      return service;
    },
    drafts: async (kind) => (await listDrafts(store.db)).filter((d) => !kind || d.kind === kind),
    async dispose() {
      await queue.obliterate({ force: true });
      await scenario.stop();
      await queue.close();
      redis.disconnect();
      await store.dispose();
    },
  };
  running.add(scenario.service);
  await scenario.settle();
  return scenario;
}

export { until };
