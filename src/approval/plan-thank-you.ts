import { formatDate } from '../templates/date-wording.ts';
import { addDays, addHours } from './plan-calendar.ts';

/**
 * When a thank-you is due after a networking meeting. Pure: the planner passes the
 * meeting as stored and the time it takes as now.
 */

/**
 * A meeting that ended longer ago than this gets no thank-you: one that late reads oddly,
 * and importing last year's calendar must not fill the queue with them.
 */
export const THANK_YOU_MAX_AGE_DAYS = 7;

export interface ThankYouSettings {
  thankYouDueHours: number;
  thankYouReminderHours: number;
}

/** A meeting as the planner sees it. */
export interface PlannedMeeting {
  status: 'confirmed' | 'tentative' | 'cancelled';
  isInformational: boolean;
  start: Date | null;
  end: Date | null;
  /** A repeating series (its RRULE): not one conversation to thank someone for. */
  recurrenceRule: string | null;
  /** The person the thank-you goes to, when the meeting has one. */
  contactId: number | null;
}

export type ThankYouPlan =
  /** Nothing to draft, now or later; `cancelled` asks to withdraw a draft already made. */
  | { action: 'none'; why: 'cancelled' | 'not_informational' | 'no_contact' | 'no_time' | 'series' | 'too_old' }
  /** The meeting has not ended: look again at `until`. */
  | { action: 'wait'; until: Date }
  /** Draft it now, due at `dueAt`; remind the user at `remindAt` if it is still waiting. */
  | { action: 'draft'; endedAt: Date; dueAt: Date; remindAt: Date };

/** What to do about a thank-you for `meeting` at `now`. */
export function planThankYou(meeting: PlannedMeeting, settings: ThankYouSettings, now: Date): ThankYouPlan {
  if (meeting.status === 'cancelled') return { action: 'none', why: 'cancelled' };
  if (!meeting.isInformational) return { action: 'none', why: 'not_informational' };
  if (meeting.contactId === null) return { action: 'none', why: 'no_contact' };
  if (meeting.recurrenceRule) return { action: 'none', why: 'series' };
  const endedAt = meeting.end ?? meeting.start;
  if (!endedAt) return { action: 'none', why: 'no_time' };
  if (endedAt.getTime() > now.getTime()) return { action: 'wait', until: endedAt };
  if (addDays(endedAt, THANK_YOU_MAX_AGE_DAYS).getTime() < now.getTime()) return { action: 'none', why: 'too_old' };
  return {
    action: 'draft',
    endedAt,
    dueAt: addHours(endedAt, settings.thankYouDueHours),
    remindAt: addHours(endedAt, settings.thankYouReminderHours),
  };
}

/** Whether a thank-you still waiting for the user should be brought to their attention again. */
export function isReminderDue(endedAt: Date, settings: ThankYouSettings, now: Date): boolean {
  return addHours(endedAt, settings.thankYouReminderHours).getTime() <= now.getTime();
}

/** "Met Jane Doe on Tuesday, March 10; a thank-you is due within 24 hours (by Wednesday, March 11, 11:30 AM)." */
export function thankYouReason(name: string | null, start: Date | null, dueAt: Date, dueHours: number, timeZone: string): string {
  const who = name ?? 'your contact';
  const when = start ? ` on ${dayAndDate(start, timeZone)}` : '';
  return `Met ${who}${when}; a thank-you is due within ${dueHours} hours (by ${dayAndDate(dueAt, timeZone)}, ${formatDate(dueAt, timeZone, 'time')}).`;
}

function dayAndDate(date: Date, timeZone: string): string {
  return `${formatDate(date, timeZone, 'weekday')}, ${formatDate(date, timeZone, 'date')}`;
}
