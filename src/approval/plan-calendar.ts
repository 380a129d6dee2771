/**
 * Calendar arithmetic in the user's time zone, for what the planner decides is due: a
 * business day is a weekday where the user lives, and "a day" of the outreach cap starts at
 * their midnight. Pure; time zones come from Intl.
 */

const DAY_MS = 86_400_000;

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let cached = formatters.get(timeZone);
  if (!cached) {
    cached = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, cached);
  }
  return cached;
}

/** What a wall clock in `timeZone` reads at `date`. */
function wallClock(date: Date, timeZone: string): WallClock {
  const parts = formatter(timeZone).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: part('year'),
    month: part('month'),
    day: part('day'),
    hour: part('hour'),
    minute: part('minute'),
    second: part('second'),
    millisecond: date.getUTCMilliseconds(),
  };
}

function wallAsUtc(w: WallClock): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond);
}

/** How far `timeZone` is ahead of UTC at the instant `ms`. */
function offsetAt(ms: number, timeZone: string): number {
  return wallAsUtc(wallClock(new Date(ms), timeZone)) - ms;
}

/**
 * The instant at which the wall clock in `timeZone` reads `w`. Two passes settle the
 * offset on either side of a daylight-saving change; a time skipped by the change comes
 * out an hour later, as a clock that was set forward shows it.
 */
function instantOf(w: WallClock, timeZone: string): Date {
  const asUtc = wallAsUtc(w);
  const first = asUtc - offsetAt(asUtc, timeZone);
  return new Date(asUtc - offsetAt(first, timeZone));
}

/** 0 = Sunday … 6 = Saturday, of a calendar date (no time zone involved). */
function weekdayOf(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** Whether `date` falls on a Saturday or Sunday in `timeZone`. */
export function isWeekend(date: Date, timeZone: string): boolean {
  const w = wallClock(date, timeZone);
  const weekday = weekdayOf(w.year, w.month, w.day);
  return weekday === 0 || weekday === 6;
}

/**
 * `days` business days after `from`, at the same time of day in `timeZone`: Saturdays and
 * Sundays are skipped, so a note sent on a Friday with 1 business day to wait is due on
 * Monday, and one sent on a Saturday is due on Monday too.
 */
export function addBusinessDays(from: Date, days: number, timeZone: string): Date {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`Business days must be a whole number ≥ 0, got ${days}.`);
  const start = wallClock(from, timeZone);
  let offset = 0;
  let counted = 0;
  while (counted < days) {
    offset += 1;
    const weekday = weekdayOf(start.year, start.month, start.day + offset);
    if (weekday !== 0 && weekday !== 6) counted += 1;
  }
  const target = new Date(Date.UTC(start.year, start.month - 1, start.day + offset));
  return instantOf(
    { ...start, year: target.getUTCFullYear(), month: target.getUTCMonth() + 1, day: target.getUTCDate() },
    timeZone,
  );
}

/**
 * The whole business days gone by from `from` to `to` in `timeZone`: the largest n with
 * `addBusinessDays(from, n)` not after `to` (0 when `to` is not later).
 */
export function businessDaysBetween(from: Date, to: Date, timeZone: string): number {
  let days = 0;
  while (addBusinessDays(from, days + 1, timeZone).getTime() <= to.getTime()) days += 1;
  return days;
}

/** The midnight that starts the day `date` falls on, in `timeZone`. */
export function startOfLocalDay(date: Date, timeZone: string): Date {
  const w = wallClock(date, timeZone);
  return instantOf({ ...w, hour: 0, minute: 0, second: 0, millisecond: 0 }, timeZone);
}

/** The midnight that starts the day after the one `date` falls on, in `timeZone`. */
export function startOfNextLocalDay(date: Date, timeZone: string): Date {
  const w = wallClock(date, timeZone);
  const next = new Date(Date.UTC(w.year, w.month - 1, w.day + 1));
  return instantOf(
    { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate(), hour: 0, minute: 0, second: 0, millisecond: 0 },
    timeZone,
  );
}

/** The calendar date `date` falls on in `timeZone`, as `YYYY-MM-DD`. */
export function localDate(date: Date, timeZone: string): string {
  const w = wallClock(date, timeZone);
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** `hours` after `from` (elapsed time, whatever the clocks do meanwhile). */
export function addHours(from: Date, hours: number): Date {
  return new Date(from.getTime() + hours * 3_600_000);
}

/** `days` of 24 hours after `from`. */
export function addDays(from: Date, days: number): Date {
  return new Date(from.getTime() + days * DAY_MS);
}
