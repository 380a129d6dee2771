/**
 * One user's primary calendar in Graph's terms: single events, series masters (with a
 * patternedRecurrence, expanded through the Google emulator's RRULE expansion) and
 * exceptions, and the calendar view of a window that calendarView and its delta serve.
 */
import { instantOf, occurrencesOf } from '../google/recurrence.ts';
import { formatDateTime } from '../google/time-zones.ts';
import { badRequest, itemNotFound } from './errors.ts';
import { toRrule } from './recurrence.ts';
import type { GraphEventInput, GraphPersonInput } from './types.ts';

export type Response = 'accepted' | 'declined' | 'tentativelyAccepted' | 'none';

export interface StoredEvent {
  id: string;
  iCalUId: string;
  subject: string;
  body: string;
  location: string;
  startMs: number;
  endMs: number;
  /** The zone the event was written in (IANA or 'UTC'). */
  zone: string;
  isAllDay: boolean;
  organizer: GraphPersonInput | null;
  attendees: (GraphPersonInput & { response: Response })[];
  /** Graph's patternedRecurrence as given (output), and the RRULE lines it means (expansion). */
  recurrence: unknown;
  rules: string[] | null;
  isCancelled: boolean;
  version: number;
  createdMs: number;
  modifiedMs: number;
  /** Exceptions: their series and the start of the occurrence they replace. */
  seriesMasterId: string | null;
  originalStartMs: number | null;
}

export interface Instance {
  id: string;
  type: 'singleInstance' | 'occurrence' | 'exception';
  event: StoredEvent;
  startMs: number;
  endMs: number;
  version: string;
}

export interface CalendarDeps {
  now: () => number;
  nextId: () => string;
  onChange: (event: StoredEvent, change: 'created' | 'updated' | 'deleted') => void;
}

const WALL = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)/;

export class GraphCalendar {
  private readonly byId = new Map<string, StoredEvent>();

  constructor(
    readonly owner: string,
    private readonly deps: CalendarDeps,
  ) {}

  all(): StoredEvent[] {
    return [...this.byId.values()];
  }

  get(id: string): StoredEvent {
    const event = this.byId.get(id);
    if (!event) throw itemNotFound();
    return event;
  }

  insert(input: GraphEventInput, series?: { masterId: string; originalStartMs: number; id: string }): StoredEvent {
    const now = this.deps.now();
    const id = series?.id ?? this.deps.nextId();
    const event: StoredEvent = {
      id, iCalUId: input.iCalUId ?? `040000008200E00074C5B7101A82E008000000000000000010000000${Buffer.from(id).toString('hex').slice(-32).toUpperCase()}`,
      subject: '', body: '', location: '', startMs: 0, endMs: 0, zone: 'UTC', isAllDay: false, organizer: null, attendees: [],
      recurrence: null, rules: null, isCancelled: false, version: 0, createdMs: now, modifiedMs: now,
      seriesMasterId: series?.masterId ?? null, originalStartMs: series?.originalStartMs ?? null,
    };
    apply(event, input);
    this.byId.set(id, event);
    this.touch(event, 'created');
    return event;
  }

  /**
   * Stores an event as read from an .ics file (times and RRULE lines already resolved). An
   * event with the same id, or a series or single event with the same iCalUId, is updated in place.
   */
  upsertResolved(event: Omit<StoredEvent, 'id' | 'version' | 'createdMs' | 'modifiedMs'>, id?: string): StoredEvent {
    const existing = id ? this.byId.get(id) : this.all().find((e) => !e.seriesMasterId && e.iCalUId === event.iCalUId);
    if (existing) {
      Object.assign(existing, event);
      this.touch(existing, 'updated');
      return existing;
    }
    const now = this.deps.now();
    const stored: StoredEvent = { ...event, id: id ?? this.deps.nextId(), version: 0, createdMs: now, modifiedMs: now };
    this.byId.set(stored.id, stored);
    this.touch(stored, 'created');
    return stored;
  }

  /** A patch; an occurrence id (`<masterId>_<stamp>`) makes or changes that occurrence's exception. */
  update(id: string, patch: Partial<GraphEventInput>): StoredEvent {
    const event = this.byId.get(id);
    if (event) {
      apply(event, patch);
      this.touch(event, 'updated');
      return event;
    }
    const occurrence = this.occurrenceById(id);
    const { master } = occurrence;
    const copy: GraphEventInput = {
      subject: master.subject, body: master.body, location: master.location, iCalUId: master.iCalUId, isAllDay: master.isAllDay,
      start: wallTime(occurrence.startMs, master.zone), end: wallTime(occurrence.endMs, master.zone),
      ...(master.organizer ? { organizer: master.organizer } : {}), attendees: master.attendees,
      ...patch,
    };
    return this.insert(copy, { masterId: master.id, originalStartMs: occurrence.startMs, id });
  }

  cancel(id: string): void {
    this.update(id, { isCancelled: true });
  }

