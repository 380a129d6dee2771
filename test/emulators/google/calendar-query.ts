/**
 * events.list (B.1, B.2): windows, singleEvents expansion, ordering, paging, and sync
 * tokens. A sync token records the calendar's change counter, its sync epoch and when it
 * was issued; a page token carries the counter seen on the first page, so changes made
 * while paging come again in the next incremental sync rather than being lost.
 */
import { cancelledJson, eventJson, instanceJson } from './calendar-format.ts';
import type { CalendarStore, StoredEvent } from './calendar-store.ts';
import { badRequest, fullSyncRequired } from './errors.ts';
import { boolParam, intParam } from './http-io.ts';
import { instantOf, isRecurring, occurrencesOf, type Occurrence } from './recurrence.ts';

type Json = Record<string, unknown>;

const SYNC_TOKEN_MS = 7 * 24 * 3600_000;
/** Parameters Google refuses next to a syncToken. */
const NOT_WITH_SYNC_TOKEN = ['timeMin', 'timeMax', 'q', 'orderBy', 'updatedMin', 'iCalUID', 'privateExtendedProperty', 'sharedExtendedProperty'];

export interface ListQuery {
  singleEvents: boolean;
  showDeleted: boolean;
  orderBy: 'startTime' | 'updated' | null;
  timeMinMs: number | null;
  timeMaxMs: number | null;
  q: string | null;
  iCalUID: string | null;
  updatedMinMs: number | null;
  maxResults: number;
  pageToken: string | null;
  syncToken: string | null;
}

interface ListItem {
  id: string;
  startMs: number;
  endMs: number;
  updatedMs: number;
  changeSeq: number;
  cancelled: boolean;
  event: StoredEvent;
  json: () => Json;
}

interface PageState {
  offset: number;
  /** The change counter when the listing began. */
  snapshot: number;
  /** For incremental listings: the counter of the sync token. */
  since: number | null;
}

export function parseListQuery(query: URLSearchParams): ListQuery {
  const syncToken = query.get('syncToken');
  if (syncToken) {
    const clash = NOT_WITH_SYNC_TOKEN.find((name) => query.has(name));
    if (clash) throw badRequest(`The ${clash} parameter cannot be used together with syncToken.`, 'invalid');
  }
  const singleEvents = boolParam(query, 'singleEvents');
  const orderBy = query.get('orderBy');
  if (orderBy !== null && orderBy !== 'startTime' && orderBy !== 'updated') throw badRequest(`Invalid orderBy: ${orderBy}`, 'invalid');
  if (orderBy === 'startTime' && !singleEvents) {
    throw badRequest('The requested ordering is not available for the particular query.', 'badRequest');
  }
  const timeMinMs = timeParam(query, 'timeMin');
  const timeMaxMs = timeParam(query, 'timeMax');
  if (timeMinMs !== null && timeMaxMs !== null && timeMaxMs < timeMinMs) throw badRequest('The specified time range is empty.', 'timeRangeEmpty');
  return {
    singleEvents,
    showDeleted: boolParam(query, 'showDeleted'),
    orderBy,
    timeMinMs,
    timeMaxMs,
    q: query.get('q'),
    iCalUID: query.get('iCalUID'),
    updatedMinMs: timeParam(query, 'updatedMin'),
    maxResults: Math.min(intParam(query, 'maxResults', 250, 1, Number.MAX_SAFE_INTEGER), 2500),
    pageToken: query.get('pageToken'),
    syncToken,
  };
}

export function listEvents(store: CalendarStore, query: ListQuery, clock: { nowMs: number; horizonMs: number }): Json {
  const state = query.pageToken
    ? decodePageToken(query.pageToken)
    : { offset: 0, snapshot: store.changeSeq, since: query.syncToken ? readSyncToken(store, query.syncToken, clock.nowMs) : null };
  const items = itemsOf(store, query.singleEvents, clock.horizonMs).filter((item) => wanted(item, query, state.since));
  items.sort(orderOf(query.orderBy));
  const page = items.slice(state.offset, state.offset + query.maxResults);
  const next = state.offset + page.length;
  const result: Json = { items: page.map((item) => item.json()) };
  if (next < items.length) result['nextPageToken'] = encodePageToken({ ...state, offset: next });
  else result['nextSyncToken'] = syncTokenFor(store, state.snapshot, clock.nowMs);
  return result;
}

