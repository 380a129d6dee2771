/**
 * Calendar (D): `calendarView` and `calendarView/delta` over the primary calendar with a
 * window fixed in the token, occurrences and exceptions expanded, `@removed` for events
 * deleted, cancelled or moved out of the window; `/me/events` and single events.
 */
import { badRequest, syncStateNotFound } from './errors.ts';
import type { DeltaTokens, Snapshot } from './delta.ts';
import { json, preferences, type ApiRequest, type ApiResponse } from './http.ts';
import type { GraphCalendar, Instance, StoredEvent } from './calendar-store.ts';
import { wallTime } from './calendar-store.ts';
import { iso } from './mail-format.ts';
import { queryText } from './mail-read-routes.ts';
import { route, type GraphContext, type GraphRoute } from './router.ts';

export interface CalendarRouteDeps {
  calendarOf: (email: string) => GraphCalendar;
  delta: DeltaTokens;
  defaultPageSize: number;
  link: (pathAndQuery: string) => string;
}

export function calendarRoutes(deps: CalendarRouteDeps): GraphRoute[] {
  return [
    route('GET', '/me/calendarView/delta', (ctx) => viewDelta(deps, ctx)),
    route('GET', '/me/calendarView', (ctx) => {
      const { fromMs, toMs } = windowOf(ctx.req.query);
      const calendar = deps.calendarOf(ctx.user);
      const all = calendar.view(fromMs, toMs);
      const size = pageSize(ctx.req, 10);
      const skip = Number(ctx.req.query.get('$skip') ?? '0') || 0;
      const body: Record<string, unknown> = { value: all.slice(skip, skip + size).map((i) => instanceJson(i, calendar.owner, zoneOf(ctx.req))) };
      if (skip + size < all.length) {
        const next = new URLSearchParams(ctx.req.query);
        next.set('$skip', String(skip + size));
        body['@odata.nextLink'] = deps.link(`${ctx.rawPath}?${queryText(next)}`);
      }
      return json(body);
    }),
    route('GET', '/me/events', (ctx) => {
      const calendar = deps.calendarOf(ctx.user);
      return json({ value: calendar.all().filter((e) => !e.seriesMasterId).map((e) => eventJson(e, calendar.owner, zoneOf(ctx.req))) });
    }),
    route('GET', '/me/events/(?<id>[^/]+)', (ctx) => {
      const calendar = deps.calendarOf(ctx.user);
      return json(eventJson(calendar.get(ctx.params['id'] ?? ''), calendar.owner, zoneOf(ctx.req)));
    }),
  ];
}

function zoneOf(req: ApiRequest): string {
  return preferences(req).get('outlook.timezone') || 'UTC';
}

function pageSize(req: ApiRequest, fallback: number): number {
  const preferred = Number(preferences(req).get('odata.maxpagesize') ?? '');
  return Number.isInteger(preferred) && preferred > 0 ? Math.min(preferred, 1000) : fallback;
}

function windowOf(query: URLSearchParams): { fromMs: number; toMs: number } {
  const fromMs = Date.parse(query.get('startDateTime') ?? '');
  const toMs = Date.parse(query.get('endDateTime') ?? '');
  if (Number.isNaN(fromMs) || Number.isNaN(toMs)) {
    throw badRequest("This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.", 'ErrorInvalidParameter');
  }
  return { fromMs, toMs };
}

