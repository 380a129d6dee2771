import { afterEach, describe, expect, it } from 'vitest';
import { setContactDetails } from '../../src/store/contact-details.ts';
import { setNurture } from '../../src/store/planner-contact-queries.ts';
import { planJobId } from '../../src/workers/planner-jobs.ts';
import { openScenario, type PlannerScenario } from './planner-harness.ts';

async function carol(s: PlannerScenario): Promise<{ id: number; nextTouchDueAt: Date | null }> {
  const [row] = await s.store.db.query<{ id: number; next_touch_due_at: Date | null }>(
    `select c.id, c.next_touch_due_at from contact c join contact_email e on e.contact_id = c.id where e.address = 'carol.chen@globex.example'`,
  );
  return { id: row!.id, nextTouchDueAt: row!.next_touch_due_at };
}

describe('check-ins with nurtured contacts (real Redis, PostgreSQL, a clock the test moves)', () => {
  let s: PlannerScenario;
  afterEach(async () => {
    await s.dispose();
  });

  it('a nurtured contact quiet for 90 days gets one check-in; hearing from them withdraws it and starts over', async () => {
    s = await openScenario('postgres', '2026-03-01T12:00:00Z');
    await s.ingest('hello-carol.eml'); // Monday, January 5, 2026, 10:00 in New York
    const { id } = await carol(s);
    await s.service.scanNow();
    expect(await s.drafts()).toEqual([]);
    expect((await carol(s)).nextTouchDueAt).toBeNull(); // not nurtured: nothing planned

    await setNurture(s.store.db, id, true);
    await s.service.scanNow();
    expect((await carol(s)).nextTouchDueAt).toEqual(new Date('2026-04-05T15:00:00Z'));
    expect(await (await s.service.queue.getJob(planJobId.checkInDue(id)))?.getState()).toBe('delayed');

    s.setClock('2026-04-06T12:00:00Z');
    await s.service.scanNow();
    await s.service.scanNow();
    const drafts = await s.drafts('check_in');
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({
      idempotencyKey: `check_in:${id}:2026-01-05`,
      status: 'needs_input',
      missingFields: ['update'],
      contactId: id,
      toAddress: 'carol.chen@globex.example',
      toName: 'Carol Chen',
      subject: 'Checking in, with a quick update',
      dueAt: new Date('2026-04-05T15:00:00Z'),
      reason: 'Last in touch with Carol Chen on January 5, 2026 (90 days ago); you asked to keep in touch with them.',
    });

    s.setClock('2026-04-08T15:00:00Z');
    await s.ingest('hello-again-carol.eml');
    expect((await s.drafts('check_in')).map((d) => d.status)).toEqual(['superseded']);
    expect((await carol(s)).nextTouchDueAt).toEqual(new Date('2026-07-07T14:00:00Z'));

    await setNurture(s.store.db, id, false);
    await s.service.scanNow();
    expect((await carol(s)).nextTouchDueAt).toBeNull();
    expect(await s.service.queue.getJob(planJobId.checkInDue(id))).toBeUndefined();
  });

  it('greets a contact by the name the user gave them, not the one in their mail', async () => {
    s = await openScenario('pglite', '2026-03-01T12:00:00Z');
    await s.ingest('hello-carol.eml');
    const { id } = await carol(s);
    await setContactDetails(s.store.db, id, { name: 'Caroline Chen-Park' });
    await setNurture(s.store.db, id, true);
    await s.service.scanNow();
    s.setClock('2026-04-06T12:00:00Z');
    await s.service.scanNow();
    const [draft] = await s.drafts('check_in');
    expect(draft).toMatchObject({ toName: 'Caroline Chen-Park', reason: expect.stringContaining('Last in touch with Caroline Chen-Park') });
    expect(draft!.body).toMatch(/^(Hi|Dear) Caroline,/);
    expect(draft!.body).not.toContain('Carol,');
  });
});
