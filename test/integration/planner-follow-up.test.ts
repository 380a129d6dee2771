import { afterEach, describe, expect, it } from 'vitest';
import { saveConnectedAccount } from '../../src/store/account-repository.ts';
import { moveDraft } from '../../src/store/draft-repository.ts';
import { recordProviderMessages } from '../../src/store/provider-message-repository.ts';
import { planJobId } from '../../src/workers/planner-jobs.ts';
import { ENGINES } from '../helpers/test-store.ts';
import { openScenario, type PlannerScenario } from './planner-harness.ts';

// Alex wrote to Bob on Monday, March 2, 2026, 09:15 in New York. Seven business days
// later, with the weekend skipped and the clocks moved to summer time on March 8, is
// Wednesday, March 11, 09:15 EDT = 13:15 UTC.
const DUE = new Date('2026-03-11T13:15:00Z');

async function bobThread(s: PlannerScenario): Promise<number> {
  const [row] = await s.store.db.query<{ thread_id: number }>(`select thread_id from message where rfc_message_id = 'req-bob@university.example'`);
  return row!.thread_id;
}

async function jobState(s: PlannerScenario, jobId: string): Promise<string | null> {
  const job = await s.service.queue.getJob(jobId);
  return job ? await job.getState() : null;
}

describe('follow-ups to unanswered outreach (real Redis, PostgreSQL, a clock the test moves)', () => {
  let s: PlannerScenario;
  afterEach(async () => {
    await s.dispose();
  });

  it.each(ENGINES)('waits seven business days (weekends skipped), then drafts a reply in the thread (%s)', async (engine) => {
    s = await openScenario(engine, '2026-03-11T13:00:00Z');
    await s.ingest('request-bob.eml');
    const thread = await bobThread(s);
    expect(await jobState(s, planJobId.followUpDue(thread, 1))).toBe('delayed');
    expect(await s.drafts()).toEqual([]);

    s.setClock('2026-03-11T13:16:00Z');
    await s.service.scanNow();
    const [draft] = await s.drafts('follow_up');
    expect(draft).toMatchObject({
      idempotencyKey: `follow_up:${thread}:1`,
      status: 'pending',
      threadId: thread,
      followUpNumber: 1,
      dueAt: DUE,
      toAddress: 'bob@initech.example',
      toName: 'Bob Lumbergh',
      subject: 'Re: Learning about product work at Initech',
      inReplyTo: 'req-bob@university.example',
      references: ['req-bob@university.example'],
      reason: 'You wrote to Bob Lumbergh on Monday, March 2 and have had no reply in 7 business days; follow-up 1 of at most 2.',
    });
    expect(draft!.body).toMatch(/^Hi Bob,/);
  });

  it('a reply arrives → the open follow-up is superseded and nothing more is planned', async () => {
    s = await openScenario('postgres', '2026-03-12T12:00:00Z');
    await s.ingest('request-bob.eml');
    const thread = await bobThread(s);
    expect((await s.drafts('follow_up')).map((d) => d.status)).toEqual(['pending']);

    await s.ingest('reply-bob.eml');
    expect((await s.drafts('follow_up')).map((d) => d.status)).toEqual(['superseded']);
    for (let n = 1; n <= 2; n += 1) expect(await jobState(s, planJobId.followUpDue(thread, n))).toBeNull();
    s.setClock('2026-04-30T12:00:00Z');
    await s.service.scanNow();
    expect((await s.drafts('follow_up')).map((d) => d.status)).toEqual(['superseded']);
  });

  it('a reply before the follow-up is due removes its job', async () => {
    s = await openScenario('postgres', '2026-03-04T12:00:00Z');
    await s.ingest('request-bob.eml');
    const thread = await bobThread(s);
    expect(await jobState(s, planJobId.followUpDue(thread, 1))).toBe('delayed');
    await s.ingest('reply-bob.eml');
    expect(await jobState(s, planJobId.followUpDue(thread, 1))).toBeNull();
  });

  it('counts follow-ups already sent and stops at the limit of two', async () => {
    s = await openScenario('postgres', '2026-03-11T14:00:00Z');
    await s.ingest('request-bob.eml');
    const thread = await bobThread(s);
    const [first] = await s.drafts('follow_up');
    // The user approves follow-up 1 and it goes out with this Message-ID; the sync brings it back.
    await moveDraft(s.store.db, first!.id, 'approve', { deliveryMode: 'send', rfcMessageId: 'followup-1-bob@university.example' });
    await moveDraft(s.store.db, first!.id, 'start_delivery');
    await moveDraft(s.store.db, first!.id, 'delivered', { providerId: 'sent-1', deliveredAt: s.now() });
    s.setClock('2026-03-11T15:05:00Z');
    await s.ingest('followup-bob-1.eml');
    expect(await jobState(s, planJobId.followUpDue(thread, 2))).toBe('delayed');

    s.setClock('2026-03-20T15:01:00Z'); // Wednesday 11:00 EDT + 7 business days
    await s.service.scanNow();
    const second = (await s.drafts('follow_up')).find((d) => d.followUpNumber === 2)!;
    expect(second).toMatchObject({
      idempotencyKey: `follow_up:${thread}:2`, status: 'pending', dueAt: new Date('2026-03-20T15:00:00Z'),
      inReplyTo: 'followup-1-bob@university.example',
      references: ['req-bob@university.example', 'followup-1-bob@university.example'],
    });
    expect(second.body).toContain('one last time');

    // The user sends their own last note instead of the draft: the draft is moot, and that is the limit.
    s.setClock('2026-03-20T16:05:00Z');
    await s.ingest('followup-bob-2.eml');
    s.setClock('2026-04-30T12:00:00Z');
    await s.service.scanNow();
    await s.service.scanNow();
    const all = await s.drafts('follow_up');
    expect(all.map((d) => [d.followUpNumber, d.status])).toEqual([[1, 'delivered'], [2, 'superseded']]);
    for (let n = 1; n <= 3; n += 1) expect(await jobState(s, planJobId.followUpDue(thread, n))).toBeNull();
  });

  it('goes out from the Gmail account that holds the thread, in its Gmail thread', async () => {
    s = await openScenario('postgres', '2026-03-04T12:00:00Z');
    const other = await saveConnectedAccount(s.store.db, 'gmail', 'alex@gmail.com', Buffer.from('sealed'), []);
    const holder = await saveConnectedAccount(s.store.db, 'gmail', 'alex.student@university.example', Buffer.from('sealed'), []);
    await s.ingest('request-bob.eml');
    await recordProviderMessages(s.store.db, holder, [
      { providerId: 'gm-1', providerThreadId: 'gmail-thread-bob', messageKey: 'req-bob@university.example', internalDate: new Date('2026-03-02T14:15:00Z') },
    ]);
    s.setClock('2026-03-12T12:00:00Z');
    await s.service.scanNow();
    const [draft] = await s.drafts('follow_up');
    expect(draft).toMatchObject({ accountId: holder, providerThreadId: 'gmail-thread-bob' });
    expect(draft!.accountId).not.toBe(other);
  });
});
