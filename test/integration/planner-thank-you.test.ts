import { afterEach, describe, expect, it } from 'vitest';
import { findDraftByKey } from '../../src/store/draft-repository.ts';
import { planJobId } from '../../src/workers/planner-jobs.ts';
import { ENGINES } from '../helpers/test-store.ts';
import { openScenario, until, type PlannerScenario } from './planner-harness.ts';

// The coffee with Jane ends at 15:30 UTC on Tuesday, March 10, 2026 (11:30 in New York).
const JUST_BEFORE_END = '2026-03-10T15:29:58.500Z';
const AFTER_END = '2026-03-10T15:45:00Z';

async function meetingId(s: PlannerScenario): Promise<number> {
  const [row] = await s.store.db.query<{ id: number }>(`select id from meeting where uid = 'coffee-jane@acme.example'`);
  return row!.id;
}

async function jobState(s: PlannerScenario, jobId: string): Promise<string | null> {
  const job = await s.service.queue.getJob(jobId);
  return job ? await job.getState() : null;
}

describe('thank-yous after networking meetings (real Redis, PostgreSQL, a clock the test moves)', () => {
  let s: PlannerScenario;
  afterEach(async () => {
    await s.dispose();
  });

  it.each(ENGINES)('a meeting ends → a thank-you draft appears, threaded in the request, waiting for the takeaway (%s)', async (engine) => {
    s = await openScenario(engine, JUST_BEFORE_END);
    await s.ingest('request-jane.eml', 'reply-jane.eml', 'coffee-jane.ics');
    const id = await meetingId(s);
    expect(await jobState(s, planJobId.meetingEnded(id))).toBe('delayed');
    expect(await s.drafts()).toEqual([]);

    s.setClock(AFTER_END);
    await until(async () => (await s.drafts('thank_you')).length === 1);
    await s.settle();
    const [draft] = await s.drafts('thank_you');
    expect(draft).toMatchObject({
      idempotencyKey: `thank_you:${id}`,
      status: 'needs_input',
      missingFields: ['takeaway'],
      meetingId: id,
      toAddress: 'jane.doe@acme.example',
      toName: 'Jane Doe',
      subject: 'Re: Informational interview request',
      dueAt: new Date('2026-03-11T15:30:00Z'),
      inReplyTo: 'reply-jane@mail.acme.example',
      references: ['req-jane@university.example', 'reply-jane@mail.acme.example'],
      accountId: null,
      reason: 'Met Jane Doe on Tuesday, March 10; a thank-you is due within 24 hours (by Wednesday, March 11, 11:30 AM).',
    });
    expect(draft!.body).toMatch(/^Hi Jane,/);
    expect(draft!.body).toContain('[what you took from the conversation]');
    // Reminded 20 hours after the end if still waiting.
    expect(await jobState(s, planJobId.thankYouReminder(id))).toBe('delayed');
  });

  it('a meeting that arrives before the mail that led to it: the untouched draft then replies in that thread', async () => {
    s = await openScenario('pglite', AFTER_END);
    await s.ingest('coffee-jane.ics');
    await until(async () => (await s.drafts('thank_you')).length === 1);
    expect((await s.drafts('thank_you'))[0]).toMatchObject({ inReplyTo: null, subject: expect.not.stringMatching(/^Re:/) });

    await s.ingest('request-jane.eml', 'reply-jane.eml');
    await until(async () => (await s.drafts('thank_you'))[0]!.inReplyTo !== null);
    expect(await s.drafts('thank_you')).toEqual([
      expect.objectContaining({
        idempotencyKey: `thank_you:${await meetingId(s)}`,
        subject: 'Re: Informational interview request',
        inReplyTo: 'reply-jane@mail.acme.example',
        references: ['req-jane@university.example', 'reply-jane@mail.acme.example'],
      }),
    ]);
  });

  it('a thank-you the user sends from their mailbox supersedes the draft', async () => {
    s = await openScenario('postgres', AFTER_END);
    await s.ingest('request-jane.eml', 'reply-jane.eml', 'coffee-jane.ics');
    const id = await meetingId(s);
    expect((await findDraftByKey(s.store.db, `thank_you:${id}`))!.status).toBe('needs_input');

    s.setClock('2026-03-10T18:05:00Z');
    await s.ingest('thanks-jane.eml');
    expect((await findDraftByKey(s.store.db, `thank_you:${id}`))!.status).toBe('superseded');
    expect(await jobState(s, planJobId.thankYouReminder(id))).toBeNull();
    // Nothing comes back on the next look.
    await s.service.scanNow();
    expect((await s.drafts('thank_you')).map((d) => d.status)).toEqual(['superseded']);
  });

  it('no thank-you is drafted when the user already thanked them before rapport looked', async () => {
    s = await openScenario('postgres', '2026-03-10T19:00:00Z');
    await s.ingest('request-jane.eml', 'reply-jane.eml', 'coffee-jane.ics', 'thanks-jane.eml');
    await s.service.scanNow();
    expect(await s.drafts('thank_you')).toEqual([]);
  });

  it('a waiting thank-you is brought up again 20 hours after the meeting', async () => {
    s = await openScenario('postgres', AFTER_END);
    await s.ingest('request-jane.eml', 'reply-jane.eml', 'coffee-jane.ics');
    const id = await meetingId(s);
    s.setClock('2026-03-11T11:00:00Z');
    await s.service.scanNow();
    expect((await findDraftByKey(s.store.db, `thank_you:${id}`))!.remindedAt).toBeNull();

    s.setClock('2026-03-11T11:31:00Z');
    await s.service.scanNow();
    const draft = await findDraftByKey(s.store.db, `thank_you:${id}`);
    expect(draft!.remindedAt).toEqual(new Date('2026-03-11T11:31:00Z'));
    expect(s.logs).toEqual([expect.stringMatching(new RegExp(`^Reminder: the thank-you to Jane Doe is still waiting \\(draft ${draft!.id}\\)`))]);
    await s.service.scanNow();
    expect(s.logs).toHaveLength(1);
  });

  it('a moved meeting moves its job; a cancelled one removes it and withdraws its draft', async () => {
    s = await openScenario('postgres', '2026-03-09T12:00:00Z');
    await s.ingest('request-jane.eml', 'reply-jane.eml', 'coffee-jane.ics');
    const id = await meetingId(s);
    const firesIn = async () => {
      const job = await s.service.queue.getJob(planJobId.meetingEnded(id));
      return job ? job.timestamp + job.delay - Date.now() : null;
    };
    const dayMs = 86_400_000;
    expect(await firesIn()).toBeGreaterThan(1.1 * dayMs - 60_000); // ends March 10, 15:30

    await s.ingest('coffee-jane-moved.ics');
    expect(await firesIn()).toBeGreaterThan(3.1 * dayMs - 60_000); // now ends March 12, 15:30
    expect(await firesIn()).toBeLessThan(3.2 * dayMs);

    await s.ingest('coffee-jane-cancelled.ics');
    expect(await firesIn()).toBeNull();
    s.setClock('2026-03-12T16:00:00Z');
    await s.service.scanNow();
    expect(await s.drafts('thank_you')).toEqual([]);
  });
});
