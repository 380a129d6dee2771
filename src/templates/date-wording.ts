import { InvalidInputError } from '../core/errors.ts';

/**
 * Dates in the words of a letter, in a named time zone: the day a meeting fell on depends on
 * where the user is, not on the server's clock. English only, like the default templates.
 */

export type DateStyle = 'date' | 'weekday' | 'full' | 'time';

const STYLE_OPTIONS: Readonly<Record<DateStyle, Intl.DateTimeFormatOptions>> = {
  date: { month: 'long', day: 'numeric' }, // March 4
  weekday: { weekday: 'long' }, // Tuesday
  full: { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' }, // Tuesday, March 4, 2025
  time: { hour: 'numeric', minute: '2-digit' }, // 3:30 PM
};
const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** `timeZone` when Intl knows it as an IANA zone; otherwise an error naming `field`. */
export function checkTimeZone(timeZone: string, field: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone;
  } catch (error) {
    throw new InvalidInputError(`${field}: "${timeZone}" is not an IANA time zone (e.g. "America/Chicago").`, {
      cause: error,
    });
  }
}

/** `date` as "March 4", "Tuesday", "Tuesday, March 4, 2025" or "3:30 PM" in `timeZone`. */
export function formatDate(date: Date, timeZone: string, style: DateStyle = 'date'): string {
  return formatter(timeZone, STYLE_OPTIONS[style]).format(date);
}

/**
 * When `date` was (or will be) as seen from `now`, ready to follow a verb: "today",
 * "yesterday", "tomorrow", "on Tuesday" within a week, else "on March 4" (with the year when
 * it is not this year's).
 */
export function describeDay(date: Date, now: Date, timeZone: string): string {
  const day = calendarDay(date, timeZone);
  const today = calendarDay(now, timeZone);
  const daysAgo = Math.round((today.utcMidnight - day.utcMidnight) / DAY_MS);
  if (daysAgo === 0) return 'today';
  if (daysAgo === 1) return 'yesterday';
  if (daysAgo === -1) return 'tomorrow';
  if (Math.abs(daysAgo) < 7) return `on ${formatDate(date, timeZone, 'weekday')}`;
  const options: Intl.DateTimeFormatOptions = { month: 'long', day: 'numeric' };
  if (day.year !== today.year) options.year = 'numeric';
  return `on ${formatter(timeZone, options).format(date)}`;
}

/** The calendar day `date` falls on in `timeZone`, as the UTC midnight of that day. */
function calendarDay(date: Date, timeZone: string): { year: number; utcMidnight: number } {
  const parts = formatter(timeZone, { year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const year = part('year');
  return { year, utcMidnight: Date.UTC(year, part('month') - 1, part('day')) };
}

function formatter(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat('en-US', { ...options, timeZone });
    formatters.set(key, cached);
  }
  return cached;
}
