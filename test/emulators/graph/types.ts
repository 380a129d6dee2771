/**
 * The public shape of the Microsoft Graph emulator: options, the control API that tests,
 * the benchmark and `rapport emulate graph` drive, and the event input. The other
 * modules implement it. Fault rules are the Google emulator's.
 */
import type { FaultRule } from '../google/types.ts';

export type { FaultRule };

/** How {@link GraphEmulator} is started. */
export interface GraphEmulatorOptions {
  /** 0 (default) = any free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** Confidential clients accepted: client id -> secret. Default { 'rapport-test': 'rapport-test-secret' }. */
  clients?: Record<string, string>;
  /** Requests in flight at once per mailbox; the next gets 429 ApplicationThrottled. Default 4. */
  maxConcurrentPerMailbox?: number;
  /** Requests per mailbox over a trailing 10 emulated minutes. Default 10_000; null = off. */
  requestsPer10Minutes?: number | null;
  /**
   * The trailing window `requestsPer10Minutes` is counted over, in emulator-clock ms.
   * Default 600_000 (10 minutes). Tests and benchmarks shorten it to run time faster:
   * 60_000 with the same limit is Graph's limit with a clock ten times as fast.
   */
  throttleWindowMs?: number;
  /** Start of the emulator clock (default: real now). */
  now?: Date;
  /** Page size of list and delta calls without `$top` / `odata.maxpagesize`. Default 10. */
  maxPageSize?: number;
  /** Origin of `@odata.nextLink` / `@odata.deltaLink`. Default 'https://graph.microsoft.com' (E.5). */
  linkOrigin?: string;
  /** Delta and skip tokens older than this (emulator clock) get 410. Default 7 days. */
  deltaRetentionMs?: number;
  /** Longest subscription lifetime in minutes. Default 10_080 (older docs: 4_230). */
  subscriptionMaxMinutes?: number;
  /** How long the validation POST may take. Default 10 s. */
  validationTimeoutMs?: number;
  /** A notification answered slower than this is retried. Default 3 s. */
  notificationTimeoutMs?: number;
}

/** One message as stored. */
export interface EmulatedGraphMessage {
  /** The current REST id (changes when the message moves). */
  id: string;
  /** Stable across moves (what `Prefer: IdType="ImmutableId"` shows). */
  immutableId: string;
  /** Well-known name of the folder ('inbox', 'sentitems', …) or a folder id. */
  folder: string;
  conversationId: string;
  /** With angle brackets, as Graph shows it; null when the MIME has none. */
  internetMessageId: string | null;
  isDraft: boolean;
  raw: Buffer;
}

/** One entry of {@link GraphEmulator.requestLog}. */
export interface GraphRequestLogEntry {
  method: string;
  /** Path without the query (batch items: their own path). */
  path: string;
  /** 0 when the connection was dropped by a fault. */
  status: number;
  /** The mailbox of the bearer token, null for identity-platform calls or without a token. */
  user: string | null;
  /** Emulator clock, epoch ms. */
  at: number;
  /** Requests of this mailbox in flight when this one arrived, itself included (0 when not counted). */
  concurrent: number;
}

/** An attendee or organizer address. */
export interface GraphPersonInput {
  address: string;
  name?: string;
}

/** What `insertEvent` takes: a subset of Graph's event resource, simplified. */
export interface GraphEventInput {
  subject?: string;
  /** HTML or text; served as `body.content` with contentType html. */
  body?: string;
  location?: string;
  /** Wall time without offset in an IANA zone or 'UTC', as Graph writes it. */
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
  isAllDay?: boolean;
  organizer?: GraphPersonInput;
  attendees?: (GraphPersonInput & { response?: 'accepted' | 'declined' | 'tentativelyAccepted' | 'none' })[];
  /** Graph's patternedRecurrence: `{pattern:{type,interval,daysOfWeek,…}, range:{type,startDate,endDate,numberOfOccurrences}}`. */
  recurrence?: unknown;
  iCalUId?: string;
  isCancelled?: boolean;
}

/** A running emulator and its control API. */
export interface GraphEmulator {
  /** e.g. 'http://127.0.0.1:41234/': serves `/v1.0/…` and `/{tenant}/oauth2/v2.0/…`. */
  readonly url: string;
  close(): Promise<void>;

  /** Idempotent; a mailbox with inbox, sentitems, drafts, deleteditems, archive, junkemail, and a calendar. */
  addUser(email: string): void;
  /** A refresh token for the user as if they had consented (the token endpoint accepts it). */
  issueRefreshToken(email: string, clientId?: string): string;
  /** An access token for direct use with the Graph client (expires after 1 h of emulator clock). */
  issueAccessToken(email: string): string;
  /** Refresh tokens then get invalid_grant (AADSTS700082), access tokens 401 InvalidAuthenticationToken. */
  revokeTokens(email: string): void;
  /** Makes every refresh-token grant fail with this error until set back to null. */
  setTokenError(kind: 'invalid_grant' | 'interaction_required' | null): void;
  /** Which user the authorize endpoint signs in (default: the first user added). */
  setConsentUser(email: string): void;

  /** Adds a message as if it had arrived (default folder inbox, receivedDateTime now). */
  insertMessage(
    email: string,
    raw: Buffer | string,
    opts?: { folder?: string; receivedDateTime?: Date },
  ): { id: string; immutableId: string; conversationId: string };
  /** Hard delete: `@removed` in the folder's delta. Takes a REST or immutable id. */
  deleteMessage(email: string, id: string): void;
  /** A removal in one folder and an addition in the other; returns the new REST id. */
  moveMessage(email: string, id: string, folder: string): { id: string };
  messages(email: string): EmulatedGraphMessage[];
  /** The next use of an existing delta or skip token gets 410 SyncStateNotFound (with `Location` when asked). */
  expireDeltaTokens(email: string, opts?: { withLocation?: boolean }): void;
  /** Seeds from a folder of .eml/maildir/mbox/.ics: mail from the user -> sentitems, the rest -> inbox. */
  seedFromFolder(email: string, dir: string): Promise<{ messages: number; events: number }>;

  insertEvent(email: string, event: GraphEventInput): { id: string };
  /** Changes an event; an occurrence id makes or changes an exception. */
  updateEvent(email: string, id: string, patch: Partial<GraphEventInput>): void;
  /** isCancelled true: gone from calendarView (an `@removed` in its delta). An occurrence id cancels one. */
  cancelEvent(email: string, id: string): void;
  /** Stored events (series masters, single events, exceptions) as Graph JSON. */
  events(email: string): unknown[];

  addFault(rule: FaultRule): string;
  clearFaults(): void;
  /** Expires access tokens (1 h), delta tokens (retention), subscriptions; runs due retries. */
  advanceClock(ms: number): void;
  readonly requestLog: GraphRequestLogEntry[];
  /** Highest number of requests in flight at once for a mailbox, seen so far. */
  maxConcurrentSeen(email: string): number;
  /** Fires a lifecycle notification for the user's subscriptions (a removed subscription is deleted). */
  fireLifecycle(email: string, event: 'subscriptionRemoved' | 'missed' | 'reauthorizationRequired'): Promise<void>;
  /** Sends a change notification now for the user's mail subscription(s), optionally duplicated or with a forged clientState. */
  notifyNow(email: string, opts?: { duplicate?: number; clientState?: string }): Promise<void>;
}
