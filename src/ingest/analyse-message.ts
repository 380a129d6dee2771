import type { MessageClassifier } from '../core/detection.ts';
import type {
  CalendarEvent,
  ContactObservation,
  EmailAddress,
  MeetingRecord,
  MessageRecord,
  ParsedMessage,
} from '../core/types.ts';
import { detectInputOf } from '../detect/detect-input.ts';
import { extractReferrals } from '../detect/extract-referrals.ts';
import { splitBody } from '../detect/split-body.ts';
import { isBulkMail } from './bulk-mail.ts';
import { companyFromAddress } from './company-from-domain.ts';
import { normalizeSubject } from './normalize-subject.ts';
import { parseCalendar } from './parse-calendar.ts';
import { isRoleAddress } from './role-address.ts';

/** What analysis needs to know about the user and their settings. */
export interface AnalysisContext {
  userAddresses: ReadonlySet<string>;
  freeMailDomains: readonly string[];
  extraRoleLocalParts: readonly string[];
  maxParticipantsPerMessage: number;
  classifier: MessageClassifier;
}

const EXCERPT_LENGTH = 240;

/** Turns a parsed message into the records to store: the message itself and any meetings it carries. */
export function analyseMessage(
  parsed: ParsedMessage,
  source: string,
  ctx: AnalysisContext,
): { message: MessageRecord; meetings: MeetingRecord[]; calendarErrors: string[] } {
  const isSent = parsed.from !== null && ctx.userAddresses.has(parsed.from.address);
  const people = [
    ...(parsed.from ? [parsed.from] : []),
    ...parsed.to,
    ...parsed.cc,
    // Only the user's own copy of a sent message shows whom they Bcc'd.
    ...(isSent ? parsed.bcc : []),
  ];
  const participants = unique(people.map((p) => p.address));
  const counterparts = participants.filter((a) => !ctx.userAddresses.has(a));
  const isBulk = isBulkMail(parsed.bulk);
  const message: MessageRecord = {
    messageKey: parsed.messageKey,
    messageId: parsed.messageId,
    inReplyTo: parsed.inReplyTo,
    references: parsed.references,
    sentAt: parsed.date,
    subject: parsed.subject,
    normalizedSubject: normalizeSubject(parsed.subject),
    direction: isSent ? 'sent' : 'received',
    fromAddress: parsed.from?.address ?? null,
    participants,
    counterparts,
    excerpt: excerptOf(parsed.text),
    isBulk,
    source,
    contacts: isBulk ? [] : contactsOfMessage(parsed, people, participants.length, isSent, ctx),
    detection: ctx.classifier.classify(detectInputOf(parsed, isBulk)),
    referrals: [],
  };
  if (!isSent && message.detection.labels.includes('referral')) message.referrals = referralsOf(parsed, ctx);
  const calendar = parsed.calendarParts.map((text) => analyseCalendar(text, source, ctx));
  return {
    message,
    meetings: calendar.flatMap((c) => c.meetings.map((m) => ({ ...m, messageKey: parsed.messageKey }))),
    calendarErrors: calendar.flatMap((c) => c.errors),
  };
}

/** Turns an iCalendar text (an .ics file or an invitation) into meetings to store. */
export function analyseCalendar(
  text: string,
  source: string,
  ctx: AnalysisContext,
): { meetings: MeetingRecord[]; errors: string[] } {
  const { events, errors } = parseCalendar(text);
  return { meetings: events.map((event) => analyseEvent(event, source, ctx)), errors };
}

/** One calendar event (from a file, an invitation or a provider's calendar) as a meeting to store. */
export function analyseEvent(event: CalendarEvent, source: string, ctx: AnalysisContext): MeetingRecord {
  return { event, source, contacts: contactsOfEvent(event, ctx), messageKey: null };
}

function contactsOfMessage(
  parsed: ParsedMessage,
  people: EmailAddress[],
  participantCount: number,
  isSent: boolean,
  ctx: AnalysisContext,
): ContactObservation[] {
  // A mass mailing is not a conversation with each recipient: only its sender counts.
  if (participantCount > ctx.maxParticipantsPerMessage) {
    return isSent || !parsed.from ? [] : toContacts([parsed.from], ctx);
  }
  return toContacts(people, ctx);
}

function contactsOfEvent(event: CalendarEvent, ctx: AnalysisContext): ContactObservation[] {
  return toContacts([...(event.organizer ? [event.organizer] : []), ...event.attendees], ctx);
}

function toContacts(people: readonly EmailAddress[], ctx: AnalysisContext): ContactObservation[] {
  const byAddress = new Map<string, ContactObservation>();
  for (const { address, name } of people) {
    if (ctx.userAddresses.has(address) || isRoleAddress(address, ctx.extraRoleLocalParts)) continue;
    const known = byAddress.get(address);
    if (known && (known.name || !name)) continue;
    byAddress.set(address, { address, name, company: companyFromAddress(address, ctx.freeMailDomains) });
  }
  return [...byAddress.values()];
}

/** The people a received message suggests talking to, the user and the sender left out. */
function referralsOf(parsed: ParsedMessage, ctx: AnalysisContext): MessageRecord['referrals'] {
  return extractReferrals(splitBody(parsed.text).newText, [...parsed.to, ...parsed.cc])
    .filter((r) => !r.address || (!ctx.userAddresses.has(r.address) && r.address !== parsed.from?.address))
    .filter((r) => !parsed.from?.name || !sameName(r.name, parsed.from.name))
    .map((r) => ({ ...r, company: r.address ? companyFromAddress(r.address, ctx.freeMailDomains) : null }));
}

/** Whether every word of `short` is in `full` ("Kevin" and "Kevin Moore"). */
function sameName(short: string, full: string): boolean {
  const words = full.toLowerCase().split(/\s+/);
  return short.toLowerCase().split(/\s+/).every((w) => words.includes(w));
}

function excerptOf(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= EXCERPT_LENGTH ? flat : `${flat.slice(0, EXCERPT_LENGTH - 1)}…`;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

