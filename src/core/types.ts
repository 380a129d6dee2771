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
