import { ResponseType } from '@microsoft/microsoft-graph-client';
import { fetchInBatches } from '../fetch-in-batches.ts';
import type { FetchedMessage, MailSink } from '../google/gmail-mail-sync.ts';
import { isNotFound, isSyncStateGone } from './graph-call.ts';
import type { OutlookSession } from './outlook-session.ts';

export interface OutlookMailSyncOptions {
  /** The first (or a full) sync reads mail received after this time. */
  windowStart: Date;
  /** Folders synced (well-known names or ids); Inbox and Sent Items always are. */
  folders: readonly string[];
  /** Requests in flight at once from this worker (the mailbox's gate bounds all workers). */
  concurrency: number;
  /** Messages per delta page (`Prefer: odata.maxpagesize`). */
  pageSize?: number;
  /** Messages stored per write. */
  storeBatch?: number;
}

export interface OutlookMailSyncResult {
  /** The per-folder delta links to continue from next time (JSON). */
  cursor: string;
  mode: 'full' | 'partial';
  fullReason?: 'first' | 'delta_expired';
  fetched: number;
  removed: number;
}

/** The stored cursor: one delta link per folder, used verbatim. */
interface MailCursor {
  deltaLinks: Record<string, string>;
}

/** What a delta page says about a message: present (with what is known of it) or removed. */
interface Listed {
  id: string;
  conversationId?: string;
  receivedDateTime?: string;
  isDraft?: boolean;
}

