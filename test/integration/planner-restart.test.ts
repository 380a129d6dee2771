import { afterEach, describe, expect, it } from 'vitest';
import { openScenario, until, type PlannerScenario } from './planner-harness.ts';

// Jane's coffee ends March 10, 15:30 UTC; the follow-up to Bob falls due March 11, 13:15 UTC.
const BEFORE = '2026-03-10T15:29:58.500Z';
const AFTER_BOTH = '2026-03-11T14:00:00Z';

/** Every draft by its key and status: what a user would see in `rapport drafts`. */
async function seen(s: PlannerScenario): Promise<string[]> {
  return (await s.drafts()).map((d) => `${d.kind} ${d.status}`).sort();
}

describe('restarting the planner (real Redis, PostgreSQL, a clock the test moves)', () => {
  let s: PlannerScenario;
  afterEach(async () => {
    await s.dispose();
  });

  it('a delayed job planned by one service is run by the next; scanning again adds nothing', async () => {
    s = await openScenario('postgres', BEFORE);
    await s.ingest('request-jane.eml', 'reply-jane.eml', 'coffee-jane.ics', 'request-bob.eml');
    expect(await s.queue.getDelayedCount()).toBeGreaterThanOrEqual(2); // the meeting's end, Bob's follow-up
    await s.stop();

    await s.start();
    await s.settle(); // its first scan: nothing is due yet
    expect(await s.drafts()).toEqual([]);
    s.setClock('2026-03-10T15:31:00Z');
    // Only the delayed job can draft it now: the next periodic scan is 15 minutes away.
    await until(async () => (await s.drafts()).length === 1);
    s.setClock(AFTER_BOTH);
    await s.service.scanNow();
    await s.service.scanNow();
    expect(await seen(s)).toEqual(['follow_up pending', 'thank_you needs_input']);
  });

  it('what ingest wrote while no planner ran is planned when one starts, once even with two running', async () => {
    s = await openScenario('postgres', BEFORE);
    await s.stop();
    await s.ingest('request-jane.eml', 'reply-jane.eml', 'coffee-jane.ics', 'request-bob.eml');
    expect(await s.queue.getWaitingCount()).toBeGreaterThan(0); // the `changed` jobs wait in Redis

    s.setClock(AFTER_BOTH);
    const [first, second] = [await s.start(), await s.start()];
    await s.settle();
    await Promise.all([first.scanNow(), second.scanNow()]);
    expect(await seen(s)).toEqual(['follow_up pending', 'thank_you needs_input']);
  });

  it('when Redis lost every job, the scan at start recomputes what is due from the database', async () => {
    s = await openScenario('postgres', BEFORE);
    await s.ingest('request-jane.eml', 'reply-jane.eml', 'coffee-jane.ics', 'request-bob.eml');
    await s.stop();
    await s.queue.obliterate({ force: true }); // as after FLUSHALL
    expect(await s.queue.getJobCounts()).toEqual(expect.objectContaining({ delayed: 0, waiting: 0 }));

    s.setClock(AFTER_BOTH);
    await s.start();
    await until(async () => (await s.drafts()).length === 2);
    await s.service.scanNow();
    expect(await seen(s)).toEqual(['follow_up pending', 'thank_you needs_input']);
    // The periodic scan is scheduled again too.
    expect((await s.queue.getJobSchedulers()).map((j) => j.key)).toContain('scan');
  });
});
