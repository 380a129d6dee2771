import { google, type gmail_v1 } from 'googleapis';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load-config.ts';
import { loadDetectConfig } from '../../src/config/load-detect-config.ts';
import { RuleClassifier } from '../../src/detect/rule-classifier.ts';
import type { SecretBox } from '../../src/store/secret-box.ts';
import { deliveryOnWritten, startDeliverService } from '../../src/workers/deliver-service.ts';
import { processDeliverJob, type DeliverDeps } from '../../src/workers/deliver-worker.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';
import { processSyncJob, type SyncDeps } from '../../src/workers/sync-worker.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google/index.ts';
import { approvedReply, copiesOf, draftNow, NO_QUEUE, receiveInbound, USER } from '../helpers/deliver-fixtures.ts';
import { connectSeededAccount, googleTestConfig, TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../helpers/google.ts';
import { TEST_REDIS_URL } from '../helpers/test-config.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

const FAST = { baseDelayMs: 5, maxDelayMs: 50 };

describe('a draft put in the user’s mailbox, sent by them from their mail client', () => {
  let emulator: GoogleEmulator;
  let redis: Redis;
  let store: TestStore;
  let config: Config;
  let secrets: SecretBox;
  let accountId: number;
  let deps: DeliverDeps;
  /** The user's own mail client. */
  let usersGmail: gmail_v1.Gmail;

  /** A mail sync of the account, as the sync worker runs it; `onWritten` is what the lead wires in. */
  const sync = (onWritten?: SyncDeps['onWritten']) =>
    processSyncJob(
      { config, db: store.db, redis, secrets, callPolicy: FAST, classifier: new RuleClassifier(loadDetectConfig()), ...(onWritten ? { onWritten } : {}) },
      { name: 'mail', data: { accountId }, updateProgress: async () => undefined },
    );

  /** The user opens their Drafts folder and sends the draft holding this Gmail message. */
  async function sendFromMailClient(gmailMessageId: string): Promise<void> {
    const { data } = await usersGmail.users.drafts.list({ userId: 'me' });
    const draft = (data.drafts ?? []).find((d) => d.message?.id === gmailMessageId);
    expect(draft, 'the draft is in the Drafts folder').toBeDefined();
    await usersGmail.users.drafts.send({ userId: 'me', requestBody: { id: draft!.id! } });
  }

  beforeAll(async () => {
    // Quota off: the user's own mail client does not wait on rapport's quota gate.
    emulator = await startGoogleEmulator({ unitsPerSecond: null });
    emulator.addUser(USER);
    redis = await connectRedis(TEST_REDIS_URL);
    store = await openTestStore('pglite');
    const base = googleTestConfig(emulator);
    config = { ...base, user: { ...base.user, name: 'Alex Student' } };
    ({ accountId, secrets } = await connectSeededAccount(store.db, config, emulator, USER));
    deps = { config, db: store.db, redis, secrets, callPolicy: FAST, leaseMs: 2_000 };
    const auth = new google.auth.OAuth2({
      clientId: TEST_CLIENT_ID,
      clientSecret: TEST_CLIENT_SECRET,
      endpoints: { oauth2TokenUrl: `${emulator.url}token`, oauth2AuthBaseUrl: `${emulator.url}o/oauth2/v2/auth` },
    });
    auth.setCredentials({ refresh_token: emulator.issueRefreshToken(USER, TEST_CLIENT_ID) });
    usersGmail = google.gmail({ version: 'v1', auth, rootUrl: emulator.url });
  });
  afterAll(async () => {
    redis.disconnect();
    await store.dispose();
    await emulator.close();
  });

  it('lands in the Drafts folder, in the thread it answers; once the user sends it and mail syncs, it is delivered', async () => {
    const inbound = receiveInbound(emulator, 'mailbox');
    expect(await sync()).toMatchObject({ status: 'synced' });
    const approved = await approvedReply(store.db, NO_QUEUE, { key: 'mailbox', accountId, inbound, mode: 'mailbox' });

    expect(await processDeliverJob(deps, { data: { draftId: approved.id } })).toMatchObject({ status: 'delivered' });

    const inMailbox = await draftNow(store.db, approved.id);
    const [gmailDraft, ...others] = copiesOf(emulator, inMailbox.rfcMessageId);
    expect(others).toHaveLength(0);
    expect(gmailDraft!.labelIds).toContain('DRAFT');
    expect(gmailDraft!.labelIds).not.toContain('SENT');
    expect(gmailDraft!.threadId).toBe(inbound.threadId);
    expect(inMailbox).toMatchObject({ status: 'delivered', deliveryMode: 'mailbox', providerId: gmailDraft!.id, deliveredAt: null });

    // Syncing while it waits in Drafts changes nothing: drafts are not mail that went out.
    await sync(deliveryOnWritten(store.db));
    expect((await draftNow(store.db, approved.id)).deliveredAt).toBeNull();

    await sendFromMailClient(gmailDraft!.id);
    await sync(deliveryOnWritten(store.db));

    const sent = await draftNow(store.db, approved.id);
    expect(sent.status).toBe('delivered');
    expect(sent.deliveredAt).toBeInstanceOf(Date);
    const copies = copiesOf(emulator, sent.rfcMessageId);
    expect(copies).toHaveLength(1);
    expect(copies[0]!.labelIds).toContain('SENT');
    const [row] = await store.db.query<{ direction: string }>(
      'select direction from message where message_key = $1',
      [sent.rfcMessageId],
    );
    expect(row).toMatchObject({ direction: 'sent' });
  });

  it('a worker that stopped after creating the Gmail draft finds it on the retry and creates no second one', async () => {
    const inbound = receiveInbound(emulator, 'mailbox-lost');
    const approved = await approvedReply(store.db, NO_QUEUE, { key: 'mailbox-lost', accountId, inbound, mode: 'mailbox' });
    const answerLost: DeliverDeps = {
      ...deps,
      onStep: (step) => {
        if (step === 'after-send') throw new Error('connection reset');
      },
    };

    await expect(processDeliverJob(answerLost, { data: { draftId: approved.id } })).rejects.toThrow('connection reset');
    const stuck = await draftNow(store.db, approved.id);
    expect(stuck.status).toBe('delivering');

    expect(await processDeliverJob(deps, { data: { draftId: approved.id } })).toMatchObject({ status: 'delivered' });
    const copies = copiesOf(emulator, stuck.rfcMessageId);
    expect(copies).toHaveLength(1);
    expect(copies[0]!.labelIds).toContain('DRAFT');
    expect(await draftNow(store.db, approved.id)).toMatchObject({ status: 'delivered', providerId: copies[0]!.id, deliveredAt: null });
  });

  it('a draft the user sent while rapport was not listening is completed when the deliver service starts', async () => {
    const inbound = receiveInbound(emulator, 'mailbox-offline');
    const approved = await approvedReply(store.db, NO_QUEUE, { key: 'mailbox-offline', accountId, inbound, mode: 'mailbox' });
    await processDeliverJob(deps, { data: { draftId: approved.id } });
    await sendFromMailClient((await draftNow(store.db, approved.id)).providerId!);
    await sync(); // stored, but nobody was told
    expect((await draftNow(store.db, approved.id)).deliveredAt).toBeNull();

    const service = await startDeliverService(deps);
    await service.close();

    expect((await draftNow(store.db, approved.id)).deliveredAt).toBeInstanceOf(Date);
  });
});
