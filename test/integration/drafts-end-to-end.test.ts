/**
 * The drafting issue's "done when", end to end with rapport's real services as
 * `rapport start` wires them: a Gmail mailbox (the emulator) with a meeting that ended an
 * hour ago and an outreach request unanswered for twelve days is synced; the planner
 * drafts a thank-you and a follow-up; the user signs in to the page, edits the thank-you,
 * approves it; the deliver worker sends it; Sent holds exactly one message, threaded.
 */
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load-config.ts';
import { buildHttpServer } from '../../src/http/server.ts';
import { createWebLogin, type WebLogin } from '../../src/http/web-login.ts';
import { listDrafts, type DraftRecord } from '../../src/store/draft-repository.ts';
import type { SecretBox } from '../../src/store/secret-box.ts';
import { deliveryOnWritten, scheduleDelivery, startDeliverService, type DeliverService } from '../../src/workers/deliver-service.ts';
import type { WrittenChange } from '../../src/workers/ingest-worker.ts';
import { plannerOnWritten, startPlannerService, type PlannerService } from '../../src/workers/planner-service.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';
import { runAccountSync, startSyncService, type SyncService } from '../../src/workers/sync-runner.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google/index.ts';
import { connectSeededAccount, googleTestConfig, rawMessage } from '../helpers/google.ts';
import { TEST_REDIS_URL } from '../helpers/test-config.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { until } from '../helpers/wait.ts';
import { PageClient, profileConfigFile, visibleText } from './approval-harness.ts';

