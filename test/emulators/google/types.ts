/**
 * The public shape of the Google emulator: options, the control API tests and the
 * benchmark drive, fault rules and the calendar event input. The other modules implement it.
 */

/** How {@link GoogleEmulator} is started. */
export interface GoogleEmulatorOptions {
  /** 0 (default) = any free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** OAuth clients accepted: client id -> secret. Default { 'rapport-test': 'rapport-test-secret' }. */
  clients?: Record<string, string>;
  /**
   * Per-user quota in units per second over a trailing 1-second window of the emulator
   * clock. Default 250; null = off. A benchmark scales time by raising it.
   */
  unitsPerSecond?: number | null;
  /** Start time of the emulator clock (default: real now). */
  now?: Date;
  /** Where Gmail watch notifications are POSTed (the Pub/Sub push subscription endpoint). */
  pubsubPushUrl?: string;
}

/** One message as stored, with its raw bytes. */
export interface EmulatedMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  internalDate: Date;
  raw: Buffer;
}

/** One entry of {@link GoogleEmulator.requestLog}. */
export interface RequestLogEntry {
  method: string;
  /** Path without the query. */
  path: string;
  /** 0 when the connection was dropped by a fault. */
  status: number;
  /** Quota units charged (0 for failed or unmetered calls). */
  units: number;
  /** The user the access token belongs to, null when there was none. */
  user: string | null;
  /** Emulator clock, epoch ms. */
  at: number;
}

/** A running emulator and its control API. */
export interface GoogleEmulator {
  /** e.g. 'http://127.0.0.1:41234/' (trailing slash). */
  readonly url: string;
  close(): Promise<void>;

  /** Idempotent; creates the mailbox and the primary calendar. */
  addUser(email: string): void;
  /** A refresh token for the user as if they had consented (scopes default: all). */
  issueRefreshToken(email: string, clientId?: string, scopes?: string[]): string;
  /** Refresh tokens then get 400 invalid_grant, access tokens 401. */
  revokeTokens(email: string): void;
  /** Scopes to grant on the next consents (narrower than asked); null = grant what is asked. */
  setGrantedScopes(scopes: string[] | null): void;
  /** Which user the consent page logs in as (default: the first user added). */
  setConsentUser(email: string): void;

  /** Adds a message as if it had arrived; labels default to INBOX + UNREAD, internalDate to now. */
  insertMessage(
    email: string,
    raw: Buffer | string,
    opts?: { labelIds?: string[]; internalDate?: Date },
  ): { id: string; threadId: string };
  /** Writes a messageDeleted history record. */
  deleteMessage(email: string, id: string): void;
  /** Writes labelAdded / labelRemoved history records. */
  modifyLabels(email: string, id: string, add: string[], remove: string[]): void;
  /** Everything in the mailbox, including drafts/spam/trash, with raw bytes. */
  messages(email: string): EmulatedMessage[];
  /**
   * Makes history ids at or below the current one unusable (history.list -> 404 for any
   * older start). The head moves on, so a new getProfile gives a usable id.
   */
  expireHistory(email: string): void;
  /**
   * Seeds a user from a folder of raw messages (.eml, extension-less RFC 822 files,
   * maildir, .mbox) and .ics files. Messages From the user go to SENT, others to INBOX;
   * threads by headers (In-Reply-To/References/Message-ID, then normalised subject).
   * internalDate = Date: header.
   */
  seedFromFolder(email: string, dir: string): Promise<{ messages: number; events: number }>;

  /** Adds an event to the user's primary calendar. */
  insertEvent(email: string, event: CalendarEventInput): { id: string };
  /** Changes an event; an instance id (`<masterId>_<stamp>`) makes or changes an exception. */
  updateEvent(email: string, id: string, patch: Partial<CalendarEventInput>): void;
  /** Status cancelled; appears in incremental sync. An instance id cancels one occurrence. */
  cancelEvent(email: string, id: string): void;
  /** All events as the API would return them (masters and exceptions, not expanded). */
  events(email: string): unknown[];
  /** The next events.list with an older syncToken gets 410 fullSyncRequired. */
  expireSyncTokens(email: string): void;

  /** Adds a fault rule; returns its id. */
  addFault(rule: FaultRule): string;
  clearFaults(): void;
  /** Expires access tokens (1 h), watches (7 d), history and sync tokens (7 d); runs due pushes. */
  advanceClock(ms: number): void;
  /** Every request: method, path (no query), status, quota units charged, user. */
  readonly requestLog: RequestLogEntry[];
  /** Gmail quota units charged to a user so far (successful calls only; calendar calls excluded). */
  unitsUsed(email: string): number;
  /** Pushes a Gmail notification for the user now (even without a watch), e.g. to test duplicates. */
  pushNow(email: string, opts?: { duplicate?: number }): Promise<void>;
}

/** A fault to inject into API calls. */
export interface FaultRule {
  /**
   * Which requests: a regexp tested against `${METHOD} ${path}` (path without query).
   * Default: all API calls. OAuth endpoints are only matched by an explicit `match`.
   */
  match?: RegExp;
  /** Fraction of matching requests to fail, 0..1 (deterministic pseudo-random, seedable via `seed`). Default 1. */
  rate?: number;
  /** Fail only the next N matching requests, then remove the rule. */
  count?: number;
  /** What to return. */
  kind: '429' | '403-rate' | '500' | '503' | 'latency' | 'drop';
  /** For 'latency': delay in ms (real time) before answering normally. Default 1000. */
  latencyMs?: number;
  /** For '429': seconds in a Retry-After header (optional). */
  retryAfterSeconds?: number;
  seed?: number;
}

/** Start or end of an event: `dateTime` (RFC 3339) or `date` (all-day, YYYY-MM-DD). */
export interface EventTimeInput {
  dateTime?: string;
  date?: string;
  timeZone?: string;
}

/** A subset of Google's event JSON. */
export interface CalendarEventInput {
  id?: string;
  summary?: string;
  description?: string;
  location?: string;
  start: EventTimeInput;
  end: EventTimeInput;
  attendees?: {
    email: string;
    displayName?: string;
    responseStatus?: string;
    organizer?: boolean;
    self?: boolean;
  }[];
  organizer?: { email: string; displayName?: string };
  /** e.g. ['RRULE:FREQ=WEEKLY;COUNT=4'], also EXDATE/RDATE lines. */
  recurrence?: string[];
  iCalUID?: string;
  /** The iCalendar SEQUENCE the event starts at (an imported invitation keeps its own). */
  sequence?: number;
  status?: 'confirmed' | 'tentative' | 'cancelled';
}
