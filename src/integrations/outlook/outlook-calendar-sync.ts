import type { CalendarEvent } from '../../core/types.ts';
import type { CalendarSink, CalendarSyncOptions } from '../google/calendar-sync.ts';
import { isSyncStateGone } from './graph-call.ts';
import { fromGraphEvent, type GraphEvent } from './outlook-event.ts';
import type { OutlookSession } from './outlook-session.ts';

export interface OutlookCalendarSyncResult {
  /** The delta link and the window it was opened for (JSON). */
  cursor: string;
  mode: 'full' | 'partial';
  upserted: number;
  cancelled: number;
}

interface CalendarCursor {
  deltaLink: string;
  windowStart: string;
  windowEnd: string;
}

interface DeltaPage {
  value?: (GraphEvent & { '@removed'?: { reason?: string } })[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

/** A window that has moved by more than this is opened afresh (Graph fixes it in the token). */
const WINDOW_SLACK_MS = 86_400_000;
const PREFER = 'odata.maxpagesize=100, outlook.timezone="UTC", outlook.body-content-type="text"';

/**
 * Brings the account's meetings in line with the primary calendar by calendarView delta
 * over the window: occurrences and exceptions of series come expanded; cancelled and
 * deleted events are cancelled. A first sync, a 410, or a window that has moved on
 * enumerates the window afresh and cancels held events it no longer lists.
 */
export async function syncOutlookCalendar(
  session: OutlookSession,
  cursor: string | null,
  options: CalendarSyncOptions,
  sink: CalendarSink,
): Promise<OutlookCalendarSyncResult> {
  const stored = parseCursor(cursor);
  if (stored && Math.abs(Date.parse(stored.windowStart) - options.windowStart.getTime()) < WINDOW_SLACK_MS) {
    const partial = await readAndApply(session, stored.deltaLink, sink, 'partial');
    if (partial) return { ...partial, cursor: JSON.stringify({ ...stored, deltaLink: partial.cursor }) };
  }
  const start = `/me/calendarView/delta?startDateTime=${iso(options.windowStart)}&endDateTime=${iso(options.windowEnd)}`;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const full = await readAndApply(session, start, sink, 'full');
    if (full) {
      const next: CalendarCursor = { deltaLink: full.cursor, windowStart: options.windowStart.toISOString(), windowEnd: options.windowEnd.toISOString() };
      return { ...full, cursor: JSON.stringify(next) };
    }
  }
  throw new Error('Outlook kept refusing its own calendar delta tokens; the next sync will try again.');
}

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function parseCursor(cursor: string | null): CalendarCursor | null {
  if (!cursor) return null;
  try {
    const parsed = JSON.parse(cursor) as CalendarCursor;
    return parsed?.deltaLink ? parsed : null;
  } catch {
    return null;
  }
}

async function readAndApply(
  session: OutlookSession,
  link: string,
  sink: CalendarSink,
  mode: 'full' | 'partial',
): Promise<OutlookCalendarSyncResult | null> {
  const seen = new Set<string>();
  let upserted = 0;
  let cancelled = 0;
  let next: string | undefined = link;
  try {
    for (;;) {
      const page: DeltaPage = await session.call((graph) => graph.api(next!).header('Prefer', PREFER).get());
      const live: { providerId: string; event: CalendarEvent }[] = [];
      const gone: string[] = [];
      for (const item of page.value ?? []) {
        if (item['@removed'] || item.isCancelled) {
          gone.push(item.id);
          seen.delete(item.id);
        } else if (item.type !== 'seriesMaster') {
          seen.add(item.id);
          live.push({ providerId: item.id, event: fromGraphEvent(item) });
        }
      }
      if (live.length > 0) await sink.upsert(live);
      if (gone.length > 0) await sink.cancel(gone);
      upserted += live.length;
      cancelled += gone.length;
      if (page['@odata.deltaLink']) {
        if (mode === 'full') await sink.keepOnly(seen);
        return { cursor: page['@odata.deltaLink'], mode, upserted, cancelled };
      }
      next = page['@odata.nextLink'];
      if (!next) throw new Error('Outlook ended a calendar delta round without a delta link; the next sync will start over.');
    }
  } catch (err) {
    if (isSyncStateGone(err)) return null;
    throw err;
  }
}
