import { addDays } from '../approval/plan-calendar.ts';
import { followUpFields } from '../approval/plan-fields.ts';
import { FOLLOW_UP_MAX_LATE_DAYS, followUpReason, planFollowUp, type FollowUpPlan, type FollowUpSettings } from '../approval/plan-follow-up.ts';
import { draftAccountFor, loadThreadToPlan, supersedeFollowUps, type ThreadToPlan } from '../store/planner-queries.ts';
import { NOTHING, type PlanOutcome, type PlannerDeps } from './planner-context.ts';
import { contactForDraft, createPlannedDraft, replyTo, senderAddress } from './planner-drafts.ts';
import { planJobId } from './planner-jobs.ts';

export function followUpSettings(deps: PlannerDeps): FollowUpSettings {
  const { followUpBusinessDays, maxFollowUps } = deps.config.drafts;
  return { followUpBusinessDays, maxFollowUps, timeZone: deps.config.user.timeZone };
}

/** Outreach threads whose last message is older than this cannot need a follow-up a scan would draft. */
export function followUpHorizon(deps: PlannerDeps): Date {
  // Business days never take more than twice as long as calendar days, plus a long weekend.
  return addDays(deps.now(), -(FOLLOW_UP_MAX_LATE_DAYS + 2 * deps.config.drafts.followUpBusinessDays + 4));
}

/**
 * Plans the follow-ups of one thread: schedules the next, drafts it when due, and stops
 * (withdrawing open ones and their jobs) as soon as the other side has answered.
 */
export async function planThread(deps: PlannerDeps, threadId: number): Promise<PlanOutcome> {
  const thread = await loadThreadToPlan(deps.db, threadId);
  const settings = followUpSettings(deps);
  const plan: FollowUpPlan = thread ? planFollowUp(thread, settings, deps.now()) : { action: 'stop', why: 'not_outreach' };
  if (plan.action === 'late') return NOTHING;
  if (plan.action === 'stop') {
    await cancelJobs(deps, threadId, settings.maxFollowUps + 1);
    return { created: 0, superseded: await supersedeFollowUps(deps.db, threadId, null) };
  }
  // A follow-up the user sent themselves makes the earlier drafts moot.
  const superseded = await supersedeFollowUps(deps.db, threadId, plan.number);
  await cancelJobs(deps, threadId, plan.number);
  if (plan.action === 'wait') {
    const jobId = planJobId.followUpDue(threadId, plan.number);
    await deps.scheduler.at('follow-up-due', jobId, { threadId }, plan.until);
    return { created: 0, superseded, wait: { jobId, until: plan.until } };
  }
  const created = await draftFollowUp(deps, thread!, plan);
  return { created, superseded };
}

/** Removes the waiting follow-up jobs of a thread numbered below `belowNumber`. */
async function cancelJobs(deps: PlannerDeps, threadId: number, belowNumber: number): Promise<void> {
  for (let n = 1; n < belowNumber; n += 1) await deps.scheduler.cancel(planJobId.followUpDue(threadId, n));
}

async function draftFollowUp(deps: PlannerDeps, thread: ThreadToPlan, plan: Extract<FollowUpPlan, { action: 'draft' }>): Promise<number> {
  if (thread.contactId === null) return 0;
  const contact = await contactForDraft(deps.db, thread.contactId);
  if (!contact) return 0;
  const after = thread.messages.find((m) => m.rowId === plan.after.rowId);
  const account = await draftAccountFor(deps.db, thread.id, plan.after.rowId);
  const requestedAt = thread.messages.find((m) => m.labels.includes('outreach_request'))?.sentAt ?? null;
  const { created } = await createPlannedDraft(deps, deps.db, {
    kind: 'follow_up',
    key: `follow_up:${thread.id}:${plan.number}`,
    fields: followUpFields({
      user: deps.config.user, userEmail: senderAddress(deps, account), contact, now: deps.now(),
      thread: { subject: thread.subject, requestedAt },
      followUpNumber: plan.number,
    }),
    contact,
    account,
    reason: followUpReason(contact.name, plan.after.sentAt!, plan.number, followUpSettings(deps), deps.now()),
    dueAt: plan.dueAt,
    threadId: thread.id,
    followUpNumber: plan.number,
    reply: replyTo(after),
  });
  return created ? 1 : 0;
}
