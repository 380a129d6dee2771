import { addDays } from '../approval/plan-calendar.ts';
import { THANK_YOU_MAX_AGE_DAYS } from '../approval/plan-thank-you.ts';
import { InvalidInputError } from '../core/errors.ts';
import { contactsToPlan, contactsToPlanOf } from '../store/planner-contact-queries.ts';
import { meetingsEndingAfter, threadsToPlan, threadsToPlanOf } from '../store/planner-queries.ts';
import { TemplateError } from '../templates/index.ts';
import { planContact } from './planner-check-in.ts';
import { addOutcomes, NOTHING, type PlanOutcome, type PlannerDeps } from './planner-context.ts';
import { followUpHorizon, planThread } from './planner-follow-up.ts';
import { draftOutreachBatch } from './planner-outreach.ts';
import { planMeeting, remindDueThankYous, withdrawThankedDrafts } from './planner-thank-you.ts';
import type { WrittenChange } from './ingest-worker.ts';

/**
 * Follows what ingest wrote: meetings that were added, moved or cancelled, thank-yous the
 * user sent, replies that end follow-ups, and interactions that move check-ins on.
 */
export async function planChanged(deps: PlannerDeps, change: WrittenChange): Promise<PlanOutcome> {
  let out = NOTHING;
  for (const meetingId of change.meetingIds) out = addOutcomes(out, await each(deps, `meeting ${meetingId}`, () => planMeeting(deps, meetingId)));
  if (change.messageRowIds.length > 0) out = addOutcomes(out, await withdrawThankedDrafts(deps, change.messageRowIds));
  for (const threadId of await threadsToPlanOf(deps.db, change.messageRowIds, change.meetingIds)) {
    out = addOutcomes(out, await each(deps, `thread ${threadId}`, () => planThread(deps, threadId)));
  }
  for (const contactId of await contactsToPlanOf(deps.db, change.messageRowIds, change.meetingIds)) {
    out = addOutcomes(out, await each(deps, `contact ${contactId}`, () => planContact(deps, contactId)));
  }
  return out;
}

/**
 * Recomputes everything due from the database alone, so that work whose delayed job was
 * lost (Redis flushed, a crash between a write and its job) still happens. Every draft it
 * makes has a key derived from the work, so scanning twice makes nothing twice.
 */
export async function scanAll(deps: PlannerDeps): Promise<PlanOutcome> {
  let out = NOTHING;
  const since = addDays(deps.now(), -THANK_YOU_MAX_AGE_DAYS);
  for (const meetingId of await meetingsEndingAfter(deps.db, since)) {
    out = addOutcomes(out, await each(deps, `meeting ${meetingId}`, () => planMeeting(deps, meetingId)));
  }
  out = addOutcomes(out, await withdrawThankedDrafts(deps, null));
  await remindDueThankYous(deps);
  for (const threadId of await threadsToPlan(deps.db, followUpHorizon(deps))) {
    out = addOutcomes(out, await each(deps, `thread ${threadId}`, () => planThread(deps, threadId)));
  }
  for (const contactId of await contactsToPlan(deps.db)) {
    out = addOutcomes(out, await each(deps, `contact ${contactId}`, () => planContact(deps, contactId)));
  }
  out = addOutcomes(out, await each(deps, 'the target list', () => draftOutreachBatch(deps)));
  return out;
}

/**
 * Plans one thing. A template the user broke or a value no draft can hold fails only that
 * thing, and is reported; anything else (the database went away) fails the job, to retry.
 */
async function each(deps: PlannerDeps, what: string, work: () => Promise<PlanOutcome>): Promise<PlanOutcome> {
  try {
    const { created, superseded } = await work();
    return { created, superseded };
  } catch (err) {
    if (!(err instanceof TemplateError) && !(err instanceof InvalidInputError)) throw err;
    deps.log(`Could not plan the drafts for ${what}: ${err.message}`);
    return NOTHING;
  }
}