interface DeltaPage {
  value?: (Listed & { '@removed'?: { reason?: string } })[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

export const OUTLOOK_BASE_FOLDERS = ['inbox', 'sentitems'] as const;
const SELECT = 'id,conversationId,receivedDateTime,isDraft,internetMessageId';
const MAX_FULL_SYNCS = 3;

/**
 * Brings the account's messages in line with the mailbox's folders, by one delta cursor
 * per folder. A first sync (or one whose cursor Graph no longer knows: 410, even in the
 * middle of a round) enumerates every folder afresh over the window, merging by id (ids
 * are immutable, so a message moved between folders keeps its id), and forgets held
 * messages of the window that no folder lists any more. Idempotent like the Gmail sync:
 * the cursor is only to be saved after it returns.
 */
export async function syncOutlookMail(
  session: OutlookSession,
  cursor: string | null,
  options: OutlookMailSyncOptions,
  sink: MailSink,
): Promise<OutlookMailSyncResult> {
  const folders = foldersOf(options);
  const stored = parseCursor(cursor);
  if (stored && folders.every((f) => stored.deltaLinks[f])) {
    const partial = await partialSync(session, stored, folders, options, sink);
    if (partial) return partial;
  }
  for (let attempt = 1; ; attempt++) {
    const full = await fullSync(session, folders, options, sink);
    if (full || attempt >= MAX_FULL_SYNCS) {
      if (!full) throw new Error('Outlook kept refusing its own delta tokens during a full sync; the next sync will try again.');
      return { ...full, mode: 'full', fullReason: stored ? 'delta_expired' : 'first' };
    }
  }
}

function foldersOf(options: OutlookMailSyncOptions): string[] {
  return [...new Set([...OUTLOOK_BASE_FOLDERS, ...options.folders])];
}

function parseCursor(cursor: string | null): MailCursor | null {
  if (!cursor) return null;
  try {
    const parsed = JSON.parse(cursor) as MailCursor;
    return parsed && typeof parsed.deltaLinks === 'object' ? parsed : null;
  } catch {
    return null;
  }
}

/** Follows one folder's delta to its delta link; null when Graph no longer knows the state (410). */
async function readDelta(
  session: OutlookSession,
  start: string,
  pageSize: number,
  onPage: (page: DeltaPage) => Promise<void>,
): Promise<string | null> {
  let link: string | undefined = start;
  try {
    for (;;) {
      const page: DeltaPage = await session.call((graph) => graph.api(link!).header('Prefer', `odata.maxpagesize=${pageSize}`).get());
      await onPage(page);
      if (page['@odata.deltaLink']) return page['@odata.deltaLink'];
      link = page['@odata.nextLink'];
      if (!link) throw new Error('Outlook ended a delta round without a delta link; the next sync will start over.');
    }
  } catch (err) {
    if (isSyncStateGone(err)) return null;
    throw err;
  }
}

function initialDelta(folder: string, windowStart: Date): string {
  const filter = `receivedDateTime ge ${windowStart.toISOString().replace(/\.\d{3}Z$/, 'Z')}`;
  return `/me/mailFolders/${encodeURIComponent(folder)}/messages/delta?$select=${SELECT}&$filter=${encodeURIComponent(filter)}&$orderby=${encodeURIComponent('receivedDateTime desc')}`;
}

async function fullSync(
  session: OutlookSession,
  folders: readonly string[],
  options: OutlookMailSyncOptions,
  sink: MailSink,
): Promise<Omit<OutlookMailSyncResult, 'mode'> | null> {
  const listed = new Map<string, Listed & { folder: string }>();
  const deltaLinks: Record<string, string> = {};
  for (const folder of folders) {
    const link = await readDelta(session, initialDelta(folder, options.windowStart), options.pageSize ?? 50, async (page) => {
      for (const item of page.value ?? []) {
        if (item['@removed']) listed.delete(item.id);
        else listed.set(item.id, { ...listed.get(item.id), ...item, folder });
      }
      await sink.progress({ phase: 'listing', done: listed.size, total: listed.size });
    });
    if (!link) return null;
    deltaLinks[folder] = link;
  }
  const inWindow = [...listed.values()].filter(
    (m) => !m.isDraft && (!m.receivedDateTime || Date.parse(m.receivedDateTime) >= options.windowStart.getTime()),
  );
  inWindow.sort((a, b) => Date.parse(b.receivedDateTime ?? '') - Date.parse(a.receivedDateTime ?? ''));
  const ids = inWindow.map((m) => m.id);
  const held = await sink.held(ids);
  const missing = inWindow.filter((m) => !held.has(m.id));
  const fetched = await fetchAndStore(session, missing, options, sink, ids.length - missing.length, ids.length);
  const keep = new Set(ids);
  const stale = (await sink.heldSince(options.windowStart)).filter((id) => !keep.has(id));
  if (stale.length > 0) await sink.remove(stale);
  return { cursor: JSON.stringify({ deltaLinks } satisfies MailCursor), fetched, removed: stale.length };
}

/**
 * Applies every folder's changes since its delta link. A message moved between synced
 * folders shows as removed from one and added to the other: an addition anywhere wins.
 * Null when any folder's state is gone: only a full sync recovers from that.
 */
async function partialSync(
  session: OutlookSession,
  cursor: MailCursor,
  folders: readonly string[],
  options: OutlookMailSyncOptions,
  sink: MailSink,
): Promise<OutlookMailSyncResult | null> {
  const added = new Map<string, Listed & { folder: string }>();
  const removed = new Set<string>();
  const deltaLinks: Record<string, string> = {};
  for (const folder of folders) {
    const link = await readDelta(session, cursor.deltaLinks[folder]!, options.pageSize ?? 50, async (page) => {
      for (const item of page.value ?? []) {
        if (item['@removed']) removed.add(item.id);
        else added.set(item.id, { ...added.get(item.id), ...item, folder });
      }
      await sink.progress({ phase: 'history', done: added.size + removed.size, total: added.size + removed.size });
    });
    if (!link) return null;
    deltaLinks[folder] = link;
  }
  for (const id of added.keys()) removed.delete(id);
  const drafts = [...added.values()].filter((m) => m.isDraft).map((m) => m.id);
  const touched = [...added.keys(), ...removed];
  const held = await sink.held(touched);
  const toRemove = [...removed, ...drafts].filter((id) => held.has(id));
  const toFetch = [...added.values()].filter((m) => !m.isDraft && !held.has(m.id));
  if (toRemove.length > 0) await sink.remove(toRemove);
  const fetched = await fetchAndStore(session, toFetch, options, sink, 0, toFetch.length);
  return { cursor: JSON.stringify({ deltaLinks } satisfies MailCursor), mode: 'partial', fetched, removed: toRemove.length };
}

/**
 * Fetches each message's MIME (`$value`) with bounded concurrency, ahead of writing, and
 * stores them in batches, in the order given (newest first for a full sync). A message
 * gone since it was listed is skipped.
 */
async function fetchAndStore(
  session: OutlookSession,
  messages: readonly (Listed & { folder: string })[],
  options: OutlookMailSyncOptions,
  sink: MailSink,
  alreadyDone: number,
  total: number,
): Promise<number> {
  let done = alreadyDone;
  let stored = 0;
  await fetchInBatches(messages, { batchSize: options.storeBatch ?? 50, concurrency: options.concurrency }, (m) => fetchMessage(session, m), async (fetched, batchLength) => {
    await sink.store(fetched);
    stored += fetched.length;
    done += batchLength;
    await sink.progress({ phase: 'fetching', done, total });
  });
  return stored;
}

async function fetchMessage(session: OutlookSession, listed: Listed & { folder: string }): Promise<FetchedMessage | null> {
  const path = `/me/messages/${encodeURIComponent(listed.id)}`;
  try {
    let meta = listed;
    // Updates in a delta may carry only what changed.
    if (!meta.receivedDateTime || !meta.conversationId) {
      meta = { ...listed, ...(await session.call<Listed>((graph) => graph.api(path).select(SELECT).get())) };
      if (meta.isDraft) return null;
    }
    const mime = await session.call<ArrayBuffer>((graph) => graph.api(`${path}/$value`).responseType(ResponseType.ARRAYBUFFER).get());
    return {
      id: listed.id,
      threadId: meta.conversationId ?? listed.id,
      labelIds: [listed.folder],
      internalDate: new Date(meta.receivedDateTime ?? 0),
      raw: Buffer.from(mime),
    };
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}
