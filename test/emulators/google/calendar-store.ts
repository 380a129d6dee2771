/**
 * One user's primary calendar: events (masters, single events and exceptions of series),
 * a change counter that sync tokens point into, and a sync epoch that
 * {@link CalendarStore.expireSyncTokens} moves to invalidate every older token.
 */
import { ApiError, badRequest, notFound } from './errors.ts';
import type { HexIds } from './ids.ts';
import { instantOf, isRecurring, occurrencesOf, recurrenceProblem } from './recurrence.ts';
import type { CalendarEventInput, EventTimeInput } from './types.ts';

export type EventStatus = 'confirmed' | 'tentative' | 'cancelled';

export interface StoredEvent extends Omit<CalendarEventInput, 'id' | 'status' | 'iCalUID'> {
  id: string;
  status: EventStatus;
  iCalUID: string;
  sequence: number;
  createdMs: number;
  updatedMs: number;
  /** The calendar's change counter at this event's last change. */
  changeSeq: number;
  /** Set on exceptions: the series and the start the exception replaces. */
  recurringEventId?: string;
  originalStartTime?: EventTimeInput;
}

export interface CalendarDeps {
  eventIds: HexIds;
  now: () => number;
  /** Expansion stops this far ahead of the clock. */
  horizonMs: () => number;
  onChange: () => void;
}

const INSTANCE_ID = /^(.+)_(\d{8}(?:T\d{6}Z)?)$/;

export class CalendarStore {
  private readonly byId = new Map<string, StoredEvent>();
  private seq = 0;
  /** Sync tokens carry the epoch they were issued in; older epochs get 410. */
  syncEpoch = 0;

  constructor(
    readonly owner: string,
    private readonly deps: CalendarDeps,
  ) {}

  get changeSeq(): number {
    return this.seq;
  }

  get(id: string): StoredEvent | undefined {
    return this.byId.get(id);
  }

  all(): StoredEvent[] {
    return [...this.byId.values()];
  }

  exceptionsOf(masterId: string): StoredEvent[] {
    return this.all().filter((e) => e.recurringEventId === masterId);
  }

  insert(input: CalendarEventInput, series?: { recurringEventId: string; originalStartTime: EventTimeInput }): StoredEvent {
    validateTimes(input);
    const problem = recurrenceProblem(input.recurrence);
    if (problem) throw badRequest(problem, 'invalid');
    const id = input.id ?? this.deps.eventIds.nextId();
    if (this.byId.has(id)) throw new ApiError(409, 'The requested identifier already exists.', 'ALREADY_EXISTS', [
      { domain: 'global', reason: 'duplicate', message: 'The requested identifier already exists.' },
    ]);
    const nowMs = this.deps.now();
    const event: StoredEvent = {
      ...input,
      id,
      status: input.status ?? 'confirmed',
      iCalUID: input.iCalUID ?? `${id}@google.com`,
      sequence: input.sequence ?? 0,
      createdMs: nowMs,
      updatedMs: nowMs,
      changeSeq: 0,
      ...(series ?? {}),
    };
    this.byId.set(id, event);
    this.touch(event, false);
    return event;
  }

  /** Applies a patch; an unknown instance id of a series makes an exception. */
  update(id: string, patch: Partial<CalendarEventInput>): StoredEvent {
    const event = this.byId.get(id);
    if (!event) return this.exceptionFor(id, patch);
    const { id: _ignored, ...changes } = patch;
    const next = { ...event, ...changes };
    validateTimes(next);
    const problem = recurrenceProblem(next.recurrence);
    if (problem) throw badRequest(problem, 'invalid');
    Object.assign(event, changes);
    this.touch(event, true);
    return event;
  }

  cancel(id: string): StoredEvent {
    return this.update(id, { status: 'cancelled' });
  }

  expireSyncTokens(): void {
    this.syncEpoch++;
  }

  /** Makes the exception an instance id names (not yet stored); 404 when it names none. */
  private exceptionFor(id: string, patch: Partial<CalendarEventInput>): StoredEvent {
    const m = INSTANCE_ID.exec(id);
    const master = m ? this.byId.get(m[1] ?? '') : undefined;
    if (!m || !master || !isRecurring(master)) throw notFound('Not Found');
    const occurrence = occurrencesOf(master, this.deps.horizonMs()).find((o) => o.key === m[2]);
    if (!occurrence) throw notFound('Not Found');
    const { id: _master, recurrence: _rule, changeSeq: _seq, createdMs: _c, updatedMs: _u, sequence: _s, ...copied } = master;
    return this.insert(
      { ...copied, ...patch, id, start: patch.start ?? occurrence.start, end: patch.end ?? occurrence.end, iCalUID: master.iCalUID },
      { recurringEventId: master.id, originalStartTime: occurrence.start },
    );
  }

  private touch(event: StoredEvent, changed: boolean): void {
    if (changed) event.sequence++;
    event.updatedMs = this.deps.now();
    event.changeSeq = ++this.seq;
    this.deps.onChange();
  }
}

function validateTimes(event: { start?: EventTimeInput; end?: EventTimeInput }): void {
  const { start, end } = event;
  if (!start || !end || (!start.date && !start.dateTime) || (!end.date && !end.dateTime)) {
    throw badRequest('Missing end time.', 'required');
  }
  const startMs = instantOf(start);
  const endMs = instantOf(end);
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) throw badRequest('Invalid start or end time.', 'invalid');
  if (endMs < startMs) throw badRequest('The specified time range is empty.', 'timeRangeEmpty');
}
