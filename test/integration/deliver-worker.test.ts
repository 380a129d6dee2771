import { UnrecoverableError } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { approveDraft, editDraft, rejectDraft } from '../../src/approval/approval-actions.ts';
import type { Config } from '../../src/config/load-config.ts';
import { findAccount } from '../../src/store/account-repository.ts';
import type { SecretBox } from '../../src/store/secret-box.ts';
import { DeliveryInProgressError, processDeliverJob, type DeliverDeps } from '../../src/workers/deliver-worker.ts';
import { deliverJobId, scheduleDelivery, startDeliverService } from '../../src/workers/deliver-service.ts';
import { openQueue, type TypedQueue } from '../../src/workers/queues.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google/index.ts';
import {
  approvedReply, CONTACT, copiesOf, draftNow, NO_QUEUE, receiveInbound, sentCopiesOf, USER,
} from '../helpers/deliver-fixtures.ts';
import { until } from '../helpers/wait.ts';
import { connectSeededAccount, googleTestConfig } from '../helpers/google.ts';
import { TEST_REDIS_URL } from '../helpers/test-config.ts';
import { ENGINES, openTestStore, type TestStore } from '../helpers/test-store.ts';

const SECOND_USER = 'alex@gmail.com';
const FAST = { baseDelayMs: 5, maxDelayMs: 50 };
const SEND = /^POST .*\/messages\/send$/;

