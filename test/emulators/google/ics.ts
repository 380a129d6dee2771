/**
 * Seeding a calendar from .ics text: each VEVENT becomes an event (UID -> iCalUID,
 * RRULE/EXDATE/RDATE -> recurrence, STATUS or METHOD:CANCEL -> cancelled); RECURRENCE-ID
 * overrides become exceptions of their series. For a UID seen twice, the higher SEQUENCE wins.
 */
import ICAL from 'ical.js';
import type { CalendarStore } from './calendar-store.ts';
import { compactUtc } from './recurrence.ts';
import { formatDateTime, isKnownZone, wallToUtc } from './time-zones.ts';
import type { CalendarEventInput, EventTimeInput } from './types.ts';

type Component = InstanceType<typeof ICAL.Component>;
type Property = InstanceType<typeof ICAL.Property>;
type Time = InstanceType<typeof ICAL.Time>;

interface IcsEvent {
  uid: string;
  sequence: number;
  /** The start of the occurrence an override replaces, or null for a master. */
  recurrenceId: EventTimeInput | null;
  input: CalendarEventInput;
}

const RESPONSE: Record<string, string> = {
  'NEEDS-ACTION': 'needsAction', ACCEPTED: 'accepted', DECLINED: 'declined', TENTATIVE: 'tentative', DELEGATED: 'needsAction',
};

/** Adds the calendars' events to the store; returns how many events and exceptions were written. */
export function seedCalendar(store: CalendarStore, calendars: string[]): number {
  const events = calendars.flatMap(readCalendar);
  const masters = new Map<string, IcsEvent>();
  events.forEach((event, i) => {
    if (event.recurrenceId) return;
    // Events without a UID cannot be updates of each other.
    const key = event.uid || `#${i}`;
    const held = masters.get(key);
    if (!held || event.sequence >= held.sequence) masters.set(key, event);
  });
  let written = 0;
  const idOfUid = new Map<string, string>();
  for (const event of masters.values()) {
    idOfUid.set(event.uid, upsert(store, event.input));
    written++;
  }
  for (const event of events) {
    if (!event.recurrenceId) continue;
    const masterId = event.uid ? idOfUid.get(event.uid) : undefined;
    if (masterId) writeException(store, masterId, event.recurrenceId, event.input);
    else upsert(store, event.input);
    written++;
  }
  return written;
}

/** An override of one occurrence; kept even when the series no longer produces that start. */
function writeException(store: CalendarStore, masterId: string, originalStartTime: EventTimeInput, input: CalendarEventInput): void {
  const id = `${masterId}_${occurrenceKey(originalStartTime)}`;
  const { iCalUID: _uid, id: _id, ...fields } = input;
  try {
    store.update(id, fields);
  } catch {
    store.insert({ ...fields, id, iCalUID: store.get(masterId)?.iCalUID ?? input.iCalUID }, { recurringEventId: masterId, originalStartTime });
  }
}

/** Inserts, or updates the event that already has this iCalUID; returns the event id. */
function upsert(store: CalendarStore, input: CalendarEventInput): string {
  const existing = store.all().find((e) => e.iCalUID === input.iCalUID && !e.recurringEventId);
  if (existing) {
    const { id: _id, ...fields } = input;
    store.update(existing.id, fields);
    return existing.id;
  }
  return store.insert(input).id;
}

function occurrenceKey(time: EventTimeInput): string {
  if (time.date) return time.date.replace(/-/g, '');
  return compactUtc(Date.parse(time.dateTime ?? ''));
}

function readCalendar(text: string): IcsEvent[] {
  let parsed: unknown;
  try {
    parsed = ICAL.parse(text);
  } catch {
    return [];
  }
  const roots = (Array.isArray(parsed) && typeof parsed[0] === 'string' ? [parsed] : (parsed as unknown[])) as unknown[];
  return roots.flatMap((jcal) => {
    const calendar = new ICAL.Component(jcal as never);
    const method = String(calendar.getFirstPropertyValue('method') ?? '').toUpperCase();
    if (method === 'REPLY') return [];
    return calendar.getAllSubcomponents('vevent').flatMap((vevent) => {
      try {
        return [readEvent(calendar, vevent, method)];
      } catch {
        return []; // an event without a usable start is skipped, as a calendar import would
      }
    });
  });
}