  /** Occurrences, exceptions and single events overlapping [fromMs, toMs), cancelled ones left out. */
  view(fromMs: number, toMs: number): Instance[] {
    const out: Instance[] = [];
    const overlaps = (s: number, e: number) => s < toMs && (e > fromMs || (s === e && s >= fromMs));
    for (const event of this.byId.values()) {
      if (event.isCancelled) continue;
      if (event.seriesMasterId) {
        if (overlaps(event.startMs, event.endMs)) out.push(instance(event, 'exception', event.id, event.startMs, event.endMs, `x${event.version}`));
        continue;
      }
      if (!event.rules) {
        if (overlaps(event.startMs, event.endMs)) out.push(instance(event, 'singleInstance', event.id, event.startMs, event.endMs, `s${event.version}`));
        continue;
      }
      for (const occ of this.occurrences(event, toMs)) {
        const id = `${event.id}_${occ.key}`;
        if (this.byId.has(id) || !overlaps(occ.startMs, occ.endMs)) continue;
        out.push(instance(event, 'occurrence', id, occ.startMs, occ.endMs, `o${event.version}`));
      }
    }
    return out.sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id));
  }

  private occurrences(master: StoredEvent, untilMs: number) {
    const start = master.isAllDay ? { date: new Date(master.startMs).toISOString().slice(0, 10) } : { dateTime: formatDateTime(master.startMs, master.zone), timeZone: master.zone };
    const end = master.isAllDay ? { date: new Date(master.endMs).toISOString().slice(0, 10) } : { dateTime: formatDateTime(master.endMs, master.zone), timeZone: master.zone };
    return occurrencesOf({ start, end, recurrence: master.rules ?? [] }, untilMs);
  }

  private occurrenceById(id: string): { master: StoredEvent; startMs: number; endMs: number } {
    const m = /^(.+)_(\d{8}(?:T\d{6}Z)?)$/.exec(id);
    const master = m ? this.byId.get(m[1] ?? '') : undefined;
    if (!m || !master?.rules) throw itemNotFound();
    const occ = this.occurrences(master, this.deps.now() + 3 * 366 * 86_400_000).find((o) => o.key === m[2]);
    if (!occ) throw itemNotFound();
    return { master, startMs: occ.startMs, endMs: occ.endMs };
  }

  private touch(event: StoredEvent, change: 'created' | 'updated'): void {
    event.version += 1;
    event.modifiedMs = this.deps.now();
    this.deps.onChange(event, change);
  }
}

function instance(event: StoredEvent, type: Instance['type'], id: string, startMs: number, endMs: number, version: string): Instance {
  return { id, type, event, startMs, endMs, version };
}

/** Graph's `{dateTime, timeZone}` for an instant in a zone. */
export function wallTime(ms: number, zone: string): { dateTime: string; timeZone: string } {
  const text = formatDateTime(ms, zone).slice(0, 19);
  return { dateTime: `${text}.0000000`, timeZone: zone };
}

/** Graph `{dateTime, timeZone}` (wall time, no offset) as an instant; 400 when unreadable. */
export function instantOfGraph(time: { dateTime: string; timeZone: string }): number {
  const m = WALL.exec(time.dateTime ?? '');
  if (!m) throw badRequest(`Invalid dateTime '${time.dateTime}'.`, 'ErrorInvalidRequest');
  const ms = instantOf({ dateTime: `${m[1]}T${(m[2] ?? '').length === 5 ? `${m[2]}:00` : m[2]}`, timeZone: time.timeZone || 'UTC' });
  if (!Number.isFinite(ms)) throw badRequest(`Invalid dateTime '${time.dateTime}'.`, 'ErrorInvalidRequest');
  return ms;
}

function apply(event: StoredEvent, input: Partial<GraphEventInput>): void {
  if (input.subject !== undefined) event.subject = input.subject;
  if (input.body !== undefined) event.body = input.body;
  if (input.location !== undefined) event.location = input.location;
  if (input.isAllDay !== undefined) event.isAllDay = input.isAllDay;
  if (input.start) {
    event.startMs = instantOfGraph(input.start);
    event.zone = input.start.timeZone || 'UTC';
  }
  if (input.end) event.endMs = instantOfGraph(input.end);
  if (event.endMs < event.startMs) throw badRequest('The end time is before the start time.', 'ErrorInvalidRequest');
  if (input.organizer !== undefined) event.organizer = input.organizer;
  if (input.attendees !== undefined) event.attendees = input.attendees.map((a) => ({ ...a, response: a.response ?? 'none' }));
  if (input.iCalUId !== undefined) event.iCalUId = input.iCalUId;
  if (input.isCancelled !== undefined) event.isCancelled = input.isCancelled;
  if (input.recurrence !== undefined) {
    event.recurrence = input.recurrence ?? null;
    event.rules = input.recurrence ? toRrule(input.recurrence) : null;
  }
}
