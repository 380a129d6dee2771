import { checkInReason, planCheckIn, type CheckInPlan } from '../approval/plan-check-in.ts';
import { checkInFields } from '../approval/plan-fields.ts';
import {
  lastMeetingWith,
  loadNurtureFacts,
  setNextTouchDue,
  supersedeCheckIns,
} from '../store/planner-contact-queries.ts';
import { draftAccountFor } from '../store/planner-queries.ts';
import { NOTHING, type PlanOutcome, type PlannerDeps } from './planner-context.ts';
import { contactForDraft, createPlannedDraft, senderAddress } from './planner-drafts.ts';
import { planJobId } from './planner-jobs.ts';

/**
 * Plans the check-in with one contact: due `checkInDays` after the last interaction when
 * the user nurtures them; a new interaction moves it on and withdraws a waiting one.
 */
export async function planContact(deps: PlannerDeps, contactId: number): Promise<PlanOutcome> {
  const facts = await loadNurtureFacts(deps.db, contactId);
  const settings = { checkInDays: deps.config.drafts.checkInDays, timeZone: deps.config.user.timeZone };
  const plan: CheckInPlan = facts ? planCheckIn(facts, settings, deps.now()) : { action: 'none', why: 'not_nurtured' };
  const jobId = planJobId.checkInDue(contactId);
  if (plan.action === 'none') {
    await deps.scheduler.cancel(jobId);
    if (!facts) return NOTHING;
    await setNextTouchDue(deps.db, contactId, null);
    return { created: 0, superseded: await supersedeCheckIns(deps.db, contactId, null) };
  }
  const superseded = await supersedeCheckIns(deps.db, contactId, plan.key);
  if (plan.action === 'wait') {
    await setNextTouchDue(deps.db, contactId, plan.until);
    await deps.scheduler.at('check-in-due', jobId, { contactId }, plan.until);
    return { created: 0, superseded, wait: { jobId, until: plan.until } };
  }
  await setNextTouchDue(deps.db, contactId, plan.dueAt);
  return { created: await draftCheckIn(deps, contactId, facts!.lastInteractionAt!, plan), superseded };
}

async function draftCheckIn(deps: PlannerDeps, contactId: number, lastAt: Date, plan: Extract<CheckInPlan, { action: 'draft' }>): Promise<number> {
  const contact = await contactForDraft(deps.db, contactId);
  if (!contact) return 0;
  const now = deps.now();
  const account = await draftAccountFor(deps.db, null, null);
  const { created } = await createPlannedDraft(deps, deps.db, {
    kind: 'check_in',
    key: plan.key,
    fields: checkInFields({
      user: deps.config.user, userEmail: senderAddress(deps, account), contact, now,
      lastMeeting: await lastMeetingWith(deps.db, contactId, now),
    }),
    contact,
    account,
    reason: checkInReason(contact.name, lastAt, now, deps.config.user.timeZone),
    dueAt: plan.dueAt,
  });
  return created ? 1 : 0;
}
