import type { calendar_v3 } from 'googleapis/build/src/apis/calendar/index.js';
import type { CalendarEvent } from '../../core/types.ts';
import { ProviderRequestError } from '../../core/errors.ts';
import { fromGoogleEvent } from './calendar-event.ts';
import type { GoogleSession } from './google-session.ts';

/** Where a calendar sync puts events; implemented over the store by the sync worker. */
export interface CalendarSink {
  /** Stores or updates events (one per occurrence); storing one again changes nothing. */
  upsert(events: readonly { providerId: string; event: CalendarEvent }[]): Promise<void>;
  /** Marks held events cancelled (deleted in the calendar, or a cancelled occurrence). */
  cancel(providerIds: readonly string[]): Promise<void>;
  /** After a full sync: forgets every held event not in `providerIds`. */
  keepOnly(providerIds: ReadonlySet<string>): Promise<void>;
}

export interface CalendarSyncOptions {
  windowStart: Date;
  windowEnd: Date;
}

export interface CalendarSyncResult {
  cursor: string | null;
  mode: 'full' | 'partial';
  upserted: number;
  cancelled: number;
}

/**
 * Brings the account's meetings in line with its primary calendar: incremental with the
 * stored sync token, else (or on 410, token expired) a full sync of the window. Series
 * are expanded into occurrences (`singleEvents`), in both modes alike, as Google asks.
 */
export async function syncGoogleCalendar(
  session: GoogleSession,
  cursor: string | null,
  options: CalendarSyncOptions,
  sink: CalendarSink,
): Promise<CalendarSyncResult> {
  if (cursor) {
    try {
      return await listAndApply(session, { syncToken: cursor }, options, sink, 'partial');
    } catch (err) {
      if (!(err instanceof ProviderRequestError && err.status === 410)) throw err;
    }
  }
  return listAndApply(session, { timeMin: options.windowStart.toISOString() }, options, sink, 'full');
}

async function listAndApply(
  session: GoogleSession,
  start: { syncToken?: string; timeMin?: string },
  options: CalendarSyncOptions,
  sink: CalendarSink,
  mode: 'full' | 'partial',
): Promise<CalendarSyncResult> {
  const seen = new Set<string>();
  let upserted = 0;
  let cancelled = 0;
  let pageToken: string | undefined;
  let syncToken: string | null = null;
  do {
    const page: calendar_v3.Schema$Events = await session.call(0, () =>
      session.calendar.events.list({ calendarId: 'primary', singleEvents: true, maxResults: 2500, ...start, pageToken }),
    );
    const live: { providerId: string; event: CalendarEvent }[] = [];
    const gone: string[] = [];
    for (const item of page.items ?? []) {
      if (!item.id) continue;
      if (item.status === 'cancelled') {
        gone.push(item.id);
        continue;
      }
      const event = fromGoogleEvent(item);
      // Filtered here rather than with timeMax, so that the sync token stays usable.
      if (event.start && event.start >= options.windowEnd) continue;
      seen.add(item.id);
      live.push({ providerId: item.id, event });
    }
    if (live.length > 0) await sink.upsert(live);
    if (gone.length > 0) await sink.cancel(gone);
    upserted += live.length;
    cancelled += gone.length;
    pageToken = page.nextPageToken ?? undefined;
    syncToken = page.nextSyncToken ?? syncToken;
  } while (pageToken);
  if (mode === 'full') await sink.keepOnly(seen);
  return { cursor: syncToken, mode, upserted, cancelled };
}

/** A push channel on the primary calendar, as Google confirms it. */
export interface CalendarChannelInfo {
  id: string;
  resourceId: string;
  token: string;
  expiresAt: string;
}

/**
 * Opens a channel that POSTs to `address` when the calendar changes. Channels cannot be
 * renewed: open a new one before the old lapses, then stop the old one.
 */
export async function openCalendarChannel(
  session: GoogleSession,
  address: string,
  channelId: string,
  token: string,
): Promise<CalendarChannelInfo> {
  const reply = await session.call(0, () =>
    session.calendar.events.watch({
      calendarId: 'primary',
      requestBody: { id: channelId, type: 'web_hook', address, token, params: { ttl: '604800' } },
    }),
  );
  return {
    id: reply.id ?? channelId,
    resourceId: reply.resourceId ?? '',
    token,
    expiresAt: new Date(Number(reply.expiration ?? Date.now() + 604_800_000)).toISOString(),
  };
}

export async function stopCalendarChannel(session: GoogleSession, channel: { id: string; resourceId: string }): Promise<void> {
  await session.call(0, () => session.calendar.channels.stop({ requestBody: { id: channel.id, resourceId: channel.resourceId } }));
}