function readEvent(calendar: Component, vevent: Component, method: string): IcsEvent {
  const uid = String(vevent.getFirstPropertyValue('uid') ?? '');
  const start = timeOf(calendar, vevent.getFirstProperty('dtstart'));
  if (!start) throw new Error('no DTSTART');
  const end = timeOf(calendar, vevent.getFirstProperty('dtend')) ?? endFromDuration(vevent, start);
  const status = String(vevent.getFirstPropertyValue('status') ?? '').toUpperCase();
  const organizerProp = vevent.getFirstProperty('organizer');
  const organizer = organizerProp ? personOf(organizerProp) : undefined;
  const text = (name: string) => {
    const value = vevent.getFirstPropertyValue(name);
    return value === null || value === undefined ? undefined : String(value);
  };
  const recurrence = ['rrule', 'rdate', 'exdate'].flatMap((name) =>
    vevent.getAllProperties(name).map((p) => p.toICALString().replace(/\r?\n[ \t]/g, '')),
  );
  const input: CalendarEventInput = {
    summary: text('summary'),
    description: text('description'),
    location: text('location'),
    start,
    end,
    ...(uid ? { iCalUID: uid } : {}),
    ...(uid && /^[a-v0-9]{5,}@google\.com$/.test(uid) ? { id: uid.slice(0, uid.indexOf('@')) } : {}),
    status: status === 'CANCELLED' || method === 'CANCEL' ? 'cancelled' : status === 'TENTATIVE' ? 'tentative' : 'confirmed',
    ...(organizer ? { organizer } : {}),
    attendees: vevent.getAllProperties('attendee').map((p) => ({
      ...personOf(p),
      responseStatus: RESPONSE[String(p.getParameter('partstat') ?? 'NEEDS-ACTION').toUpperCase()] ?? 'needsAction',
      ...(organizer && personOf(p).email === organizer.email ? { organizer: true } : {}),
    })),
    ...(recurrence.length > 0 ? { recurrence } : {}),
  };
  const sequence = Number(vevent.getFirstPropertyValue('sequence') ?? 0) || 0;
  if (sequence > 0) input.sequence = sequence;
  const recurrenceIdProp = vevent.getFirstProperty('recurrence-id');
  return {
    uid,
    sequence,
    recurrenceId: recurrenceIdProp ? timeOf(calendar, recurrenceIdProp) : null,
    input,
  };
}

function personOf(prop: Property): { email: string; displayName?: string } {
  const email = String(prop.getFirstValue() ?? '').replace(/^mailto:/i, '').toLowerCase();
  const name = prop.getParameter('cn');
  return typeof name === 'string' && name !== '' && name.toLowerCase() !== email ? { email, displayName: name } : { email };
}

/** A DTSTART-like property as Google's start/end: date, or dateTime in its zone. */
function timeOf(calendar: Component, prop: Property | null): EventTimeInput | null {
  if (!prop) return null;
  const time = prop.getFirstValue() as Time;
  if (!(time instanceof ICAL.Time)) return null;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  if (time.isDate) return { date: `${pad(time.year, 4)}-${pad(time.month)}-${pad(time.day)}` };
  const wall = Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);
  const tzid = String(prop.getParameter('tzid') ?? '');
  if (time.zone === ICAL.Timezone.utcTimezone || !tzid) return { dateTime: formatDateTime(wall, 'UTC'), timeZone: 'UTC' };
  const zone = ianaZone(tzid);
  if (zone) return { dateTime: formatDateTime(wallToUtc(wall, zone), zone), timeZone: zone };
  // A Windows or custom TZID: convert with the file's VTIMEZONE when there is one.
  const vtimezone = calendar.getAllSubcomponents('vtimezone').find((c) => c.getFirstPropertyValue('tzid') === tzid);
  if (!vtimezone) return { dateTime: formatDateTime(wall, 'UTC'), timeZone: 'UTC' };
  const zoned = new ICAL.Time(
    { year: time.year, month: time.month, day: time.day, hour: time.hour, minute: time.minute, second: time.second, isDate: false },
    new ICAL.Timezone(vtimezone),
  );
  return { dateTime: formatDateTime(zoned.toUnixTime() * 1000, 'UTC'), timeZone: 'UTC' };
}

/** The IANA zone a TZID names (also as a suffix, e.g. "/mozilla.org/…/Europe/Berlin"), or null. */
function ianaZone(tzid: string): string | null {
  const segments = tzid.replace(/^"|"$/g, '').split('/').filter(Boolean);
  for (let i = 0; i < segments.length; i++) {
    const candidate = segments.slice(i).join('/');
    if (/^[+-]/.test(candidate)) continue;
    if (isKnownZone(candidate)) return candidate;
  }
  return null;
}

function endFromDuration(vevent: Component, start: EventTimeInput): EventTimeInput {
  const duration = vevent.getFirstPropertyValue('duration');
  if (start.date) {
    const days = duration instanceof ICAL.Duration ? Math.max(1, Math.round(duration.toSeconds() / 86_400)) : 1;
    return { date: new Date(Date.parse(`${start.date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10) };
  }
  const seconds = duration instanceof ICAL.Duration ? duration.toSeconds() : 0;
  const zone = start.timeZone ?? 'UTC';
  return { dateTime: formatDateTime(Date.parse(start.dateTime ?? '') + seconds * 1000, zone), ...(start.timeZone ? { timeZone: start.timeZone } : {}) };
}