/** Every item a listing could return, cancelled ones included, series expanded when `singleEvents`. */
export function itemsOf(store: CalendarStore, singleEvents: boolean, horizonMs: number): ListItem[] {
  const items: ListItem[] = [];
  for (const event of store.all()) {
    if (singleEvents && event.recurringEventId && store.get(event.recurringEventId)) continue; // listed with its series
    if (!singleEvents || !isRecurring(event) || event.status === 'cancelled') {
      items.push(storedItem(store.owner, event, 0, horizonMs));
      continue;
    }
    const exceptions = new Map(store.exceptionsOf(event.id).map((e) => [e.id, e]));
    for (const occurrence of occurrencesOf(event, horizonMs)) {
      const id = `${event.id}_${occurrence.key}`;
      const exception = exceptions.get(id);
      exceptions.delete(id);
      items.push(exception ? storedItem(store.owner, exception, event.changeSeq, horizonMs) : instanceItem(store.owner, event, occurrence));
    }
    for (const exception of exceptions.values()) items.push(storedItem(store.owner, exception, event.changeSeq, horizonMs));
  }
  return items;
}

function storedItem(owner: string, event: StoredEvent, seriesSeq: number, horizonMs: number): ListItem {
  let startMs = instantOf(event.start);
  let endMs = instantOf(event.end);
  if (isRecurring(event)) {
    // A series (not expanded) spans from its first start to its last end.
    const occurrences = occurrencesOf(event, horizonMs);
    startMs = occurrences[0]?.startMs ?? startMs;
    endMs = occurrences[occurrences.length - 1]?.endMs ?? endMs;
  }
  const cancelled = event.status === 'cancelled';
  return {
    id: event.id, startMs, endMs, updatedMs: event.updatedMs, changeSeq: Math.max(event.changeSeq, seriesSeq), cancelled, event,
    json: () => (cancelled ? cancelledJson(event) : eventJson(event, owner)),
  };
}

function instanceItem(owner: string, master: StoredEvent, occurrence: Occurrence): ListItem {
  return {
    id: `${master.id}_${occurrence.key}`, startMs: occurrence.startMs, endMs: occurrence.endMs,
    updatedMs: master.updatedMs, changeSeq: master.changeSeq, cancelled: false, event: master,
    json: () => instanceJson(master, occurrence, owner),
  };
}

function wanted(item: ListItem, query: ListQuery, since: number | null): boolean {
  // Incremental: everything changed since the token, deletions included.
  if (since !== null) return item.changeSeq > since;
  const updatedSince = query.updatedMinMs !== null && item.updatedMs >= query.updatedMinMs;
  if (item.cancelled && !query.showDeleted && !updatedSince) return false;
  if (query.updatedMinMs !== null && !updatedSince) return false;
  if (query.timeMinMs !== null && !(item.endMs > query.timeMinMs)) return false;
  if (query.timeMaxMs !== null && !(item.startMs < query.timeMaxMs)) return false;
  if (query.iCalUID !== null && item.event.iCalUID !== query.iCalUID) return false;
  return query.q === null || matchesText(item.event, query.q);
}

function matchesText(event: StoredEvent, q: string): boolean {
  const text = [event.summary, event.description, event.location, event.organizer?.email, ...(event.attendees ?? []).flatMap((a) => [a.email, a.displayName])]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
  return q.toLowerCase().split(/\s+/).filter(Boolean).every((word) => text.includes(word));
}

function orderOf(orderBy: ListQuery['orderBy']): (a: ListItem, b: ListItem) => number {
  const byId = (a: ListItem, b: ListItem) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  if (orderBy === 'updated') return (a, b) => a.updatedMs - b.updatedMs || byId(a, b);
  return (a, b) => a.startMs - b.startMs || byId(a, b);
}

function timeParam(query: URLSearchParams, name: string): number | null {
  const text = query.get(name);
  if (text === null || text === '') return null;
  const ms = /(Z|[+-]\d{2}:\d{2})$/i.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isFinite(ms)) throw badRequest(`Bad Request: ${name} must be an RFC 3339 timestamp with a time zone offset.`, 'badRequest');
  return ms;
}

function syncTokenFor(store: CalendarStore, seq: number, nowMs: number): string {
  return Buffer.from(`sync:${store.syncEpoch}:${seq}:${nowMs}`).toString('base64url');
}

/** The change counter a sync token points at; 410 when it is unreadable, expired or from an older epoch. */
function readSyncToken(store: CalendarStore, token: string, nowMs: number): number {
  const m = /^sync:(\d+):(\d+):(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m || Number(m[1]) !== store.syncEpoch || Number(m[3]) < nowMs - SYNC_TOKEN_MS) throw fullSyncRequired();
  return Number(m[2]);
}

function encodePageToken(state: PageState): string {
  return Buffer.from(`page:${state.offset}:${state.snapshot}:${state.since ?? ''}`).toString('base64url');
}

function decodePageToken(token: string): PageState {
  const m = /^page:(\d+):(\d+):(\d*)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw badRequest('Invalid page token.', 'invalid');
  return { offset: Number(m[1]), snapshot: Number(m[2]), since: m[3] ? Number(m[3]) : null };
}
