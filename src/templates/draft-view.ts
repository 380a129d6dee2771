import { InvalidInputError } from '../core/errors.ts';
import type { DraftFields, MeetingFields } from './draft-fields.ts';
import { PLACEHOLDER_LABELS, REQUIRED_FIELDS, type DraftKind, type RequiredFieldPath } from './draft-kinds.ts';
import { checkTimeZone } from './date-wording.ts';
import { toReplySubject } from './header-text.ts';
import { firstNameOf } from './person-name.ts';
import { Placeholder } from './placeholder.ts';
import { toMultiLine, toSingleLine } from './plain-text.ts';

/** A text field as templates see it: cleaned, null when absent, a placeholder when required. */
export type ViewText = string | Placeholder | null;

/**
 * What templates render: every key always present (templates compile in strict mode, so a
 * misspelt field in an override fails loudly instead of printing nothing), values cleaned.
 */
export interface DraftView {
  user: { name: ViewText; role: ViewText; fieldOfInterest: ViewText; signature: ViewText; email: ViewText };
  contact: { firstName: ViewText; fullName: ViewText; email: ViewText; title: ViewText; source: ViewText };
  company: { name: ViewText };
  meeting: { start: Date | Placeholder | null; end: Date | null; kind: string; summary: ViewText; timeZone: string };
  thread: { subject: ViewText; requestedAt: Date | null };
  referrer: { name: ViewText };
  referrals: string[];
  takeaway: ViewText;
  update: ViewText;
  share: ViewText;
  followUpNumber: number;
  /** True from the second follow-up on: the wording says it is the last one. */
  isFinalFollowUp: boolean;
  /** The user's time zone, for dates other than the meeting's. */
  timeZone: string;
  now: Date;
}

type Slot = { get(view: DraftView): unknown; set(view: DraftView, value: Placeholder): void };

// Where each requirable field lives in the view.
const SLOTS: Readonly<Record<RequiredFieldPath, Slot>> = {
  'user.name': { get: (v) => v.user.name, set: (v, p) => (v.user.name = p) },
  'user.fieldOfInterest': { get: (v) => v.user.fieldOfInterest, set: (v, p) => (v.user.fieldOfInterest = p) },
  'contact.firstName': { get: (v) => v.contact.firstName, set: (v, p) => (v.contact.firstName = p) },
  'contact.source': { get: (v) => v.contact.source, set: (v, p) => (v.contact.source = p) },
  'referrer.name': { get: (v) => v.referrer.name, set: (v, p) => (v.referrer.name = p) },
  'meeting.start': { get: (v) => v.meeting.start, set: (v, p) => (v.meeting.start = p) },
  takeaway: { get: (v) => v.takeaway, set: (v, p) => (v.takeaway = p) },
  update: { get: (v) => v.update, set: (v, p) => (v.update = p) },
};

/**
 * The view a `kind` renders from, and the required fields that are missing or blank; each of
 * those holds a visible placeholder so the draft can still be shown.
 */
export function buildDraftView(kind: DraftKind, fields: DraftFields): { view: DraftView; missing: RequiredFieldPath[] } {
  const view = toView(fields);
  const missing: RequiredFieldPath[] = [];
  for (const { path, orPath } of REQUIRED_FIELDS[kind]) {
    if (SLOTS[path].get(view) !== null || (orPath && SLOTS[orPath].get(view) !== null)) continue;
    missing.push(path);
    SLOTS[path].set(view, new Placeholder(PLACEHOLDER_LABELS[path]));
  }
  return { view, missing };
}

function toView(fields: DraftFields): DraftView {
  if (!isValidDate(fields.now)) throw new InvalidInputError('now: a valid Date is required.');
  const { user, contact } = fields;
  const timeZone = checkTimeZone(line(user.timeZone) ?? 'UTC', 'user.timeZone');
  const followUpNumber = checkFollowUpNumber(fields.followUpNumber);
  const fullName = line(contact.fullName);
  return {
    user: {
      name: line(user.name),
      role: line(user.role),
      fieldOfInterest: line(user.fieldOfInterest),
      signature: paragraphs(user.signature),
      email: line(user.email),
    },
    contact: {
      firstName: line(contact.firstName) ?? (fullName ? firstNameOf(fullName) : null),
      fullName,
      email: line(contact.email),
      title: line(contact.title),
      source: line(contact.source),
    },
    company: { name: line(fields.company?.name) },
    meeting: toMeetingView(fields.meeting ?? {}, timeZone),
    thread: { subject: replyableSubject(fields.thread?.subject), requestedAt: validDate(fields.thread?.requestedAt) },
    referrer: { name: line(fields.referrer?.name) },
    referrals: [...new Set((fields.referrals ?? []).map(toSingleLine).filter(Boolean))],
    takeaway: paragraphs(fields.takeaway),
    update: paragraphs(fields.update),
    share: paragraphs(fields.share),
    followUpNumber,
    isFinalFollowUp: followUpNumber >= 2,
    timeZone,
    now: fields.now,
  };
}

function toMeetingView(meeting: MeetingFields, userTimeZone: string): DraftView['meeting'] {
  const zone = meeting.timeZone?.trim();
  return {
    start: validDate(meeting.start),
    end: validDate(meeting.end),
    kind: line(meeting.kind) ?? meetingKindFrom(line(meeting.summary)),
    summary: line(meeting.summary),
    timeZone: zone ? checkTimeZone(zone, 'meeting.timeZone') : userTimeZone,
  };
}

function line(value: string | null | undefined): string | null {
  return value ? toSingleLine(value) || null : null;
}

function paragraphs(value: string | null | undefined): string | null {
  return value ? toMultiLine(value) || null : null;
}

function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

function validDate(value: Date | null | undefined): Date | null {
  return isValidDate(value) ? value : null;
}

/** A thread subject worth replying under: not empty once its "Re:" prefixes are gone. */
function replyableSubject(value: string | null | undefined): string | null {
  const subject = line(value);
  return subject && toReplySubject(subject) !== 'Re: ' ? subject : null;
}

function checkFollowUpNumber(value: number | null | undefined): number {
  if (value === null || value === undefined) return 1;
  if (!Number.isInteger(value) || value < 1) {
    throw new InvalidInputError(`followUpNumber: expected 1, 2, …, got ${String(value)}.`);
  }
  return value;
}

/** "our coffee", "our call": guessed from the calendar title when nobody said what it was. */
function meetingKindFrom(summary: string | null): string {
  if (!summary) return 'conversation';
  if (/\bcoffee\b/i.test(summary)) return 'coffee';
  if (/\blunch\b/i.test(summary)) return 'lunch';
  if (/\bbreakfast\b/i.test(summary)) return 'breakfast';
  if (/\b(zoom|teams|webex|google meet|video)\b/i.test(summary)) return 'video call';
  if (/\b(call|phone)\b/i.test(summary)) return 'call';
  return 'conversation';
}
