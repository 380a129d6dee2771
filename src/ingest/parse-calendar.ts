/**
 * iCalendar text → {@link CalendarEvent}s. Pure (no I/O) and forgiving: real invitations come
 * from Exchange, Lotus Notes, Google, iCloud and worse, so a broken part never costs the rest.
 */
import { createHash } from 'node:crypto';
import ICAL from 'ical.js';
import type { CalendarEvent } from '../core/types.ts';
import {
  meetingStatus, readAttendees, readOrganizer, readSequence, readTime, textValue,
  type IcalComponent, type TimeValue,
} from './calendar-values.ts';

/** What {@link parseCalendar} could read, plus one human-readable line per problem met. */
export interface CalendarParseResult {
  events: CalendarEvent[];
  errors: string[];
}

type JCal = [string, unknown[], unknown[]];

const DAY_MS = 86_400_000;
const MAX_SNIPPET = 60;

/**
 * Parses a whole iCalendar text (one or several VCALENDARs, or bare VEVENTs) into one
 * {@link CalendarEvent} per VEVENT. Never throws: unreadable parts are skipped and described
 * in `errors`, and everything else is still returned.
 */
export function parseCalendar(text: string): CalendarParseResult {
  const errors: string[] = [];
  const events: CalendarEvent[] = [];
  const input = normalise(typeof text === 'string' ? text : '');
  const components = readComponents(input, errors);
  if (components.length === 0 && errors.length === 0) errors.push('no iCalendar component found');
  components.forEach((jcal, index) => {
    try {
      events.push(...eventsOf(new ICAL.Component(jcal), `calendar ${index + 1}`, errors));
    } catch (error) {
      errors.push(`calendar ${index + 1}: unreadable: ${reason(error)}`);
    }
  });
  return { events, errors };
}

/** Drops byte-order marks and unifies line endings so the splitting below sees plain LF lines. */
function normalise(text: string): string {
  return text.replace(/\uFEFF/g, '').replace(/\r\n?/g, '\n');
}

/** Parses the whole text, falling back to one top-level block at a time, then to repair. */
function readComponents(text: string, errors: string[]): JCal[] {
  try {
    return asComponents(ICAL.parse(text));
  } catch (wholeError) {
    const blocks = splitBlocks(text);
    if (blocks.length === 0) {
      errors.push(`not iCalendar (no BEGIN:VCALENDAR or BEGIN:VEVENT): ${reason(wholeError)}`);
      return [];
    }
    return blocks.flatMap((block, index) => readBlock(block, `calendar ${index + 1}`, errors));
  }
}

/** ical.js returns one jCal for one component and an array for several. */
function asComponents(parsed: unknown): JCal[] {
  if (!Array.isArray(parsed) || parsed.length === 0) return [];
  return (typeof parsed[0] === 'string' ? [parsed] : parsed) as JCal[];
}

/** One top-level component: strict parse, then repaired parse, else an error line. */
function readBlock(block: string, label: string, errors: string[]): JCal[] {
  try {
    return asComponents(ICAL.parse(block));
  } catch (strictError) {
    const notes: string[] = [];
    try {
      const parsed = asComponents(ICAL.parse(repairBlock(block, notes)));
      if (notes.length > 0) errors.push(`${label}: read after repair: ${summarise(notes)}`);
      return parsed;
    } catch (repairError) {
      errors.push(`${label}: unreadable: ${reason(strictError)} (after repair: ${reason(repairError)})`);
      return [];
    }
  }
}

/**
 * Splits the text into top-level BEGIN…END blocks. A BEGIN:VCALENDAR always starts a new
 * block, because an unterminated calendar must not swallow the next one.
 */
function splitBlocks(text: string): string[] {
  const blocks: string[] = [];
  let current: string[] | null = null;
  let depth = 0;
  for (const line of text.split('\n')) {
    const begin = /^BEGIN:/i.test(line);
    if (begin && (current === null || /^BEGIN:VCALENDAR\s*$/i.test(line))) {
      if (current) blocks.push(current.join('\n'));
      current = [];
      depth = 0;
    }
    if (current === null) continue; // text outside any component
    current.push(line);
    if (begin) depth++;
    if (/^END:/i.test(line) && --depth <= 0) {
      blocks.push(current.join('\n'));
      current = null;
    }
  }
  if (current) blocks.push(current.join('\n'));
  return blocks;
}

/**
 * Rebuilds a block that ical.js rejected: drops blank and unparseable lines, fixes the
 * common quoting mistake, and balances BEGIN/END. Each change is described in `notes`.
 */
function repairBlock(block: string, notes: string[]): string {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of unfold(block)) {
    const marker = /^(BEGIN|END):(.*)$/i.exec(line);
    if (marker) {
      closeOrOpen(marker[1]!.toUpperCase(), marker[2]!.trim().toUpperCase(), stack, out, notes);
    } else if (stack.length === 0) {
      notes.push(`dropped text outside a component "${snippet(line)}"`);
    } else {
      const fixed = fixLine(line);
      if (fixed === null) notes.push(`dropped line "${snippet(line)}"`);
      else out.push(fixed);
    }
  }
  if (stack.length > 0) notes.push(`closed unterminated ${stack.join('/')}`);
  while (stack.length > 0) out.push(`END:${stack.pop()}`);
  return out.join('\r\n');
}

/** Applies one BEGIN or END line to the component stack, closing whatever it skips over. */
function closeOrOpen(kind: string, name: string, stack: string[], out: string[], notes: string[]): void {
  if (kind === 'BEGIN') {
    if (!/^[A-Z0-9-]+$/.test(name)) return void notes.push(`dropped bad BEGIN "${snippet(name)}"`);
    stack.push(name);
    out.push(`BEGIN:${name}`);
    return;
  }
  const at = stack.lastIndexOf(name);
  if (at < 0) return void notes.push(`dropped stray END:${snippet(name)}`);
  if (at < stack.length - 1) notes.push(`closed unterminated ${stack.slice(at + 1).join('/')}`);
  while (stack.length > at) out.push(`END:${stack.pop()}`);
}

