import type { Classification } from './detection.ts';

/**
 * Domain types shared by every module. Nothing here does I/O or imports project code.
 */

/** A mailbox address as rapport keeps it: `address` is lower-cased and trimmed. */
export interface EmailAddress {
  address: string;
  /** Display name as a person would write it ("Vince Kaminski"), or null when none is known. */
  name: string | null;
}

/** How the bytes behind a {@link SourceRef} are framed. */
export type SourceFormat = 'mbox' | 'raw' | 'ics';

/**
 * Where one message or calendar file lives inside a mailbox export. Jobs carry these,
 * never the bytes, so queues stay small whatever the size of the export.
 */
export interface SourceRef {
  /** File path as given by the user (or found under a folder they gave). */
  path: string;
  format: SourceFormat;
  /** Byte offset of the first byte (for mbox: of the "From " separator line). */
  start: number;
  /** Byte offset one past the last byte. */
  end: number;
  /** Ordinal of the message inside the file: 0 for single-message files. */
  index: number;
}

/** One item of a mailbox export that could not be read, with where and why. */
export interface SourceFailure {
  path: string;
  /** Position inside the file: message ordinal for mbox, 0 otherwise. */
  position: number;
  reason: string;
}

export type Direction = 'sent' | 'received';

export type MeetingStatus = 'confirmed' | 'tentative' | 'cancelled';

export interface CalendarAttendee extends EmailAddress {
  /** iCalendar PARTSTAT (ACCEPTED, DECLINED, NEEDS-ACTION, TENTATIVE…), upper-case. */
  partstat: string | null;
  /** iCalendar ROLE (REQ-PARTICIPANT, OPT-PARTICIPANT, CHAIR…), upper-case. */
  role: string | null;
}

/** One VEVENT (or one overridden occurrence of a recurring one), normalised. */
export interface CalendarEvent {
  uid: string;
  /** RECURRENCE-ID as an ISO string when this is an overridden occurrence, else null. */
  recurrenceId: string | null;
  sequence: number;
  /** METHOD of the enclosing VCALENDAR (REQUEST, CANCEL, REPLY, PUBLISH), upper-case, or null. */
  method: string | null;
  status: MeetingStatus;
  summary: string;
  description: string;
  location: string;
  start: Date | null;
  end: Date | null;
  allDay: boolean;
  /** RRULE text when the event repeats, else null. */
  recurrenceRule: string | null;
  organizer: EmailAddress | null;
  attendees: CalendarAttendee[];
}

/** Signals that a message was sent to many people by a machine or list. */
export interface BulkHeaders {
  listId: string | null;
  listUnsubscribe: string | null;
  precedence: string | null;
  autoSubmitted: string | null;
}

/** A MIME message reduced to what rapport stores and reasons about. */
export interface ParsedMessage {
  /** Stable identity across sources: the normalised Message-ID, or `sha256:<hex>` of the bytes. */
  messageKey: string;
  /** Normalised Message-ID (no angle brackets, lower-cased domain part kept as is), or null. */
  messageId: string | null;
  inReplyTo: string[];
  references: string[];
  date: Date | null;
  subject: string;
  from: EmailAddress | null;
  to: EmailAddress[];
  cc: EmailAddress[];
  bcc: EmailAddress[];
  replyTo: EmailAddress[];
  bulk: BulkHeaders;
  /** Plain-text body (HTML converted when there is no text part). Never logged. */
  text: string;
  /** iCalendar texts found in the message (text/calendar parts or .ics attachments). */
  calendarParts: string[];
}

/** A company as rapport infers it from a work domain. */
export interface CompanyRef {
  /** Registrable domain, e.g. `enron.com`. */
  domain: string;
  name: string;
}

/** A person seen in a message or event, to be logged as a contact. */
export interface ContactObservation {
  address: string;
  name: string | null;
  company: CompanyRef | null;
}

/** Someone a message suggests talking to; the message may give only their name. */
export interface ReferralObservation {
  name: string;
  address: string | null;
  company: CompanyRef | null;
}

/** What ingest stores for one message: the facts, already analysed, with no I/O left to do. */
export interface MessageRecord {
  messageKey: string;
  messageId: string | null;
  inReplyTo: string[];
  references: string[];
  sentAt: Date | null;
  subject: string;
  /** Subject without reply/forward prefixes, lower-cased; threads fall back on it. */
  normalizedSubject: string;
  direction: Direction;
  fromAddress: string | null;
  /** Every address on the message (from, to, cc), the user's included. */
  participants: string[];
  /** Participants that are not the user: who a thread is shared with. */
  counterparts: string[];
  /** A short start of the text, for previews. */
  excerpt: string;
  isBulk: boolean;
  /** Where the message was read from: `path` or `path#index` for an mbox. */
  source: string;
  /** People to log for this message (empty for bulk mail). */
  contacts: ContactObservation[];
  /** Networking labels from detection, with their scores and the signals that fired. */
  detection: Classification;
  /** People the sender suggested the user talk to (received referrals only). */
  referrals: ReferralObservation[];
}

/** What ingest stores for one calendar event (from an .ics file or an invitation in mail). */
export interface MeetingRecord {
  event: CalendarEvent;
  source: string;
  /** Organizer and attendees to log, the user and role mailboxes left out. */
  contacts: ContactObservation[];
  /** The message that carried the invitation, when it came by mail. */
  messageKey: string | null;
}
