import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load-config.ts';
import { loadDetectConfig } from '../../src/config/load-detect-config.ts';
import { RuleClassifier } from '../../src/detect/rule-classifier.ts';
import { createDraft } from '../../src/store/draft-repository.ts';
import { approveDraft } from '../../src/approval/approval-actions.ts';
import type { SecretBox } from '../../src/store/secret-box.ts';
import { deliveryOnWritten } from '../../src/workers/deliver-service.ts';
import { processDeliverJob, type DeliverDeps } from '../../src/workers/deliver-worker.ts';
import { processSyncJob } from '../../src/workers/sync-worker.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';
import { startGraphEmulator, type EmulatedGraphMessage, type GraphEmulator } from '../emulators/graph/index.ts';
import { draftNow, NO_QUEUE } from '../helpers/deliver-fixtures.ts';
import { rawMessage } from '../helpers/google.ts';
import { connectSeededOutlookAccount, outlookTestConfig } from '../helpers/outlook.ts';
import { TEST_REDIS_URL } from '../helpers/test-config.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

const USER = 'sam.lee@contoso.example';
const CONTACT = 'ana.ruiz@fabrikam.example';
const FAST = { baseDelayMs: 5, maxDelayMs: 50 };
const SEND = /^POST .*\/messages\/[^/]+\/send$/;
const CREATE = /^POST \/v1\.0\/me\/messages$/;

