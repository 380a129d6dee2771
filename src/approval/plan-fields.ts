import type { ContactFields, DraftFields, UserFields } from '../templates/draft-fields.ts';

/**
 * The merge fields of the drafts the planner writes, from what the store knows of the
 * contact, the meeting and the thread, and the user's profile in config. Pure: values are
 * passed in, and anything unknown stays null so the renderer can ask for it.
 */

/** The user as config describes them (`config.user`), and the address drafts go from. */
export interface UserProfile {
  name: string;
  role: string;
  field: string;
  signature: string;
  timeZone: string;
}

/** A contact as the planner drafts to them. */
export interface ContactProfile {
  contactId: number;
  /** Their most used display name, or the name the user gave them in a target list. */
  name: string | null;
  /** The address a draft goes to. */
  address: string | null;
  title: string | null;
  /** How the user got their name ("the alumni directory"). */
  source: string | null;
  company: string | null;
  /** Who gave the user their name, by name. */
  referrerName: string | null;
  /** A field to mention for this contact instead of the user's usual one (target lists). */
  field: string | null;
}

/** The meeting a thank-you or check-in refers to. */
export interface MeetingFacts {
  start: Date | null;
  end: Date | null;
  summary: string;
}

/** The thread a draft replies in. */
export interface ThreadFacts {
  subject: string;
  /** When the user's request went out (follow-ups mention it). */
  requestedAt: Date | null;
}

export function userFields(user: UserProfile, email: string | null): UserFields {
  return {
    name: blankToNull(user.name),
    role: blankToNull(user.role),
    fieldOfInterest: blankToNull(user.field),
    signature: blankToNull(user.signature),
    email,
    timeZone: user.timeZone,
  };
}

export function contactFields(contact: ContactProfile): ContactFields {
  return {
    fullName: contact.name,
    email: contact.address,
    title: contact.title,
    source: contact.source,
  };
}

interface Common {
  user: UserProfile;
  userEmail: string | null;
  contact: ContactProfile;
  now: Date;
}

function common(c: Common): Pick<DraftFields, 'user' | 'contact' | 'company' | 'now'> {
  const user = userFields(c.user, c.userEmail);
  return {
    // A target list may name the field the user explores with this person.
    user: c.contact.field ? { ...user, fieldOfInterest: c.contact.field } : user,
    contact: contactFields(c.contact),
    company: { name: c.contact.company },
    now: c.now,
  };
}

/** A thank-you after `meeting`; the takeaway is the user's to write, so it starts empty. */
export function thankYouFields(c: Common & { meeting: MeetingFacts; thread: ThreadFacts | null; referrals: readonly string[] }): DraftFields {
  return {
    ...common(c),
    meeting: { start: c.meeting.start, end: c.meeting.end, summary: c.meeting.summary, timeZone: c.user.timeZone },
    thread: c.thread ? { subject: c.thread.subject, requestedAt: c.thread.requestedAt } : null,
    referrals: [...c.referrals],
    referrer: c.contact.referrerName ? { name: c.contact.referrerName } : null,
    takeaway: null,
  };
}

/** Follow-up number `followUpNumber` in `thread`. */
export function followUpFields(c: Common & { thread: ThreadFacts; followUpNumber: number }): DraftFields {
  return {
    ...common(c),
    thread: { subject: c.thread.subject, requestedAt: c.thread.requestedAt },
    referrer: c.contact.referrerName ? { name: c.contact.referrerName } : null,
    followUpNumber: c.followUpNumber,
  };
}

/** A check-in; the user's news (`update`) is theirs to write. */
export function checkInFields(c: Common & { lastMeeting: MeetingFacts | null }): DraftFields {
  return {
    ...common(c),
    meeting: c.lastMeeting
      ? { start: c.lastMeeting.start, end: c.lastMeeting.end, summary: c.lastMeeting.summary, timeZone: c.user.timeZone }
      : null,
    update: null,
    share: null,
  };
}

/** A first request to someone on the target list (an outreach request or a referral intro). */
export function outreachFields(c: Common): DraftFields {
  return {
    ...common(c),
    referrer: c.contact.referrerName ? { name: c.contact.referrerName } : null,
  };
}

function blankToNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

const NAME_SUFFIX = /^(jr|sr|ii|iii|iv|phd|ph\.d|md|mba|cfa|cpa|esq)\.?$/i;

/**
 * A display name as a person reads it: "Doe, Jane" (as address books write it) becomes
 * "Jane Doe"; "Jane Doe, PhD" and everything else stay as they are.
 */
export function readableName(name: string | null): string | null {
  const parts = name?.split(',').map((p) => p.trim()) ?? [];
  if (parts.length !== 2 || !parts[0] || !parts[1] || parts[1].split(/\s+/).every((w) => NAME_SUFFIX.test(w))) return name;
  if (name!.includes('@')) return name;
  return `${parts[1]} ${parts[0]}`;
}
