import type { gmail_v1 } from 'googleapis/build/src/apis/gmail/index.js';
import { fetchInBatches } from '../fetch-in-batches.ts';
import { isNotFound } from './google-call.ts';
import type { GoogleSession } from './google-session.ts';

/** One message as read from Gmail: its ids, labels, acceptance time and raw bytes. */
export interface FetchedMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  internalDate: Date;
  raw: Buffer;
}

/** Where a sync puts what it reads; implemented over the store by the sync worker. */
export interface MailSink {
  /** The ids among `ids` that the account already holds. */
  held(ids: readonly string[]): Promise<Set<string>>;
  /** Every id held whose acceptance time is at or after `since`. */
  heldSince(since: Date): Promise<string[]>;
  /** Stores messages; storing one again changes nothing. */
  store(messages: readonly FetchedMessage[]): Promise<void>;
  /** Forgets messages gone from the mailbox (deleted, moved to spam or trash). */
  remove(ids: readonly string[]): Promise<void>;
  progress(update: SyncProgress): Promise<void>;
}

export interface SyncProgress {
  phase: 'listing' | 'fetching' | 'history' | 'done';
  done: number;
  total: number;
}

export interface MailSyncOptions {
  /** The first sync reads mail accepted after this time. */
  windowStart: Date;
  /** Gmail categories to leave out (promotions, social, updates, forums). */
  skipCategories: readonly string[];
  /** Requests in flight at once. */
  concurrency: number;
  /** Messages stored per write. */
  storeBatch?: number;
}

export interface MailSyncResult {
  /** The history id to continue from next time. */
  cursor: string;
  mode: 'full' | 'partial';
  /** Why a full sync ran: first sync, or the stored history id had expired. */
  fullReason?: 'first' | 'history_expired';
  fetched: number;
  removed: number;
}

// Labels whose messages are not part of the user's correspondence.
const EXCLUDED_LABELS = new Set(['SPAM', 'TRASH', 'DRAFT', 'CHAT']);
const UNITS = { profile: 1, list: 5, get: 5, history: 2 } as const;

/**
 * Brings the account's messages in line with Gmail: a partial sync from the stored
 * history id when there is one, else (or when Gmail says it is too old) a full sync.
 * Everything is idempotent: run twice, or stopped and run again, it stores each
 * message once, and the returned cursor is only to be saved after it returns.
 */
export async function syncGmailMail(
  session: GoogleSession,
  cursor: string | null,
  options: MailSyncOptions,
  sink: MailSink,
): Promise<MailSyncResult> {
  if (cursor) {
    const partial = await partialSync(session, cursor, options, sink);
    if (partial) return partial;
  }
  const totals = { fetched: 0, removed: 0 };
  // History can expire while a long full sync runs; then the catch-up fails too, and only
  // another full sync (of which little is left to fetch) brings the mailbox in.
  for (let attempt = 1; ; attempt++) {
    const full = await fullSync(session, options, sink);
    const after = await partialSync(session, full.cursor, options, sink);
    totals.fetched += full.fetched + (after?.fetched ?? 0);
    totals.removed += full.removed + (after?.removed ?? 0);
    if (after || attempt >= MAX_FULL_SYNCS) {
      return {
        cursor: after?.cursor ?? full.cursor,
        mode: 'full',
        fullReason: cursor ? 'history_expired' : 'first',
        ...totals,
      };
    }
  }
}

const MAX_FULL_SYNCS = 3;

/**
 * Full sync: remember the mailbox's history id first (changes after it are caught by
 * the next partial sync), list the window newest first, fetch what is not held yet, and
 * forget held messages of the window that Gmail no longer lists.
 */
async function fullSync(
  session: GoogleSession,
  options: MailSyncOptions,
  sink: MailSink,
): Promise<{ cursor: string; fetched: number; removed: number }> {
  const profile = await session.call(UNITS.profile, () => session.gmail.users.getProfile({ userId: 'me' }));
  const startHistoryId = profile.historyId!;
  const listed: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = await session.call(UNITS.list, () =>
      session.gmail.users.messages.list({ userId: 'me', q: windowQuery(options), maxResults: 500, pageToken }),
    );
    for (const m of page.messages ?? []) if (m.id) listed.push(m.id);
    pageToken = page.nextPageToken ?? undefined;
    await sink.progress({ phase: 'listing', done: listed.length, total: page.resultSizeEstimate ?? listed.length });
  } while (pageToken);

  const held = await sink.held(listed);
  const missing = listed.filter((id) => !held.has(id));
  const fetched = await fetchAndStore(session, missing, options, sink, listed.length - missing.length, listed.length);

  const listedSet = new Set(listed);
  const stale = (await sink.heldSince(options.windowStart)).filter((id) => !listedSet.has(id));
  if (stale.length > 0) await sink.remove(stale);
  return { cursor: startHistoryId, fetched, removed: stale.length };
}

/**
 * Partial sync: apply every history record after the cursor. Returns null when Gmail
 * no longer has history that old (404): only a full sync can recover from that.
 */
