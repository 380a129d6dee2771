/**
 * Time zone arithmetic through Intl (Node ships the full zone database): the offset of a
 * zone at an instant, wall time to UTC, and RFC 3339 with an offset. A zone is an IANA
 * name, 'UTC', or a fixed offset written '+02:00'.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();
const FIXED = /^([+-])(\d{2}):?(\d{2})$/;

export function isKnownZone(zone: string): boolean {
  if (FIXED.test(zone)) return true;
  try {
    formatterFor(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at `utcMs`, in ms (east positive). */
export function offsetAt(zone: string, utcMs: number): number {
  const fixed = FIXED.exec(zone);
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3])) * 60_000;
  if (zone === 'UTC' || zone === 'Z') return 0;
  const parts = formatterFor(zone).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/** The instant at which the zone's clocks show `wallMs` (wall time written as if UTC). */
export function wallToUtc(wallMs: number, zone: string): number {
  // Two passes: the offset near the wall time, then the offset at the first guess.
  const guess = wallMs - offsetAt(zone, wallMs);
  return wallMs - offsetAt(zone, guess);
}

/** Wall time (as if UTC) that the zone's clocks show at `utcMs`. */
export function utcToWall(utcMs: number, zone: string): number {
  return utcMs + offsetAt(zone, utcMs);
}

/** RFC 3339 in the zone: `2024-06-05T10:00:00+02:00`, or `…Z` at offset 0. */
export function formatDateTime(utcMs: number, zone: string): string {
  const offset = offsetAt(zone, utcMs);
  const wall = new Date(utcMs + offset).toISOString().slice(0, 19);
  if (offset === 0) return `${wall}Z`;
  const minutes = Math.abs(offset) / 60_000;
  const sign = offset < 0 ? '-' : '+';
  return `${wall}${sign}${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** The offset written in an RFC 3339 value ('+02:00', 'UTC' for Z), or null when there is none. */
export function offsetZoneOf(dateTime: string): string | null {
  const m = /(Z|[+-]\d{2}:?\d{2})$/i.exec(dateTime);
  if (!m) return null;
  return m[1]?.toUpperCase() === 'Z' ? 'UTC' : (m[1] ?? null);
}

/** YYYY-MM-DD to the UTC ms of that date's midnight as wall time. */
export function dateToWall(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return Number.NaN;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

export function wallToDate(wallMs: number): string {
  return new Date(wallMs).toISOString().slice(0, 10);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}
