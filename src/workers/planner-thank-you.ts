import { OPEN_STATUSES } from '../approval/draft-lifecycle.ts';
import { addDays } from '../approval/plan-calendar.ts';
import { thankYouFields } from '../approval/plan-fields.ts';
import { isReminderDue, planThankYou, thankYouReason, type ThankYouPlan } from '../approval/plan-thank-you.ts';
import { findDraftByKey, getDraft, supersedeDrafts } from '../store/draft-repository.ts';
import {
  draftAccountFor,
  hasThankYouSince,
  loadMeetingToPlan,
  loadThreadToPlan,
  markReminded,
  referralsSuggestedBy,
  supersedeThankedDrafts,
  thankYousNotReminded,
  type MeetingToPlan,
} from '../store/planner-queries.ts';
import { NOTHING, type PlanOutcome, type PlannerDeps } from './planner-context.ts';
import { contactForDraft, createPlannedDraft, replyTo, senderAddress } from './planner-drafts.ts';
import { planJobId } from './planner-jobs.ts';

/** Referrals the contact made this long before the meeting are thanked for in it. */
const REFERRAL_LOOKBACK_DAYS = 30;

/**
 * Plans the thank-you for one meeting: waits for its end, drafts it once it ended, and
 * withdraws it when the meeting is cancelled or the user already thanked the person.
 */
export async function planMeeting(deps: PlannerDeps, meetingId: number): Promise<PlanOutcome> {
  const meeting = await loadMeetingToPlan(deps.db, meetingId);
  const plan: ThankYouPlan = meeting ? planThankYou(meeting, deps.config.drafts, deps.now()) : { action: 'none', why: 'cancelled' };
  if (plan.action === 'none') {
    await deps.scheduler.cancel(planJobId.meetingEnded(meetingId));
    await deps.scheduler.cancel(planJobId.thankYouReminder(meetingId));
    if (plan.why !== 'cancelled') return NOTHING;
    const withdrawn = await supersedeDrafts(deps.db, { kind: 'thank_you', meetingId });
    return { created: 0, superseded: withdrawn.length };
  }
  if (plan.action === 'wait') {
    const jobId = planJobId.meetingEnded(meetingId);
    await deps.scheduler.at('meeting-ended', jobId, { meetingId }, plan.until);
    return { ...NOTHING, wait: { jobId, until: plan.until } };
  }
  return draftThankYou(deps, meeting!, plan);
}

async function draftThankYou(deps: PlannerDeps, meeting: MeetingToPlan, plan: Extract<ThankYouPlan, { action: 'draft' }>): Promise<PlanOutcome> {
  const { db, config } = deps;
  const contactId = meeting.contactId!;
  if (await hasThankYouSince(db, contactId, plan.endedAt)) {
    await deps.scheduler.cancel(planJobId.thankYouReminder(meeting.id));
    return { created: 0, superseded: (await supersedeDrafts(db, { kind: 'thank_you', meetingId: meeting.id })).length };
  }
  const contact = await contactForDraft(db, contactId);
  if (!contact) return NOTHING;
  const linked = meeting.threadId ? await loadThreadToPlan(db, meeting.threadId) : null;
  // Only the outreach conversation is worth replying in; an invitation's own thread is not.
  const thread = linked?.kind === 'outreach' ? linked : null;
  const answered = thread?.messages.filter((m) => m.rfcMessageId).at(-1);
  const account = await draftAccountFor(db, thread?.id ?? null, answered?.rowId ?? null);
  const now = deps.now();
  const referrals = await referralsSuggestedBy(db, contactId, addDays(meeting.start ?? plan.endedAt, -REFERRAL_LOOKBACK_DAYS));
  const requestedAt = thread?.messages.find((m) => m.labels.includes('outreach_request'))?.sentAt ?? null;
  const { draft, created } = await createPlannedDraft(deps, db, {
    kind: 'thank_you',
    key: `thank_you:${meeting.id}`,
    fields: thankYouFields({
      user: config.user, userEmail: senderAddress(deps, account), contact, now,
      meeting: { start: meeting.start, end: meeting.end, summary: meeting.summary },
      thread: thread ? { subject: thread.subject, requestedAt } : null,
      referrals,
    }),
    contact,
    account,
    reason: thankYouReason(contact.name, meeting.start, plan.dueAt, config.drafts.thankYouDueHours, config.user.timeZone),
    dueAt: plan.dueAt,
    threadId: thread?.id ?? null,
    meetingId: meeting.id,
    reply: thread ? replyTo(answered) : null,
  });
  if (OPEN_STATUSES.includes(draft.status)) {
    if (isReminderDue(plan.endedAt, config.drafts, now)) await remind(deps, draft.id);
    else await deps.scheduler.at('thank-you-reminder', planJobId.thankYouReminder(meeting.id), { meetingId: meeting.id }, plan.remindAt);
  }
  return { created: created ? 1 : 0, superseded: 0 };
}

/**
 * The `thank-you-reminder` job: if the meeting's thank-you still waits for the user, it is
 * marked reminded (the page and `rapport drafts` show it) and the user is told.
 */
export async function remindThankYou(deps: PlannerDeps, meetingId: number): Promise<PlanOutcome> {
  const draft = await findDraftByKey(deps.db, `thank_you:${meetingId}`);
  if (!draft) return planMeeting(deps, meetingId);
  if (!OPEN_STATUSES.includes(draft.status) || draft.remindedAt) return NOTHING;
  const meeting = await loadMeetingToPlan(deps.db, meetingId);
  const endedAt = meeting?.end ?? meeting?.start;
  if (!endedAt) return NOTHING;
  if (!isReminderDue(endedAt, deps.config.drafts, deps.now())) {
    const until = new Date(endedAt.getTime() + deps.config.drafts.thankYouReminderHours * 3_600_000);
    return { ...NOTHING, wait: { jobId: planJobId.thankYouReminder(meetingId), until } };
  }
  await remind(deps, draft.id);
  return NOTHING;
}

/** Reminds the user of every waiting thank-you whose reminder time has come (the scan's share). */
export async function remindDueThankYous(deps: PlannerDeps): Promise<void> {
  const now = deps.now();
  for (const waiting of await thankYousNotReminded(deps.db)) {
    if (isReminderDue(waiting.endedAt, deps.config.drafts, now)) await remind(deps, waiting.draftId);
  }
}

async function remind(deps: PlannerDeps, draftId: number): Promise<void> {
  if (!(await markReminded(deps.db, draftId, deps.now()))) return;
  const draft = await getDraft(deps.db, draftId);
  const due = draft?.dueAt ? ` It is due by ${draft.dueAt.toISOString()}.` : '';
  deps.log(`Reminder: the thank-you to ${draft?.toName ?? draft?.toAddress ?? 'your contact'} is still waiting (draft ${draftId}).${due} Review it with \`rapport drafts\`.`);
}

/**
 * Withdraws the thank-you drafts that a thank-you the user sent themselves made moot
 * (among `messageRowIds`, or any when null), and their reminders.
 */
export async function withdrawThankedDrafts(deps: PlannerDeps, messageRowIds: readonly number[] | null): Promise<PlanOutcome> {
  const meetings = await supersedeThankedDrafts(deps.db, messageRowIds);
  for (const meetingId of meetings) await deps.scheduler.cancel(planJobId.thankYouReminder(meetingId));
  return { created: 0, superseded: meetings.length };
}