async function partialSync(
  session: GoogleSession,
  cursor: string,
  options: MailSyncOptions,
  sink: MailSink,
): Promise<MailSyncResult | null> {
  const changes = new Map<string, { deleted: boolean; excluded: boolean }>();
  let newCursor = cursor;
  let pageToken: string | undefined;
  try {
    do {
      const page: gmail_v1.Schema$ListHistoryResponse = await session.call(UNITS.history, () =>
        session.gmail.users.history.list({
          userId: 'me',
          startHistoryId: cursor,
          historyTypes: ['messageAdded', 'messageDeleted', 'labelAdded', 'labelRemoved'],
          maxResults: 500,
          pageToken,
        }),
      );
      for (const record of page.history ?? []) noteChanges(record, changes, skippedCategoryLabels(options));
      if (page.historyId && BigInt(page.historyId) > BigInt(newCursor)) newCursor = page.historyId;
      pageToken = page.nextPageToken ?? undefined;
      await sink.progress({ phase: 'history', done: changes.size, total: changes.size });
    } while (pageToken);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }

  const touched = [...changes.keys()];
  const held = await sink.held(touched);
  const toRemove = touched.filter((id) => held.has(id) && (changes.get(id)!.deleted || changes.get(id)!.excluded));
  const toFetch = touched.filter((id) => !held.has(id) && !changes.get(id)!.deleted && !changes.get(id)!.excluded);
  if (toRemove.length > 0) await sink.remove(toRemove);
  const fetched = await fetchAndStore(session, toFetch, options, sink, 0, toFetch.length);
  return { cursor: newCursor, mode: 'partial', fetched, removed: toRemove.length };
}

/** Folds one history record into the net change per message id. */
function noteChanges(
  record: gmail_v1.Schema$History,
  changes: Map<string, { deleted: boolean; excluded: boolean }>,
  skipLabels: ReadonlySet<string>,
): void {
  const entry = (id: string) => {
    let change = changes.get(id);
    if (!change) changes.set(id, (change = { deleted: false, excluded: false }));
    return change;
  };
  for (const added of record.messagesAdded ?? []) {
    const id = added.message?.id;
    if (!id) continue;
    const change = entry(id);
    change.deleted = false;
    // A draft being written, say: not worth a fetch.
    change.excluded = (added.message?.labelIds ?? []).some((l) => EXCLUDED_LABELS.has(l) || skipLabels.has(l));
  }
  for (const deleted of record.messagesDeleted ?? []) {
    const id = deleted.message?.id;
    if (id) entry(id).deleted = true;
  }
  for (const change of record.labelsAdded ?? []) {
    const id = change.message?.id;
    if (id && (change.labelIds ?? []).some((l) => EXCLUDED_LABELS.has(l))) entry(id).excluded = true;
  }
  for (const change of record.labelsRemoved ?? []) {
    const id = change.message?.id;
    // Back from spam or trash: fetched again if not held (its labels are checked then).
    if (id && (change.labelIds ?? []).some((l) => EXCLUDED_LABELS.has(l))) entry(id).excluded = false;
  }
}

/**
 * Fetches messages in raw form with bounded concurrency and stores them in batches, in
 * the order given (newest first for a full sync). A message gone since it was listed
 * (404) is skipped; one that turns out to be in an excluded label or category is not
 * stored.
 */
async function fetchAndStore(
  session: GoogleSession,
  ids: readonly string[],
  options: MailSyncOptions,
  sink: MailSink,
  alreadyDone: number,
  total: number,
): Promise<number> {
  const skipLabels = skippedCategoryLabels(options);
  let done = alreadyDone;
  let stored = 0;
  await fetchInBatches(ids, { batchSize: options.storeBatch ?? 50, concurrency: options.concurrency }, (id) => fetchRaw(session, id), async (fetched, batchLength) => {
    const keep = fetched.filter((m) => !m.labelIds.some((l) => EXCLUDED_LABELS.has(l) || skipLabels.has(l)));
    await sink.store(keep);
    stored += keep.length;
    done += batchLength;
    await sink.progress({ phase: 'fetching', done, total });
  });
  return stored;
}

async function fetchRaw(session: GoogleSession, id: string): Promise<FetchedMessage | null> {
  try {
    const m = await session.call(UNITS.get, () => session.gmail.users.messages.get({ userId: 'me', id, format: 'raw' }));
    return {
      id: m.id!,
      threadId: m.threadId ?? m.id!,
      labelIds: m.labelIds ?? [],
      internalDate: new Date(Number(m.internalDate ?? 0)),
      raw: Buffer.from(m.raw ?? '', 'base64url'),
    };
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

function skippedCategoryLabels(options: Pick<MailSyncOptions, 'skipCategories'>): Set<string> {
  return new Set(options.skipCategories.map((c) => `CATEGORY_${c.toUpperCase()}`));
}

/** The search that limits a full sync: the window, without drafts and skipped categories. */
export function windowQuery(options: Pick<MailSyncOptions, 'windowStart' | 'skipCategories'>): string {
  const after = Math.floor(options.windowStart.getTime() / 1000);
  return [`after:${after}`, '-in:drafts', ...options.skipCategories.map((c) => `-category:${c}`)].join(' ');
}

