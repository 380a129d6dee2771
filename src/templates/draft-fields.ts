/**
 * The merge fields a draft is rendered from. Everything except `now` may be missing: the
 * renderer reports the fields a kind cannot do without (`needs_input`) instead of guessing.
 * Strings are used as data, never as template source, and are trimmed before use.
 */
export interface DraftFields {
  user: UserFields;
  contact: ContactFields;
  company?: { name?: string | null } | null;
  /** The meeting a thank-you is about, or the last one a check-in recalls. */
  meeting?: MeetingFields | null;
  /** The thread a follow-up or thank-you replies in. */
  thread?: ThreadFields | null;
  /** Who gave the user the contact's name (referral_intro, and outreach via a referrer). */
  referrer?: { name?: string | null } | null;
  /** People the contact suggested talking to in the meeting, by name. */
  referrals?: readonly string[] | null;
  /**
   * What the user took from the meeting, in their own words: one or two sentences that the
   * thank-you uses as a paragraph of its own, e.g. "Your advice to start with the trading
   * desk's own reports was the most practical thing I have heard so far."
   */
  takeaway?: string | null;
  /** The user's news since they last spoke, as a paragraph in their own words (check-in). */
  update?: string | null;
  /** Something useful for the contact (an article, an event, a link), offered in a check-in. */
  share?: string | null;
  /** 1 for the first follow-up, 2 for the second and last. Defaults to 1. */
  followUpNumber?: number | null;
  /** The moment of drafting, for relative wording ("yesterday", "on Tuesday"). */
  now: Date;
}

export interface UserFields {
  /** Full name as the user signs, e.g. "Alex Chen". */
  name?: string | null;
  /** Programme or role, read after "I am": "a second-year MBA student at Kellogg". */
  role?: string | null;
  /** The field they are exploring, read after "a career in": "renewable energy finance". */
  fieldOfInterest?: string | null;
  /** Signature block (may be several lines); the user's name and email when absent. */
  signature?: string | null;
  email?: string | null;
  /** IANA time zone for dates in the user's words; UTC when absent. */
  timeZone?: string | null;
}

export interface ContactFields {
  /** Derived from `fullName` when absent. */
  firstName?: string | null;
  fullName?: string | null;
  email?: string | null;
  /** Job title, read after "as": "Director of Structured Finance". */
  title?: string | null;
  /**
   * How the user found the contact when nobody referred them, read after "I came across your
   * name through": "the Kellogg alumni directory".
   */
  source?: string | null;
}

export interface MeetingFields {
  start?: Date | null;
  end?: Date | null;
  /** What the meeting was, as a noun after "our": "call", "coffee", "video call". */
  kind?: string | null;
  /** The calendar title; used to guess `kind` when it is not given. */
  summary?: string | null;
  /** IANA time zone the meeting's day is named in; the user's zone when absent. */
  timeZone?: string | null;
}

export interface ThreadFields {
  /** Subject of the original request; replies keep it with one "Re: ". */
  subject?: string | null;
  /** When the user sent the request a follow-up refers to. */
  requestedAt?: Date | null;
}

/**
 * Merge fields as a draft stored them (JSON, where dates are ISO strings) made whole again,
 * so the draft can be rendered again from them. Returns null for anything that is not
 * stored fields, such as a draft written by hand.
 */
export function draftFieldsFromJson(stored: unknown): DraftFields | null {
  if (!isRecord(stored) || !isRecord(stored.user) || !isRecord(stored.contact)) return null;
  const now = dateOf(stored.now);
  if (!now || Number.isNaN(now.getTime())) return null;
  const fields = { ...stored, now } as unknown as DraftFields;
  if (isRecord(stored.meeting)) fields.meeting = { ...stored.meeting, start: dateOf(stored.meeting.start), end: dateOf(stored.meeting.end) };
  if (isRecord(stored.thread)) fields.thread = { ...stored.thread, requestedAt: dateOf(stored.thread.requestedAt) };
  return fields;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function dateOf(value: unknown): Date | null {
  if (value instanceof Date) return value;
  return typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
}