const USER = 'alex.student@university.example';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('from a synced mailbox to one threaded thank-you in Sent', () => {
  let emulator: GoogleEmulator;
  let redis: Redis;
  let store: TestStore;
  let config: Config;
  let secrets: SecretBox;
  let accountId: number;
  let sync: SyncService;
  let planner: PlannerService;
  let deliver: DeliverService;
  let http: FastifyInstance;
  let login: WebLogin;
  let baseUrl: string;
  let samThread: string;
  const now = Date.now();

  beforeAll(async () => {
    emulator = await startGoogleEmulator();
    emulator.addUser(USER);
    const at = (ms: number) => new Date(now - ms);
    const put = (raw: string, labelIds: string[], date: Date) => emulator.insertMessage(USER, raw, { labelIds, internalDate: date });
    // Jane: a request twelve days ago, never answered.
    put(rawMessage({
      from: `Alex Student <${USER}>`, to: 'Jane Doe <jane.doe@acme.example>', subject: 'Informational interview request',
      date: at(12 * DAY), messageId: 'e2e-jane-1@university.example',
      body: "Dear Ms. Doe,\n\nI am a master's student in data science at Rice, and Professor Lee suggested I contact you. I am exploring careers in energy analytics and would be grateful for 20 minutes of your time for an informational interview about your work at Acme. I am not asking for a job, only for your advice.\n\nBest regards,\nAlex Student\n",
    }), ['SENT'], at(12 * DAY));
    // Sam: a request, his yes, and the coffee that ended an hour ago.
    samThread = put(rawMessage({
      from: `Alex Student <${USER}>`, to: 'Sam Rivera <sam.rivera@initech.example>', subject: 'Coffee chat about data engineering?',
      date: at(6 * DAY), messageId: 'e2e-sam-1@university.example',
      body: "Dear Mr. Rivera,\n\nI am a master's student at Rice exploring data engineering. Would you have 20 to 30 minutes for a short conversation about your work at Initech? I would be grateful for your advice.\n\nBest regards,\nAlex Student\n",
    }), ['SENT'], at(6 * DAY)).threadId;
    put(rawMessage({
      from: 'Sam Rivera <sam.rivera@initech.example>', to: `Alex Student <${USER}>`, subject: 'Re: Coffee chat about data engineering?',
      date: at(5 * DAY), messageId: 'e2e-sam-2@initech.example', inReplyTo: 'e2e-sam-1@university.example',
      body: 'Hi Alex,\n\nHappy to chat. How about coffee today at 3pm at the Bean downtown?\n\nSam\n',
    }), ['INBOX'], at(5 * DAY));
    emulator.insertEvent(USER, {
      summary: 'Coffee with Sam Rivera',
      start: { dateTime: at(2 * HOUR).toISOString() },
      end: { dateTime: at(1 * HOUR).toISOString() },
      attendees: [
        { email: 'sam.rivera@initech.example', displayName: 'Sam Rivera', responseStatus: 'accepted' },
        { email: USER, self: true, responseStatus: 'accepted' },
      ],
    });

    redis = await connectRedis(TEST_REDIS_URL);
    store = await openTestStore('pglite');
    config = googleTestConfig(emulator, { RAPPORT_CONFIG: profileConfigFile(), RAPPORT_ME: USER });
    const connected = await connectSeededAccount(store.db, config, emulator, USER);
    accountId = connected.accountId;
    secrets = connected.secrets;

    // As `rapport start` wires them.
    const app = { config, db: store.db, redis };
    deliver = await startDeliverService({ ...app, secrets, callPolicy: { baseDelayMs: 5, maxDelayMs: 50 } });
    planner = await startPlannerService(app);
    const toDelivery = deliveryOnWritten(store.db);
    const toPlanner = plannerOnWritten(planner.queue);
    const onWritten = async (change: WrittenChange) => {
      await toDelivery(change);
      await toPlanner(change);
    };
    sync = startSyncService({ ...app, secrets, onWritten, callPolicy: { baseDelayMs: 5, maxDelayMs: 50 } });
    login = createWebLogin(config);
    http = buildHttpServer({ ...app, secrets, syncQueue: sync.queue, login, scheduleDelivery: scheduleDelivery(deliver.queue) });
    baseUrl = await http.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await http?.close();
    await sync?.close();
    await planner?.close();
    await deliver?.close();
    redis?.disconnect();
    await store?.dispose();
    await emulator?.close();
  });

  const draftOf = async (kind: DraftRecord['kind']) => (await listDrafts(store.db)).find((d) => d.kind === kind);

  it('drafts a thank-you and a follow-up; the page shows both; an edited, approved thank-you is sent once, threaded', async () => {
    const outcome = await runAccountSync(sync, accountId);
    expect(outcome.mail).toMatchObject({ status: 'synced' });
    await until(async () => !!(await draftOf('thank_you')) && !!(await draftOf('follow_up')), 20_000);
    const thankYou = (await draftOf('thank_you'))!;
    const followUp = (await draftOf('follow_up'))!;
    expect(thankYou).toMatchObject({ toAddress: 'sam.rivera@initech.example' });
    expect(followUp).toMatchObject({ toAddress: 'jane.doe@acme.example', subject: 'Re: Informational interview request' });

    const user = new PageClient(baseUrl);
    expect((await user.signIn(login.token!)).status).toBe(303);
    const queue = visibleText((await user.get('/drafts')).text);
    expect(queue).toContain('Sam Rivera');
    expect(queue).toContain('Jane Doe');

    const body = 'Hi Sam,\n\nThank you for the coffee this afternoon. Your advice on learning the data platform first was just what I needed.\n\nBest,\nAlex\n';
    expect((await user.post(`/drafts/${thankYou.id}/edit`, { subject: thankYou.subject, body })).status).toBe(303);
    expect((await user.post(`/drafts/${thankYou.id}/approve`, { mode: 'now' })).status).toBe(303);

    await until(async () => (await draftOf('thank_you'))!.status === 'delivered', 20_000);
    const sent = emulator.messages(USER).filter((m) => m.labelIds.includes('SENT') && m.raw.toString('utf8').includes('Thank you for the coffee'));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.threadId).toBe(samThread);
    const headers = sent[0]!.raw.toString('utf8');
    expect(headers).toMatch(/^In-Reply-To: <e2e-sam-2@initech\.example>/m);
    expect(headers).toMatch(/^To: .*sam\.rivera@initech\.example/m);
  });
});
