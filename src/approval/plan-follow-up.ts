import { formatDate } from '../templates/date-wording.ts';
import { addBusinessDays, addDays, businessDaysBetween } from './plan-calendar.ts';

/**
 * When an unanswered outreach request gets a follow-up. Pure: the planner passes the
 * thread's messages as stored and the time it takes as now.
 */

/**
 * A follow-up that fell due longer ago than this is not drafted: nudging someone about a
 * request months old (found by importing an old mailbox) would do more harm than good.
 */
export const FOLLOW_UP_MAX_LATE_DAYS = 30;

export interface FollowUpSettings {
  followUpBusinessDays: number;
  maxFollowUps: number;
  timeZone: string;
}

/** One message of the thread, in the store's words. */
export interface FollowUpMessage {
  rowId: number;
  direction: 'sent' | 'received';
  sentAt: Date | null;
  labels: readonly string[];
}

export interface FollowUpThread {
  kind: 'outreach' | 'other';
  state: string | null;
  messages: readonly FollowUpMessage[];
}

export type FollowUpPlan =
  /** No follow-up, ever (a reply came, it is not the user's request, or the limit is reached): withdraw open ones. */
  | { action: 'stop'; why: 'not_outreach' | 'not_awaiting' | 'not_requested_by_user' | 'limit_reached' }
  /** Follow-up `number` falls due at `until`. */
  | { action: 'wait'; number: number; until: Date; after: FollowUpMessage }
  /** Draft follow-up `number` now, replying to `after` (the user's last message). */
  | { action: 'draft'; number: number; dueAt: Date; after: FollowUpMessage }
  /** It fell due too long ago to send now; leave things as they are. */
  | { action: 'late'; number: number };

/**
 * The follow-up a thread needs at `now`. The number is how many of the user's messages
 * have gone unanswered, so a follow-up the user sent themselves counts like one rapport
 * drafted, and the limit holds either way.
 */
export function planFollowUp(thread: FollowUpThread, settings: FollowUpSettings, now: Date): FollowUpPlan {
  if (thread.kind !== 'outreach') return { action: 'stop', why: 'not_outreach' };
  if (thread.state !== 'awaiting_reply') return { action: 'stop', why: 'not_awaiting' };
  const ordered = [...thread.messages].sort(
    (a, b) => (a.sentAt?.getTime() ?? 0) - (b.sentAt?.getTime() ?? 0) || a.rowId - b.rowId,
  );
  const opener = ordered.findIndex((m) => m.labels.includes('outreach_request'));
  if (opener === -1 || ordered[opener]!.direction !== 'sent') return { action: 'stop', why: 'not_requested_by_user' };
  const since = ordered.slice(opener);
  const last = since.at(-1)!;
  if (since.some((m) => m.direction === 'received')) return { action: 'stop', why: 'not_awaiting' };
  const number = since.length;
  if (number > settings.maxFollowUps) return { action: 'stop', why: 'limit_reached' };
  if (!last.sentAt) return { action: 'stop', why: 'not_awaiting' };
  const dueAt = addBusinessDays(last.sentAt, settings.followUpBusinessDays, settings.timeZone);
  if (dueAt.getTime() > now.getTime()) return { action: 'wait', number, until: dueAt, after: last };
  if (addDays(dueAt, FOLLOW_UP_MAX_LATE_DAYS).getTime() < now.getTime()) return { action: 'late', number };
  return { action: 'draft', number, dueAt, after: last };
}

/**
 * "You wrote to Jane Doe on Monday, March 2 and have had no reply in 7 business days;
 * follow-up 1 of at most 2." The days are those gone by at `now`, which is later than
 * the wait when the planner catches up (after an import, or a worker that was down).
 */
export function followUpReason(
  name: string | null,
  lastSentAt: Date,
  number: number,
  settings: FollowUpSettings,
  now: Date,
): string {
  const when = `${formatDate(lastSentAt, settings.timeZone, 'weekday')}, ${formatDate(lastSentAt, settings.timeZone, 'date')}`;
  const what = number === 1 ? 'wrote to' : 'last followed up with';
  const waited = Math.max(settings.followUpBusinessDays, businessDaysBetween(lastSentAt, now, settings.timeZone));
  const days = waited === 1 ? '1 business day' : `${waited} business days`;
  return `You ${what} ${name ?? 'your contact'} on ${when} and have had no reply in ${days}; follow-up ${number} of at most ${settings.maxFollowUps}.`;
}