function viewDelta(deps: CalendarRouteDeps, ctx: GraphContext): ApiResponse {
  const calendar = deps.calendarOf(ctx.user);
  const { query } = ctx.req;
  for (const name of ['$select', '$filter', '$orderby', '$expand', '$search']) {
    if (query.has(name)) throw badRequest(`The query parameter '${name}' is not supported with calendarView delta.`, 'ErrorInvalidUrlQuery');
  }
  const snapshotOf = (q: Record<string, unknown>): Snapshot =>
    new Map(calendar.view(Number(q['fromMs']), Number(q['toMs'])).map((i) => [i.id, { version: i.version, id: i.id, immutableId: i.id }]));
  const token = query.get('$skiptoken') ?? query.get('$deltatoken');
  let at;
  if (token) {
    const resolved = deps.delta.resolve(token, ctx.user, snapshotOf);
    if (!resolved) throw badRequest('The delta token is invalid.', 'ErrorInvalidDeltaToken');
    if ('expired' in resolved) throw syncStateNotFound(resolved.withLocation ? deps.link(resolved.initialPath) : undefined);
    at = resolved;
  } else {
    const window = windowOf(query);
    const initialPath = `${ctx.rawPath}?${queryText(query)}`;
    at = deps.delta.initial({ scope: `${ctx.user}|calendar`, user: ctx.user, query: window, initialPath }, snapshotOf(window));
  }
  const q = at.round.query;
  const page = deps.delta.page(at, pageSize(ctx.req, deps.defaultPageSize));
  const current = new Map(calendar.view(Number(q['fromMs']), Number(q['toMs'])).map((i) => [i.id, i]));
  const removed = (id: string) => ({ '@odata.type': '#microsoft.graph.event', id, '@removed': { reason: 'deleted' } });
  const value = page.changes.map((change) => {
    const found = change.removed ? undefined : current.get(change.key);
    return found ? instanceJson(found, calendar.owner, zoneOf(ctx.req)) : removed(change.key);
  });
  const body: Record<string, unknown> = { value };
  if (page.skipToken) body['@odata.nextLink'] = deps.link(`/me/calendarView/delta?$skiptoken=${page.skipToken}`);
  else body['@odata.deltaLink'] = deps.link(`/me/calendarView/delta?$deltatoken=${page.deltaToken ?? ''}`);
  return json(body);
}

function person(p: { address: string; name?: string }) {
  return { emailAddress: { name: p.name ?? p.address, address: p.address } };
}

/** An instance of the calendar view as Graph's event JSON (D.2). */
export function instanceJson(inst: Instance, owner: string, zone: string): Record<string, unknown> {
  const base = eventJson(inst.event, owner, zone);
  return {
    '@odata.type': '#microsoft.graph.event',
    ...base,
    id: inst.id,
    type: inst.type,
    seriesMasterId: inst.type === 'singleInstance' ? null : (inst.event.seriesMasterId ?? inst.event.id),
    start: inst.event.isAllDay ? allDay(inst.startMs, zone) : wallTime(inst.startMs, zone),
    end: inst.event.isAllDay ? allDay(inst.endMs, zone) : wallTime(inst.endMs, zone),
    recurrence: null,
    ...(inst.type !== 'singleInstance' ? { originalStart: iso(inst.event.originalStartMs ?? inst.startMs) } : {}),
  };
}

function allDay(ms: number, zone: string): { dateTime: string; timeZone: string } {
  return { dateTime: `${new Date(ms).toISOString().slice(0, 10)}T00:00:00.0000000`, timeZone: zone };
}

/** A stored event (master, single or exception) as Graph JSON. */
export function eventJson(event: StoredEvent, owner: string, zone = 'UTC'): Record<string, unknown> {
  const isOrganizer = !event.organizer || event.organizer.address.toLowerCase() === owner;
  const self = event.attendees.find((a) => a.address.toLowerCase() === owner);
  return {
    id: event.id,
    createdDateTime: iso(event.createdMs),
    lastModifiedDateTime: iso(event.modifiedMs),
    changeKey: `DwAAABYAAAEmu${event.version}`,
    iCalUId: event.iCalUId,
    subject: event.subject,
    bodyPreview: event.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 255),
    body: { contentType: 'html', content: event.body },
    start: event.isAllDay ? allDay(event.startMs, zone) : wallTime(event.startMs, zone),
    end: event.isAllDay ? allDay(event.endMs, zone) : wallTime(event.endMs, zone),
    isAllDay: event.isAllDay,
    isCancelled: event.isCancelled,
    isOrganizer,
    type: event.seriesMasterId ? 'exception' : event.rules ? 'seriesMaster' : 'singleInstance',
    seriesMasterId: event.seriesMasterId,
    recurrence: event.recurrence ?? null,
    location: { displayName: event.location },
    showAs: 'busy',
    responseStatus: { response: isOrganizer ? 'organizer' : self && self.response !== 'none' ? self.response : 'notResponded', time: '0001-01-01T00:00:00Z' },
    organizer: person(event.organizer ?? { address: owner }),
    attendees: event.attendees.map((a) => ({
      type: 'required',
      status: { response: a.response, time: a.response === 'none' ? '0001-01-01T00:00:00Z' : iso(event.modifiedMs) },
      ...person(a),
    })),
    isOnlineMeeting: false,
    onlineMeetingProvider: 'unknown',
    onlineMeeting: null,
  };
}