describe('delivering approved drafts through Outlook', () => {
  let emulator: GraphEmulator;
  let redis: Redis;
  let store: TestStore;
  let config: Config;
  let secrets: SecretBox;
  let accountId: number;
  let deps: DeliverDeps;
  const run = (draftId: number, with_: Partial<DeliverDeps> = {}) => processDeliverJob({ ...deps, ...with_ }, { data: { draftId } });
  const accepted = (pattern: RegExp) => emulator.requestLog.filter((r) => pattern.test(`${r.method} ${r.path}`) && r.status >= 200 && r.status < 300).length;
  const copiesOf = (rfcMessageId: string | null): EmulatedGraphMessage[] =>
    emulator.messages(USER).filter((m) => rfcMessageId !== null && m.internetMessageId === `<${rfcMessageId}>`);

  /** A message from the contact in Sam's Inbox, and Sam's approved thank-you answering it. */
  async function approvedReply(key: string, mode: 'send' | 'mailbox' = 'send') {
    const rfcMessageId = `ana-${key}@mail.fabrikam.example`;
    const subject = `Coffee chat (${key})`;
    const inbound = emulator.insertMessage(
      USER,
      rawMessage({ from: `Ana Ruiz <${CONTACT}>`, to: USER, subject, date: new Date(Date.now() - 3_600_000), messageId: rfcMessageId }),
    );
    const { draft } = await createDraft(store.db, {
      kind: 'thank_you',
      accountId,
      toAddress: CONTACT,
      toName: 'Ana Ruiz',
      subject: `Re: ${subject}`,
      body: 'Hi Ana,\n\nThank you for your time today.\n\nSam\n',
      html: '<p>Hi Ana,</p><p>Thank you for your time today.</p><p>Sam</p>',
      idempotencyKey: `thank_you:outlook-${key}`,
      inReplyTo: rfcMessageId,
      references: [rfcMessageId],
      providerThreadId: inbound.conversationId,
    });
    const approved = await approveDraft({ db: store.db, scheduleDelivery: NO_QUEUE }, draft.id, { mode, at: null });
    return { draft: approved, inbound, rfcMessageId };
  }

  beforeAll(async () => {
    emulator = await startGraphEmulator();
    emulator.addUser(USER);
    redis = await connectRedis(TEST_REDIS_URL);
    store = await openTestStore('pglite');
    const base = outlookTestConfig(emulator);
    config = { ...base, user: { ...base.user, name: 'Sam Lee' } };
    ({ accountId, secrets } = await connectSeededOutlookAccount(store.db, config, emulator, USER));
    deps = { config, db: store.db, redis, secrets, callPolicy: FAST, leaseMs: 2_000 };
  });
  afterEach(() => emulator.clearFaults());
  afterAll(async () => {
    redis.disconnect();
    await store.dispose();
    await emulator.close();
  });

  it('sends an approved reply once, in the conversation it answers, under our own Message-ID, and marks it delivered', async () => {
    const { draft, inbound, rfcMessageId } = await approvedReply('plain');
    const sendsBefore = accepted(SEND);

    const result = await run(draft.id);

    const delivered = await draftNow(store.db, draft.id);
    const [copy, ...more] = copiesOf(delivered.rfcMessageId);
    expect(more).toHaveLength(0);
    expect(copy).toMatchObject({ folder: 'sentitems', isDraft: false, conversationId: inbound.conversationId });
    expect(result).toEqual({ status: 'delivered', providerId: copy!.immutableId });
    expect(delivered).toMatchObject({ status: 'delivered', providerId: copy!.immutableId, providerThreadId: inbound.conversationId, lastError: null });
    expect(delivered.deliveredAt).toBeInstanceOf(Date);
    expect(delivered.rfcMessageId).toMatch(/^rapport\.[0-9a-f]{32}@contoso\.example$/);
    const raw = copy!.raw.toString('utf8');
    expect(raw).toContain(`In-Reply-To: <${rfcMessageId}>`);
    expect(raw).toContain(`From: Sam Lee <${USER}>`);
    expect(raw).toContain(`To: Ana Ruiz <${CONTACT}>`);

    // The same job again (a retry, a duplicate): nothing more is sent.
    expect(await run(draft.id)).toEqual({ status: 'already_delivered', providerId: copy!.immutableId });
    expect(accepted(SEND) - sendsBefore).toBe(1);
  });

  it('a send that failed after the draft was uploaded sends that draft on the retry, leaving no second one', async () => {
    const { draft } = await approvedReply('500');
    emulator.addFault({ match: SEND, kind: '500', count: 1 });
    const createsBefore = accepted(CREATE);

    await expect(run(draft.id)).rejects.toThrow();
    const stuck = await draftNow(store.db, draft.id);
    // A 500 does not say whether the mail went out: the draft waits for the check.
    expect(stuck.status).toBe('delivering');
    expect(copiesOf(stuck.rfcMessageId)).toMatchObject([{ folder: 'drafts', isDraft: true }]);

    expect(await run(draft.id)).toMatchObject({ status: 'delivered' });
    expect(copiesOf(stuck.rfcMessageId)).toMatchObject([{ folder: 'sentitems', isDraft: false }]);
    expect(accepted(CREATE) - createsBefore).toBe(1);
  });

  it('a send Outlook took whose answer was lost is found by the retry, not sent again', async () => {
    const { draft } = await approvedReply('lost');
    const lostAnswer = {
      onStep: (step: string) => {
        if (step === 'after-send') throw new Error('socket hang up');
      },
    };

    await expect(run(draft.id, lostAnswer)).rejects.toThrow('socket hang up');
    const stuck = await draftNow(store.db, draft.id);
    expect(stuck.status).toBe('delivering');
    const sendsBefore = accepted(SEND);

    expect(await run(draft.id)).toMatchObject({ status: 'delivered' });
    expect(copiesOf(stuck.rfcMessageId)).toMatchObject([{ folder: 'sentitems', isDraft: false }]);
    expect(accepted(SEND)).toBe(sendsBefore);
  });

  it('a 429 on the send puts the draft back to approved with the reason, and the retry sends the same draft', async () => {
    const { draft } = await approvedReply('429');
    emulator.addFault({ match: SEND, kind: '429', count: 1, retryAfterSeconds: 1 });

    await expect(run(draft.id)).rejects.toThrow();
    const waiting = await draftNow(store.db, draft.id);
    expect(waiting.status).toBe('approved');
    expect(waiting.lastError).toMatch(/^Not sent yet: .* rapport tries again shortly\.$/);

    expect(await run(draft.id)).toMatchObject({ status: 'delivered' });
    expect(copiesOf(waiting.rfcMessageId)).toMatchObject([{ folder: 'sentitems', isDraft: false }]);
  });

  it('to the mailbox: one draft in Outlook Drafts, in the conversation, a retry adds none, and the user\'s own send completes it', async () => {
    const { draft, inbound } = await approvedReply('mailbox', 'mailbox');
    const sendsBefore = accepted(SEND);

    const result = await run(draft.id);

    const placed = await draftNow(store.db, draft.id);
    const [copy, ...more] = copiesOf(placed.rfcMessageId);
    expect(more).toHaveLength(0);
    expect(copy).toMatchObject({ folder: 'drafts', isDraft: true, conversationId: inbound.conversationId });
    expect(result).toEqual({ status: 'delivered', providerId: copy!.immutableId });
    // Delivered to the mailbox, not yet sent: the user's own send is the approval.
    expect(placed).toMatchObject({ status: 'delivered', deliveredAt: null });

    await run(draft.id);
    expect(copiesOf(placed.rfcMessageId)).toHaveLength(1);
    expect(accepted(SEND)).toBe(sendsBefore);

    // The user sends it from Outlook; the next mail sync sees it in Sent Items.
    const mailSync = () =>
      processSyncJob(
        { ...deps, classifier: new RuleClassifier(loadDetectConfig()), onWritten: deliveryOnWritten(store.db) },
        { name: 'mail', data: { accountId }, updateProgress: async () => undefined },
      );
    await mailSync();
    expect((await draftNow(store.db, draft.id)).deliveredAt).toBeNull();
    const usersOutlook = await fetch(new URL(`v1.0/me/messages/${copy!.immutableId}/send`, emulator.url), {
      method: 'POST', headers: { authorization: `Bearer ${emulator.issueAccessToken(USER)}` },
    });
    expect(usersOutlook.status).toBe(202);
    await mailSync();
    const sent = await draftNow(store.db, draft.id);
    expect(sent).toMatchObject({ status: 'delivered' });
    expect(sent.deliveredAt).toBeInstanceOf(Date);
    expect(copiesOf(sent.rfcMessageId)).toMatchObject([{ folder: 'sentitems', isDraft: false }]);
  });
});
