/**
 * Value readers for {@link parseCalendar}: turn ical.js properties into rapport's plain
 * values (UTC dates, lower-cased addresses). Pure: no I/O, no global ical.js state.
 */
import ICAL from 'ical.js';
import type { CalendarAttendee, EmailAddress, MeetingStatus } from '../core/types.ts';

export type IcalComponent = InstanceType<typeof ICAL.Component>;
type IcalProperty = InstanceType<typeof ICAL.Property>;
type IcalTime = InstanceType<typeof ICAL.Time>;

/** A DTSTART-like value resolved to a UTC instant. */
export interface TimeValue {
  date: Date;
  allDay: boolean;
}

/** First value of a text property as a string, '' when absent. */
export function textValue(comp: IcalComponent, name: string): string {
  const value: unknown = comp.getFirstPropertyValue(name);
  return value === null || value === undefined ? '' : String(value);
}

/** One parameter as a single string ('' when absent; multi-valued ones are joined). */
function paramValue(prop: IcalProperty, name: string): string {
  const value: unknown = prop.getParameter(name);
  if (Array.isArray(value)) return value.join(', ');
  return typeof value === 'string' ? value : '';
}

/** SEQUENCE as a non-negative integer; producers write garbage here, so default to 0. */
const MAX_SEQUENCE = 2_147_483_647;

export function readSequence(comp: IcalComponent): number {
  const value = Number(comp.getFirstPropertyValue('sequence'));
  // Some producers put a timestamp here; keep the order but within a 32-bit integer.
  return Number.isFinite(value) && value > 0 ? Math.min(Math.trunc(value), MAX_SEQUENCE) : 0;
}

/** Maps STATUS (and a METHOD:CANCEL envelope) to rapport's meeting status. */
export function meetingStatus(status: string, method: string | null): MeetingStatus {
  const upper = status.trim().toUpperCase();
  if (upper === 'CANCELLED' || method === 'CANCEL') return 'cancelled';
  return upper === 'TENTATIVE' ? 'tentative' : 'confirmed';
}

/**
 * Reads a date or date-time property as a UTC instant, or null when absent.
 * Throws when the value is present but unreadable, so the caller can say which field failed.
 */
export function readTime(comp: IcalComponent, name: string): TimeValue | null {
  const prop = comp.getFirstProperty(name);
  if (!prop) return null;
  const tzid = paramValue(prop, 'tzid');
  let time: IcalTime;
  try {
    time = prop.getFirstValue() as IcalTime;
  } catch (error) {
    // Sloppy producers write DTSTART:20140810 without VALUE=DATE, or drop the seconds;
    // ical.js rejects both.
    time = lenientTime(prop, comp, tzid, error);
  }
  if (!(time instanceof ICAL.Time)) throw new Error(`not a date: ${String(time)}`);
  const ms = timeToUtcMs(time, tzid);
  if (!Number.isFinite(ms)) throw new Error(`invalid date: ${time.toString()}`);
  return { date: new Date(ms), allDay: time.isDate };
}

const LENIENT_TIME = /^(\d{4})-?(\d{2})-?(\d{2})(?:T(\d{2}):?(\d{2}):?(\d{2})?)?(Z)?/;

/** Re-reads the raw jCal string with a forgiving pattern; rethrows `error` if even that fails. */
function lenientTime(prop: IcalProperty, comp: IcalComponent, tzid: string, error: unknown): IcalTime {
  const raw: unknown = (prop.toJSON() as unknown[])[3];
  const m = typeof raw === 'string' ? LENIENT_TIME.exec(raw) : null;
  if (!m) throw error;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((part) => Number(part ?? 0));
  const isDate = m[4] === undefined;
  const zone = m[7] ? ICAL.Timezone.utcTimezone : tzid ? comp.getTimeZoneByID(tzid) : null;
  const data = isDate ? { year, month, day, isDate } : { year, month, day, hour, minute, second, isDate };
  return new ICAL.Time(data, zone ?? ICAL.Timezone.localTimezone);
}

/**
 * UTC milliseconds for an ical.js time. Uses the file's VTIMEZONE when ical.js resolved one,
 * else an IANA TZID via Intl, else treats the wall time as UTC (floating times, unknown zones).
 */
