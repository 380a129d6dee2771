/**
 * Calendar resources as the API returns them (B.3): events, generated instances of a
 * series, and the minimal form of cancelled items.
 */
import type { StoredEvent } from './calendar-store.ts';
import type { Occurrence } from './recurrence.ts';

type Json = Record<string, unknown>;

export function etagOf(changeSeq: number): string {
  return `"3${String(changeSeq).padStart(15, '0')}"`;
}

/** A stored event (master, single or exception) in full. */
export function eventJson(event: StoredEvent, owner: string): Json {
  const organizer = event.organizer ?? { email: owner };
  return compact({
    kind: 'calendar#event',
    etag: etagOf(event.changeSeq),
    id: event.id,
    status: event.status,
    htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${event.id} ${owner}`).toString('base64url')}`,
    created: new Date(event.createdMs).toISOString(),
    updated: new Date(event.updatedMs).toISOString(),
    summary: event.summary,
    description: event.description,
    location: event.location,
    creator: { email: organizer.email, ...(sameAddress(organizer.email, owner) ? { self: true } : {}) },
    organizer: { ...organizer, ...(sameAddress(organizer.email, owner) ? { self: true } : {}) },
    start: event.start,
    end: event.end,
    recurrence: event.recurrence,
    recurringEventId: event.recurringEventId,
    originalStartTime: event.originalStartTime,
    iCalUID: event.iCalUID,
    sequence: event.sequence,
    attendees: event.attendees?.map((a) => compact({
      ...a,
      responseStatus: a.responseStatus ?? 'needsAction',
      self: sameAddress(a.email, owner) ? true : undefined,
      organizer: a.organizer ?? (sameAddress(a.email, organizer.email) ? true : undefined),
    })),
    reminders: { useDefault: true },
    eventType: 'default',
  });
}

/** One generated occurrence of a series, as `singleEvents=true` returns it. */
export function instanceJson(master: StoredEvent, occurrence: Occurrence, owner: string): Json {
  const json = eventJson(master, owner);
  delete json['recurrence'];
  return {
    ...json,
    id: `${master.id}_${occurrence.key}`,
    start: occurrence.start,
    end: occurrence.end,
    recurringEventId: master.id,
    originalStartTime: occurrence.start,
  };
}

/** A cancelled item as sync returns it: the id, plus the series fields for an instance. */
export function cancelledJson(item: { id: string; changeSeq: number; recurringEventId?: string; originalStartTime?: unknown }): Json {
  return compact({
    kind: 'calendar#event',
    etag: etagOf(item.changeSeq),
    id: item.id,
    status: 'cancelled',
    recurringEventId: item.recurringEventId,
    originalStartTime: item.originalStartTime,
  });
}

function sameAddress(a: string | undefined, b: string): boolean {
  return (a ?? '').toLowerCase() === b.toLowerCase();
}

function compact(value: Json): Json {
  for (const key of Object.keys(value)) if (value[key] === undefined) delete value[key];
  return value;
}
