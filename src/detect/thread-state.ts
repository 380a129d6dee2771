import type { Label } from '../core/detection.ts';
import type { Direction } from '../core/types.ts';

export type ThreadState = 'awaiting_reply' | 'replied' | 'scheduling' | 'scheduled' | 'met' | 'thanked' | 'closed';

export interface ThreadMessage {
  direction: Direction;
  sentAt: Date | null;
  labels: readonly Label[];
  signals: readonly string[];
  /** The first correspondent who is not the user. */
  counterpart: string | null;
}

export interface ThreadMeeting {
  start: Date | null;
  end: Date | null;
  status: 'confirmed' | 'tentative' | 'cancelled';
}

export interface ThreadVerdict {
  kind: 'outreach' | 'other';
  state: ThreadState | null;
  /** Who the outreach is with: the other side of the first request. */
  counterpart: string | null;
}

/**
 * Where an outreach thread stands, from its messages in time order and the meetings
 * linked to it: awaiting_reply → replied → scheduling → scheduled → met → thanked, or
 * closed when the other side declined and nothing was scheduled.
 */
export function threadState(messages: readonly ThreadMessage[], meetings: readonly ThreadMeeting[], now: Date): ThreadVerdict {
  const ordered = [...messages].sort((a, b) => (a.sentAt?.getTime() ?? 0) - (b.sentAt?.getTime() ?? 0));
  const first = ordered.findIndex((m) => m.labels.includes('outreach_request') || m.labels.includes('outreach_reply'));
  if (first === -1) return { kind: 'other', state: null, counterpart: null };
  const opener = ordered[first]!;
  // A reply-labelled opener means the request itself is not in the mailbox: it was answered.
  const requester: Direction = opener.labels.includes('outreach_request')
    ? opener.direction
    : opposite(opener.direction);
  let state: ThreadState = opener.labels.includes('outreach_request') ? 'awaiting_reply' : 'replied';
  for (const m of ordered.slice(first + 1)) state = afterMessage(state, m, requester);
  state = afterMeetings(state, meetings, now);
  const thanked = ordered.some((m) => m.labels.includes('thank_you') && isAfterMeeting(m, meetings, now));
  if (thanked && (state === 'met' || state === 'scheduled')) state = 'thanked';
  return { kind: 'outreach', state, counterpart: opener.counterpart };
}

function afterMessage(state: ThreadState, m: ThreadMessage, requester: Direction): ThreadState {
  const fromOtherSide = m.direction !== requester;
  if (fromOtherSide && m.signals.includes('outreach_reply:decline') && !m.labels.includes('scheduling')) return 'closed';
  if (m.labels.includes('scheduling')) return rank(state) < rank('scheduling') ? 'scheduling' : state;
  if (fromOtherSide && state === 'awaiting_reply') return 'replied';
  return state;
}

function afterMeetings(state: ThreadState, meetings: readonly ThreadMeeting[], now: Date): ThreadState {
  const live = meetings.filter((m) => m.status !== 'cancelled' && m.start);
  if (live.length === 0) return state;
  const ended = live.some((m) => (m.end ?? m.start)!.getTime() <= now.getTime());
  const next: ThreadState = ended ? 'met' : 'scheduled';
  return state === 'closed' || rank(state) < rank(next) ? next : state;
}

function isAfterMeeting(m: ThreadMessage, meetings: readonly ThreadMeeting[], now: Date): boolean {
  return meetings.some(
    (meeting) =>
      meeting.status !== 'cancelled' &&
      meeting.start !== null &&
      meeting.start.getTime() <= now.getTime() &&
      (m.sentAt?.getTime() ?? 0) >= meeting.start.getTime(),
  );
}

const ORDER: ThreadState[] = ['awaiting_reply', 'replied', 'scheduling', 'scheduled', 'met', 'thanked'];

function rank(state: ThreadState): number {
  return state === 'closed' ? -1 : ORDER.indexOf(state);
}

function opposite(d: Direction): Direction {
  return d === 'sent' ? 'received' : 'sent';
}
