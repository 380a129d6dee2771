/**
 * Expands an event's recurrence (RRULE, RDATE, EXDATE lines) into occurrences. ical.js
 * iterates the rule in the event's wall time; Intl turns wall times into instants in the
 * event's zone, so a weekly 10:00 Berlin meeting stays at 10:00 across DST.
 */
import ICAL from 'ical.js';
import type { EventTimeInput } from './types.ts';
import { dateToWall, formatDateTime, isKnownZone, offsetZoneOf, utcToWall, wallToDate, wallToUtc } from './time-zones.ts';

export interface Occurrence {
  startMs: number;
  endMs: number;
  /** The instance id suffix: `yyyymmddThhmmssZ` (UTC), or `yyyymmdd` for all-day events. */
  key: string;
  start: EventTimeInput;
  end: EventTimeInput;
}

interface Timed {
  start: EventTimeInput;
  end: EventTimeInput;
  recurrence?: string[];
}

const DAY_MS = 86_400_000;
const MAX_OCCURRENCES = 10_000;
const VALUE = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/;

/** The zone an event's wall times are read in: its timeZone, else its offset, else UTC. */
export function zoneOf(time: EventTimeInput): string {
  if (time.timeZone && isKnownZone(time.timeZone)) return time.timeZone;
  return (time.dateTime && offsetZoneOf(time.dateTime)) || 'UTC';
}

/** An event time as an instant; all-day dates are midnight UTC (the calendar's zone). */
export function instantOf(time: EventTimeInput): number {
  if (time.date) return dateToWall(time.date);
  if (!time.dateTime) return Number.NaN;
  // A dateTime without an offset is wall time in its timeZone.
  if (!offsetZoneOf(time.dateTime)) return wallToUtc(Date.parse(`${time.dateTime}Z`), zoneOf(time));
  return Date.parse(time.dateTime);
}

export function isRecurring(event: Timed): boolean {
  return (event.recurrence ?? []).some((line) => /^RRULE:/i.test(line) || /^RDATE/i.test(line));
}

/** Occurrences starting no later than `horizonMs`, in time order. Throws on an unreadable RRULE. */
export function occurrencesOf(event: Timed, horizonMs: number): Occurrence[] {
  const allDay = Boolean(event.start.date);
  const zone = allDay ? 'UTC' : zoneOf(event.start);
  const startMs = instantOf(event.start);
  const durationMs = Math.max(0, instantOf(event.end) - startMs);
  const startWall = allDay ? startMs : utcToWall(startMs, zone);
  const horizonWall = utcToWall(horizonMs, zone);
  const walls = new Set<number>([startWall]);
  const excluded = new Set<number>();
  for (const line of event.recurrence ?? []) {
    const [head, values] = splitLine(line);
    const name = head.split(';')[0]?.toUpperCase();
    if (name === 'RRULE') for (const wall of expandRule(values, startWall, allDay, zone, horizonWall)) walls.add(wall);
    if (name === 'RDATE' || name === 'EXDATE') {
      const target = name === 'RDATE' ? walls : excluded;
      for (const wall of valueWalls(head, values, zone, allDay, startWall)) target.add(wall);
    }
  }
  return [...walls]
    .filter((wall) => !excluded.has(wall) && wall <= horizonWall)
    .sort((a, b) => a - b)
    .slice(0, MAX_OCCURRENCES)
    .map((wall) => occurrenceAt(wall, allDay, zone, durationMs, event.start.timeZone));
}

function occurrenceAt(wall: number, allDay: boolean, zone: string, durationMs: number, timeZone: string | undefined): Occurrence {
  if (allDay) {
    const endWall = wall + Math.max(DAY_MS, Math.round(durationMs / DAY_MS) * DAY_MS);
    return {
      startMs: wall, endMs: endWall, key: wallToDate(wall).replace(/-/g, ''),
      start: { date: wallToDate(wall) }, end: { date: wallToDate(endWall) },
    };
  }
  const startMs = wallToUtc(wall, zone);
  const endMs = startMs + durationMs;
  const withZone = (ms: number): EventTimeInput => ({ dateTime: formatDateTime(ms, zone), ...(timeZone ? { timeZone } : {}) });
  return { startMs, endMs, key: compactUtc(startMs), start: withZone(startMs), end: withZone(endMs) };
}