describe.each(ENGINES)('delivering approved drafts through Gmail (%s)', (engine) => {
  let emulator: GoogleEmulator;
  let redis: Redis;
  let store: TestStore;
  let config: Config;
  let secrets: SecretBox;
  let accountId: number;
  let deps: DeliverDeps;
  const run = (draftId: number) => processDeliverJob(deps, { data: { draftId } });
  const sendCalls = () => emulator.requestLog.filter((r) => `${r.method} ${r.path}`.match(SEND) && r.status === 200).length;

  beforeAll(async () => {
    emulator = await startGoogleEmulator();
    emulator.addUser(USER);
    emulator.addUser(SECOND_USER);
    redis = await connectRedis(TEST_REDIS_URL);
    store = await openTestStore(engine);
    const base = googleTestConfig(emulator);
    config = { ...base, user: { ...base.user, name: 'Alex Student' } };
    ({ accountId, secrets } = await connectSeededAccount(store.db, config, emulator, USER));
    deps = { config, db: store.db, redis, secrets, callPolicy: FAST, leaseMs: 2_000 };
  });
  afterEach(() => emulator.clearFaults());
  afterAll(async () => {
    redis.disconnect();
    await store.dispose();
    await emulator.close();
  });

  it('sends an approved reply once, in the thread it answers, and marks it delivered', async () => {
    const inbound = receiveInbound(emulator, `${engine}-plain`);
    const draft = await approvedReply(store.db, NO_QUEUE, { key: `${engine}-plain`, accountId, inbound });
    const before = sendCalls();

    const result = await run(draft.id);

    const delivered = await draftNow(store.db, draft.id);
    const [copy, ...more] = sentCopiesOf(emulator, delivered.rfcMessageId);
    expect(more).toHaveLength(0);
    expect(copy!.threadId).toBe(inbound.threadId);
    expect(result).toEqual({ status: 'delivered', providerId: copy!.id });
    expect(delivered).toMatchObject({ status: 'delivered', providerId: copy!.id, providerThreadId: inbound.threadId, lastError: null });
    expect(delivered.deliveredAt).toBeInstanceOf(Date);
    expect(delivered.rfcMessageId).toMatch(/^rapport\.[0-9a-f]{32}@university\.example$/);
    const raw = copy!.raw.toString('utf8');
    expect(raw).toContain(`In-Reply-To: <${inbound.rfcMessageId}>`);
    expect(raw).toContain('From: Alex Student <alex.student@university.example>');
    expect(raw).toContain(`To: Jane Doe <${CONTACT}>`);

    // The same job again (a retry, a duplicate): nothing more is sent.
    expect(await run(draft.id)).toEqual({ status: 'already_delivered', providerId: copy!.id });
    expect(sendCalls() - before).toBe(1);
  });

  it('a send under an injected 500 and a dropped connection stays delivering, and each retry checks the mailbox before sending once', async () => {
    const inbound = receiveInbound(emulator, `${engine}-500`);
    const draft = await approvedReply(store.db, NO_QUEUE, { key: `${engine}-500`, accountId, inbound });
    emulator.addFault({ match: SEND, kind: '500', count: 1 });
    emulator.addFault({ match: SEND, kind: 'drop', count: 1 });

    for (let attempt = 1; attempt <= 2; attempt++) {
      const failure = await run(draft.id).catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(Error);
      expect(failure).not.toBeInstanceOf(UnrecoverableError);
      const after = await draftNow(store.db, draft.id);
      expect(after.status).toBe('delivering');
      expect(after.lastError).toMatch(/never goes out twice/);
    }
    const rfcMessageId = (await draftNow(store.db, draft.id)).rfcMessageId;
    expect(await run(draft.id)).toMatchObject({ status: 'delivered' });

    expect((await draftNow(store.db, draft.id)).rfcMessageId).toBe(rfcMessageId); // the same id on every attempt
    expect(sentCopiesOf(emulator, rfcMessageId)).toHaveLength(1);
    const searches = emulator.requestLog.filter((r) => r.method === 'GET' && r.path.endsWith('/messages') && r.status === 200);
    expect(searches.length).toBeGreaterThanOrEqual(3);
  });

  it('a send Gmail took whose answer was lost is found by the retry, not sent again', async () => {
    const inbound = receiveInbound(emulator, `${engine}-lost`);
    const draft = await approvedReply(store.db, NO_QUEUE, { key: `${engine}-lost`, accountId, inbound });
    const lostAnswer = {
      ...deps,
      onStep: (step: string) => {
        if (step === 'after-send') throw new Error('socket hang up');
      },
    };

    await expect(processDeliverJob(lostAnswer, { data: { draftId: draft.id } })).rejects.toThrow('socket hang up');
    const stuck = await draftNow(store.db, draft.id);
    expect(stuck.status).toBe('delivering');
    expect(sentCopiesOf(emulator, stuck.rfcMessageId)).toHaveLength(1);

    // The failed attempt released its claim, so the retry need not wait for the lease to lapse.
    expect(await run(draft.id)).toMatchObject({ status: 'delivered' });
    expect(sentCopiesOf(emulator, stuck.rfcMessageId)).toHaveLength(1);
    expect((await draftNow(store.db, draft.id)).status).toBe('delivered');
  });

  it('a 429 before sending puts the draft back to approved with the reason, and the retry sends it', async () => {
    const inbound = receiveInbound(emulator, `${engine}-429`);
    const draft = await approvedReply(store.db, NO_QUEUE, { key: `${engine}-429`, accountId, inbound });
    emulator.addFault({ match: SEND, kind: '429', count: 1, retryAfterSeconds: 1 });

    const failure = await run(draft.id).catch((err: unknown) => err);
    expect(failure).not.toBeInstanceOf(UnrecoverableError);
    const waiting = await draftNow(store.db, draft.id);
    expect(waiting.status).toBe('approved');
    expect(waiting.lastError).toMatch(/^Not sent yet: Google is rate-limiting .* rapport tries again shortly\.$/);
    expect(copiesOf(emulator, waiting.rfcMessageId)).toHaveLength(0);

    expect(await run(draft.id)).toMatchObject({ status: 'delivered' });
    expect(await draftNow(store.db, draft.id)).toMatchObject({ status: 'delivered', lastError: null, rfcMessageId: waiting.rfcMessageId });
    expect(sentCopiesOf(emulator, waiting.rfcMessageId)).toHaveLength(1);
  });

  it('a draft whose recipient is not an address is not sent, and says to edit it', async () => {
    const inbound = receiveInbound(emulator, `${engine}-bad`);
    const draft = await approvedReply(store.db, NO_QUEUE, { key: `${engine}-bad`, accountId, inbound, toAddress: 'jane at firm' });
    const before = sendCalls();

    await expect(run(draft.id)).rejects.toBeInstanceOf(UnrecoverableError);
    const after = await draftNow(store.db, draft.id);
    expect(after.status).toBe('approved');
    expect(after.lastError).toMatch(/^Not sent: .*Edit the draft and approve it again\.$/);
    expect(sendCalls()).toBe(before);
  });

  it('a draft rejected or edited after approval is not sent', async () => {
    const inbound = receiveInbound(emulator, `${engine}-withdrawn`);
    const rejected = await approvedReply(store.db, NO_QUEUE, { key: `${engine}-rejected`, accountId, inbound });
    const edited = await approvedReply(store.db, NO_QUEUE, { key: `${engine}-edited`, accountId, inbound });
    await rejectDraft({ db: store.db, scheduleDelivery: NO_QUEUE }, rejected.id);
    await editDraft({ db: store.db, scheduleDelivery: NO_QUEUE }, edited.id, { subject: 'Re: Coffee', body: 'Hi Jane, thanks!' });
    const before = sendCalls();

    expect(await run(rejected.id)).toEqual({ status: 'skipped' });
    expect(await run(edited.id)).toEqual({ status: 'skipped' });
    expect(await run(999_999)).toEqual({ status: 'skipped' });
    expect(sendCalls()).toBe(before);
  });

  it('of two jobs for one draft running at once, one sends and the other does not', async () => {
    const inbound = receiveInbound(emulator, `${engine}-race`);
    const draft = await approvedReply(store.db, NO_QUEUE, { key: `${engine}-race`, accountId, inbound });

    const outcomes = await Promise.allSettled([run(draft.id), run(draft.id)]);

    const delivered = outcomes.filter((o) => o.status === 'fulfilled' && o.value.status === 'delivered');
    expect(delivered).toHaveLength(1);
    for (const other of outcomes.filter((o) => !delivered.includes(o))) {
      if (other.status === 'rejected') expect(other.reason).toBeInstanceOf(DeliveryInProgressError);
      else expect(other.value.status).toBe('already_delivered');
    }
    expect(sentCopiesOf(emulator, (await draftNow(store.db, draft.id)).rfcMessageId)).toHaveLength(1);
  });

  it('a duplicated job on the queue ends with one sent message', async () => {
    const inbound = receiveInbound(emulator, `${engine}-dup`);
    const service = await startDeliverService({ ...deps, busyRecheckMs: 100 }, { concurrency: 4 });
    try {
      const draft = await approvedReply(store.db, service.scheduleDelivery, { key: `${engine}-dup`, accountId, inbound });
      await service.scheduleDelivery(draft.id, null);
      // A copy under another id, as a second process adding it by hand would.
      await service.queue.add('deliver', { draftId: draft.id }, { jobId: `${deliverJobId(draft.id)}-again`, removeOnComplete: true, removeOnFail: true });

      // The draft delivered and no job left.
      await until(async () => {
        const counts = await service.queue.getJobCounts('active', 'waiting', 'delayed', 'failed');
        return (await draftNow(store.db, draft.id)).status === 'delivered' && Object.values(counts).every((n) => n === 0);
      }, 20_000);
      expect(sentCopiesOf(emulator, (await draftNow(store.db, draft.id)).rfcMessageId)).toHaveLength(1);
    } finally {
      await service.close();
    }
  });

  it('a delivery approved for later waits until then; approving again at another time replaces the wait', async () => {
    const queue: TypedQueue<'deliver'> = openQueue('deliver', redis, `${config.queuePrefix}-schedule`);
    try {
      const inbound = receiveInbound(emulator, `${engine}-later`);
      const inOneHour = new Date(Date.now() + 3_600_000);
      const draft = await approvedReply(store.db, scheduleDelivery(queue), { key: `${engine}-later`, accountId, inbound, at: inOneHour });
      const job = await queue.getJob(deliverJobId(draft.id));
      expect(await job!.isDelayed()).toBe(true);
      expect(job!.timestamp + job!.delay).toBeGreaterThan(inOneHour.getTime() - 5_000);

      await editDraft({ db: store.db, scheduleDelivery: NO_QUEUE }, draft.id, { subject: draft.subject, body: 'Hi Jane, thank you!' });
      await approveDraft({ db: store.db, scheduleDelivery: scheduleDelivery(queue) }, draft.id, { mode: 'send' });
      const again = await queue.getJob(deliverJobId(draft.id));
      expect(again!.delay).toBe(0);
      expect(await queue.getJobCounts('waiting', 'delayed')).toEqual({ waiting: 1, delayed: 0 });
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('an account whose access was revoked leaves its drafts approved, says to reconnect, and flags the account', async () => {
    const second = await connectSeededAccount(store.db, config, emulator, SECOND_USER);
    const inbound = receiveInbound(emulator, `${engine}-revoked`, SECOND_USER);
    const first = await approvedReply(store.db, NO_QUEUE, { key: `${engine}-revoked-1`, accountId: second.accountId, inbound });
    const next = await approvedReply(store.db, NO_QUEUE, { key: `${engine}-revoked-2`, accountId: second.accountId, inbound });
    emulator.revokeTokens(SECOND_USER);

    await expect(run(first.id)).rejects.toBeInstanceOf(UnrecoverableError);
    const stopped = await draftNow(store.db, first.id);
    expect(stopped.status).toBe('approved');
    expect(stopped.lastError).toMatch(/^Not sent: .*`rapport accounts connect gmail`/);
    expect((await findAccount(store.db, second.accountId))!.syncStatus).toBe('needs_reauth');

    // The next draft of that account is not even tried.
    await expect(run(next.id)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(await draftNow(store.db, next.id)).toMatchObject({ status: 'approved', rfcMessageId: null });
    expect((await draftNow(store.db, next.id)).lastError).toMatch(/must be connected again: run `rapport accounts connect gmail`/);
    expect(copiesOf(emulator, stopped.rfcMessageId, SECOND_USER)).toHaveLength(0);
  });
});