/** Logical lines: blank lines removed first, since some producers put them inside folds. */
function unfold(block: string): string[] {
  const lines: string[] = [];
  for (const line of block.split('\n')) {
    if (line.trim() === '') continue;
    if ((line.startsWith(' ') || line.startsWith('\t')) && lines.length > 0) {
      lines[lines.length - 1] += line.slice(1);
    } else {
      lines.push(line);
    }
  }
  return lines;
}

/** The line itself if ical.js accepts it, else a known fix that it accepts, else null. */
function fixLine(line: string): string | null {
  const candidates = [
    line,
    // Exchange: DTSTART;TZID="W. Europe Standard Time:20200609T090000" — the quote closes too late.
    line.replace(/^([^:"]*=")([^"]*):([^":]*)"$/, '$1$2":$3'),
    // Hand-written RRULEs: "BYDAY=MO, TU" — RRULE parts never contain spaces.
    /^RRULE[;:]/i.test(line) ? line.replace(/\s+/g, '') : line,
  ];
  return candidates.find(parsesAsProperty) ?? null;
}

function parsesAsProperty(line: string): boolean {
  try {
    ICAL.parse.property(line);
    return true;
  } catch {
    return false;
  }
}

/** Events of a top-level component: its VEVENTs at any depth, or itself when it is a bare VEVENT. */
function eventsOf(root: IcalComponent, label: string, errors: string[]): CalendarEvent[] {
  const events: CalendarEvent[] = [];
  findEvents(root, null).forEach(([vevent, method], index) => {
    try {
      events.push(toEvent(vevent, method, `${label} event ${index + 1}`, errors));
    } catch (error) {
      errors.push(`${label} event ${index + 1}: unreadable: ${reason(error)}`);
    }
  });
  return events;
}

/**
 * VEVENTs with the METHOD of their nearest VCALENDAR. Walks the whole tree because some
 * producers nest a VCALENDAR in another or wrap events in private components.
 */
function findEvents(comp: IcalComponent, method: string | null): Array<[IcalComponent, string | null]> {
  if (comp.name === 'vevent') return [[comp, method]];
  const own = comp.name === 'vcalendar' ? textValue(comp, 'method').trim().toUpperCase() || method : method;
  return comp.getAllSubcomponents().flatMap((child) => findEvents(child, own));
}

/** One VEVENT to a {@link CalendarEvent}; field problems go to `errors` and leave nulls. */
function toEvent(vevent: IcalComponent, method: string | null, label: string, errors: string[]): CalendarEvent {
  const time = (name: string): TimeValue | null => safeTime(vevent, name, label, errors);
  const start = time('dtstart');
  const summary = textValue(vevent, 'summary').trim();
  const organizer = readOrganizer(vevent);
  const uid = textValue(vevent, 'uid').trim() || derivedUid(start, summary, organizer?.address ?? '');
  return {
    uid,
    recurrenceId: time('recurrence-id')?.date.toISOString() ?? null,
    sequence: readSequence(vevent),
    method,
    status: meetingStatus(textValue(vevent, 'status'), method),
    summary,
    description: textValue(vevent, 'description'),
    location: textValue(vevent, 'location').trim(),
    start: start?.date ?? null,
    end: endOf(vevent, start, time('dtend'), label, errors),
    allDay: start?.allDay ?? false,
    recurrenceRule: vevent.getFirstProperty('rrule') ? textValue(vevent, 'rrule') || null : null,
    organizer,
    attendees: readAttendees(vevent),
  };
}

/** {@link readTime} that records the problem and yields null instead of throwing. */
function safeTime(vevent: IcalComponent, name: string, label: string, errors: string[]): TimeValue | null {
  try {
    return readTime(vevent, name);
  } catch (error) {
    errors.push(`${label}: bad ${name.toUpperCase()}: ${reason(error)}`);
    return null;
  }
}

/** DTEND, else DTSTART+DURATION, else one day for all-day events, else the start itself. */
function endOf(
  vevent: IcalComponent, start: TimeValue | null, dtend: TimeValue | null, label: string, errors: string[],
): Date | null {
  if (dtend) return dtend.date;
  if (!start) return null;
  if (vevent.getFirstProperty('duration')) {
    try {
      const duration = vevent.getFirstPropertyValue('duration') as InstanceType<typeof ICAL.Duration>;
      const end = new Date(start.date.getTime() + duration.toSeconds() * 1000);
      if (Number.isNaN(end.getTime())) throw new Error(`out of range: ${duration.toString()}`);
      return end;
    } catch (error) {
      errors.push(`${label}: bad DURATION: ${reason(error)}`);
    }
  }
  return new Date(start.date.getTime() + (start.allDay ? DAY_MS : 0));
}

/** Stable stand-in for a missing UID, so re-imports of the same invitation still match. */
function derivedUid(start: TimeValue | null, summary: string, organizer: string): string {
  const basis = [start?.date.toISOString() ?? '', summary, organizer].join('\n');
  return `nouid:${createHash('sha256').update(basis).digest('hex')}`;
}

function reason(error: unknown): string {
  return snippet(error instanceof Error ? error.message : String(error), 160);
}

function snippet(text: string, max = MAX_SNIPPET): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function summarise(notes: string[]): string {
  const shown = notes.slice(0, 3).join('; ');
  return notes.length > 3 ? `${shown}; and ${notes.length - 3} more` : shown;
}