/** `yyyymmddThhmmssZ`. */
export function compactUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Checks a recurrence list the way events.insert would; returns an error text or null. */
export function recurrenceProblem(recurrence: string[] | undefined): string | null {
  for (const line of recurrence ?? []) {
    const [head, values] = splitLine(line);
    const name = head.split(';')[0]?.toUpperCase();
    if (name === 'RRULE') {
      try {
        ICAL.Recur.fromString(values);
      } catch {
        return `Invalid recurrence rule: ${line}`;
      }
    } else if (name !== 'EXDATE' && name !== 'RDATE' && name !== 'EXRULE') return `Invalid recurrence rule: ${line}`;
  }
  return null;
}

function splitLine(line: string): [string, string] {
  const colon = line.indexOf(':');
  return colon === -1 ? [line, ''] : [line.slice(0, colon), line.slice(colon + 1)];
}

/** Wall times of one RRULE. UNTIL is applied here, in the event's zone, not by ical.js. */
function expandRule(ruleText: string, startWall: number, allDay: boolean, zone: string, horizonWall: number): number[] {
  const until = /(?:^|;)UNTIL=([^;]+)/i.exec(ruleText)?.[1];
  const untilWall = until ? untilToWall(until, zone, allDay) : Number.POSITIVE_INFINITY;
  const rule = ICAL.Recur.fromString(ruleText.replace(/(^|;)UNTIL=[^;]+/i, '').replace(/^;/, ''));
  const d = new Date(startWall);
  const dtstart = ICAL.Time.fromData({
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), isDate: allDay,
  });
  const iterator = rule.iterator(dtstart);
  const walls: number[] = [];
  for (let next = iterator.next(); next && walls.length < MAX_OCCURRENCES; next = iterator.next()) {
    const wall = Date.UTC(next.year, next.month - 1, next.day, next.hour, next.minute, next.second);
    if (wall > horizonWall || wall > untilWall) break;
    walls.push(wall);
  }
  return walls;
}

/** UNTIL as a wall-time bound: a UTC instant converted, a date meaning "through that day". */
function untilToWall(text: string, zone: string, allDay: boolean): number {
  const m = VALUE.exec(text.trim());
  if (!m) return Number.POSITIVE_INFINITY;
  const wall = wallOfMatch(m);
  if (m[4] === undefined) return wall + DAY_MS - 1;
  return m[7] && !allDay ? utcToWall(wall, zone) : wall;
}

/** RDATE/EXDATE values as wall times in the event's zone. */
function valueWalls(head: string, values: string, zone: string, allDay: boolean, startWall: number): number[] {
  const tzid = /;TZID=([^;:]+)/i.exec(head)?.[1]?.replace(/^"|"$/g, '');
  const walls: number[] = [];
  for (const value of values.split(',')) {
    const m = VALUE.exec(value.trim());
    if (!m) continue;
    let wall = wallOfMatch(m);
    if (m[4] === undefined && !allDay) {
      // A date-only exception to a timed series: the occurrence on that day.
      wall += startWall - Math.floor(startWall / DAY_MS) * DAY_MS;
    } else if (!allDay && m[7]) {
      wall = utcToWall(wall, zone);
    } else if (!allDay && tzid && isKnownZone(tzid) && tzid !== zone) {
      wall = utcToWall(wallToUtc(wall, tzid), zone);
    }
    if (allDay) wall = Math.floor(wall / DAY_MS) * DAY_MS;
    walls.push(wall);
  }
  return walls;
}

function wallOfMatch(m: RegExpExecArray): number {
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0));
}