function timeToUtcMs(time: IcalTime, tzid: string): number {
  const wall = Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);
  if (time.isDate || time.zone === ICAL.Timezone.utcTimezone) return wall;
  const zone = time.zone;
  if (zone && zone !== ICAL.Timezone.localTimezone && zone.tzid !== 'floating') {
    try {
      return time.toUnixTime() * 1000;
    } catch {
      // A broken VTIMEZONE: fall through to the TZID name.
    }
  }
  return (tzid ? ianaWallToUtc(wall, tzid) : null) ?? wall;
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

/** An Intl formatter for the IANA zone named by (a suffix of) `tzid`, e.g. "/mozilla.org/…/Europe/Berlin". */
function ianaFormatter(tzid: string): Intl.DateTimeFormat | null {
  if (formatters.has(tzid)) return formatters.get(tzid) ?? null;
  const segments = tzid.replace(/^"|"$/g, '').split('/').filter(Boolean);
  let found: Intl.DateTimeFormat | null = null;
  for (let i = 0; i < segments.length && !found; i++) {
    try {
      const timeZone = segments.slice(i).join('/');
      found = new Intl.DateTimeFormat('en-US', {
        timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
        hour: 'numeric', minute: 'numeric', second: 'numeric',
      });
    } catch {
      // Not a zone Intl knows (Windows names like "W. Europe Standard Time"): try a shorter suffix.
    }
  }
  formatters.set(tzid, found);
  return found;
}

/** Offset of the zone from UTC at the given instant, in ms. */
function offsetAt(fmt: Intl.DateTimeFormat, utcMs: number): number {
  const parts = new Map(fmt.formatToParts(new Date(utcMs)).map((p) => [p.type, Number(p.value)]));
  const get = (type: string): number => parts.get(type as Intl.DateTimeFormatPartTypes) ?? 0;
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

/** Converts a wall-clock time in an IANA zone to UTC; two passes settle DST edges. */
function ianaWallToUtc(wall: number, tzid: string): number | null {
  const fmt = ianaFormatter(tzid);
  if (!fmt) return null;
  const first = wall - offsetAt(fmt, wall);
  return wall - offsetAt(fmt, first);
}

/** Strips matching surrounding quotes that sloppy producers leave inside CN values. */
function unquote(value: string): string {
  let out = value.trim();
  while (out.length >= 2 && (out[0] === '"' || out[0] === "'") && out.at(-1) === out[0]) {
    out = out.slice(1, -1).trim();
  }
  return out;
}

/** The address of an ORGANIZER/ATTENDEE value: mailto: stripped, lower-cased; null when none. */
function addressOf(value: string): string | null {
  const trimmed = value.trim();
  const isMailto = /^mailto:/i.test(trimmed);
  if (!isMailto && !trimmed.includes('@')) return null;
  const address = trimmed.replace(/^mailto:/i, '').trim().replace(/^<(.*)>$/, '$1').trim().toLowerCase();
  return address === '' ? null : address;
}

/** ORGANIZER/ATTENDEE property to an address, falling back to the EMAIL parameter (iCloud urn:uuid values). */
function readAddress(prop: IcalProperty): EmailAddress | null {
  const value: unknown = prop.getFirstValue();
  const address = addressOf(typeof value === 'string' ? value : '') ?? addressOf(paramValue(prop, 'email'));
  if (!address) return null;
  const cn = unquote(paramValue(prop, 'cn'));
  const same = cn.toLowerCase() === address || addressOf(cn) === address;
  return { address, name: cn === '' || same ? null : cn };
}

/** The event's ORGANIZER, or null. */
export function readOrganizer(comp: IcalComponent): EmailAddress | null {
  const prop = comp.getFirstProperty('organizer');
  return prop ? readAddress(prop) : null;
}

/** ATTENDEEs in file order, first occurrence kept when an address repeats. */
export function readAttendees(comp: IcalComponent): CalendarAttendee[] {
  const byAddress = new Map<string, CalendarAttendee>();
  for (const prop of comp.getAllProperties('attendee')) {
    const email = readAddress(prop);
    if (!email || byAddress.has(email.address)) continue;
    const partstat = paramValue(prop, 'partstat').trim().toUpperCase();
    const role = paramValue(prop, 'role').trim().toUpperCase();
    byAddress.set(email.address, { ...email, partstat: partstat || null, role: role || null });
  }
  return [...byAddress.values()];
}
