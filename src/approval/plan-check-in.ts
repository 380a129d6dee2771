import { formatDate } from '../templates/date-wording.ts';
import { addDays, localDate } from './plan-calendar.ts';

/**
 * When a contact the user nurtures is due a check-in. Pure: the planner passes the
 * contact's last interaction and the time it takes as now.
 */

export interface CheckInSettings {
  checkInDays: number;
  timeZone: string;
}

export interface NurturedContact {
  contactId: number;
  nurture: boolean;
  /** The latest interaction of any kind (mail either way, a meeting), or null when none. */
  lastInteractionAt: Date | null;
}

export type CheckInPlan =
  /** No check-in: they are not nurtured, or there is nothing to measure silence from. */
  | { action: 'none'; why: 'not_nurtured' | 'no_interaction' }
  /** Due at `until`, unless something happens with them before. */
  | { action: 'wait'; key: string; until: Date }
  /** Draft it now. */
  | { action: 'draft'; key: string; dueAt: Date };

/**
 * The check-in a contact needs at `now`. The idempotency key names the interaction the
 * silence is measured from, so each quiet spell gets one check-in and a new interaction
 * starts the next.
 */
export function planCheckIn(contact: NurturedContact, settings: CheckInSettings, now: Date): CheckInPlan {
  if (!contact.nurture) return { action: 'none', why: 'not_nurtured' };
  if (!contact.lastInteractionAt) return { action: 'none', why: 'no_interaction' };
  const key = checkInKey(contact.contactId, contact.lastInteractionAt, settings.timeZone);
  const dueAt = addDays(contact.lastInteractionAt, settings.checkInDays);
  if (dueAt.getTime() > now.getTime()) return { action: 'wait', key, until: dueAt };
  return { action: 'draft', key, dueAt };
}

/** `check_in:<contact>:<date of the last interaction>`. */
export function checkInKey(contactId: number, lastInteractionAt: Date, timeZone: string): string {
  return `check_in:${contactId}:${localDate(lastInteractionAt, timeZone)}`;
}

/** "Last in touch with Jane Doe on March 2, 2026 (95 days ago); you keep in touch with them." */
export function checkInReason(name: string | null, lastInteractionAt: Date, now: Date, timeZone: string): string {
  const days = Math.floor((now.getTime() - lastInteractionAt.getTime()) / 86_400_000);
  const when = `${formatDate(lastInteractionAt, timeZone, 'date')}, ${lastInteractionAt.toLocaleString('en-US', { timeZone, year: 'numeric' })}`;
  return `Last in touch with ${name ?? 'this contact'} on ${when} (${days} days ago); you asked to keep in touch with them.`;
}
