/**
 * OAuth scopes and which of them each kind of call accepts (E.2). A call passes when the
 * token holds any one of the listed scopes.
 */
const G = 'https://www.googleapis.com/auth/';

export const SCOPES = {
  mailFull: 'https://mail.google.com/',
  gmailReadonly: `${G}gmail.readonly`,
  gmailMetadata: `${G}gmail.metadata`,
  gmailCompose: `${G}gmail.compose`,
  gmailSend: `${G}gmail.send`,
  gmailModify: `${G}gmail.modify`,
  gmailLabels: `${G}gmail.labels`,
  calendar: `${G}calendar`,
  calendarReadonly: `${G}calendar.readonly`,
  calendarEvents: `${G}calendar.events`,
  calendarEventsReadonly: `${G}calendar.events.readonly`,
} as const;

/** What issueRefreshToken grants by default. */
export const ALL_SCOPES: readonly string[] = Object.values(SCOPES);

const s = SCOPES;

/** Reading mail, history, profile, and watch/stop. */
export const GMAIL_READ = [s.mailFull, s.gmailModify, s.gmailReadonly, s.gmailMetadata];
/** Reads that gmail.metadata cannot do: `q`, format full/raw, attachments. */
export const GMAIL_READ_CONTENT = [s.mailFull, s.gmailModify, s.gmailReadonly];
export const GMAIL_LABELS_READ = [...GMAIL_READ, s.gmailLabels];
export const GMAIL_MODIFY = [s.mailFull, s.gmailModify];
export const GMAIL_DRAFTS = [s.mailFull, s.gmailModify, s.gmailCompose];
/** drafts.get/list: composing includes reading one's drafts. */
export const GMAIL_DRAFTS_READ = [...GMAIL_DRAFTS, s.gmailReadonly];
export const GMAIL_SEND = [s.mailFull, s.gmailModify, s.gmailCompose, s.gmailSend];

export const CALENDAR_READ = [s.calendar, s.calendarReadonly, s.calendarEvents, s.calendarEventsReadonly];
export const CALENDAR_WRITE = [s.calendar, s.calendarEvents];
export const CALENDAR_LIST_READ = [s.calendar, s.calendarReadonly];
