/**
 * Calendar API v3 routes on the user's primary calendar: events list/get/insert/patch/
 * update/delete, events.watch and channels.stop (B.1–B.4), plus calendarList, calendars.get
 * and freeBusy so a calendar adapter can run against the emulator end to end.
 */
import { cancelledJson, eventJson, instanceJson } from './calendar-format.ts';
import { itemsOf, listEvents, parseListQuery } from './calendar-query.ts';
import type { CalendarChannels } from './calendar-push.ts';
import type { CalendarStore, StoredEvent } from './calendar-store.ts';
import { ApiError, badRequest, notFound } from './errors.ts';
import { emptyResponse, jsonBody, jsonResponse, type ApiResponse } from './http-io.ts';
import { isRecurring, occurrencesOf } from './recurrence.ts';
import { defineRoute, type Route, type RouteContext } from './routes.ts';
import { CALENDAR_LIST_READ, CALENDAR_READ, CALENDAR_WRITE } from './scopes.ts';
import type { CalendarEventInput } from './types.ts';

export interface CalendarRouteDeps {
  calendarOf: (email: string) => CalendarStore;
  channels: CalendarChannels;
  nowMs: () => number;
  horizonMs: () => number;
}

const EVENTS = '/calendars/(?<calendarId>[^/]+)/events';
const EVENT_ID = '(?<eventId>[^/]+)';
const EVENT_FIELDS = ['summary', 'description', 'location', 'start', 'end', 'attendees', 'organizer', 'recurrence', 'iCalUID', 'status'] as const;

export function calendarRoutes(deps: CalendarRouteDeps): Route[] {
  const route = (method: string, path: string, scopes: readonly string[], handle: (ctx: RouteContext) => ApiResponse) =>
    defineRoute('^/calendar/v3', 'calendar', method, path, 1, scopes, handle);
  const eventId = (ctx: RouteContext) => ctx.params['eventId'] ?? '';
  const respond = (ctx: RouteContext, event: StoredEvent) => jsonResponse(eventJson(event, storeOf(deps, ctx).owner));
  return [
    route('GET', EVENTS, CALENDAR_READ, (ctx) => listResponse(deps, ctx)),
    route('POST', `${EVENTS}/watch`, CALENDAR_READ, (ctx) => jsonResponse(deps.channels.watch(storeOf(deps, ctx).owner, jsonBody(ctx.req)))),
    route('GET', `${EVENTS}/${EVENT_ID}`, CALENDAR_READ, (ctx) => jsonResponse(findEvent(storeOf(deps, ctx), eventId(ctx), deps.horizonMs()))),
    route('POST', EVENTS, CALENDAR_WRITE, (ctx) => {
      const body = jsonBody(ctx.req);
      const input = { ...eventFields(body), ...(typeof body['id'] === 'string' ? { id: body['id'] } : {}) } as CalendarEventInput;
      return respond(ctx, storeOf(deps, ctx).insert(input));
    }),
    route('PATCH', `${EVENTS}/${EVENT_ID}`, CALENDAR_WRITE, (ctx) => respond(ctx, storeOf(deps, ctx).update(eventId(ctx), eventFields(jsonBody(ctx.req))))),
    route('PUT', `${EVENTS}/${EVENT_ID}`, CALENDAR_WRITE, (ctx) => respond(ctx, storeOf(deps, ctx).update(eventId(ctx), replacement(jsonBody(ctx.req))))),
    route('DELETE', `${EVENTS}/${EVENT_ID}`, CALENDAR_WRITE, (ctx) => deleteEvent(storeOf(deps, ctx), eventId(ctx))),
    route('POST', '/channels/stop', CALENDAR_READ, (ctx) => {
      deps.channels.stop(jsonBody(ctx.req));
      return emptyResponse();
    }),
    route('GET', '/users/me/calendarList', CALENDAR_LIST_READ, (ctx) =>
      jsonResponse({ kind: 'calendar#calendarList', etag: '"1"', items: [calendarEntry(ctx.user)] }),
    ),
    route('GET', '/calendars/(?<calendarId>[^/]+)', CALENDAR_READ, (ctx) => {
      const owner = storeOf(deps, ctx).owner;
      return jsonResponse({ kind: 'calendar#calendar', etag: '"1"', id: owner, summary: owner, timeZone: 'UTC' });
    }),
    route('POST', '/freeBusy', CALENDAR_READ, (ctx) => jsonResponse(freeBusy(deps, ctx))),
  ];
}

/** The user's calendar when the path names it ('primary' or the address); 404 otherwise. */
function storeOf(deps: CalendarRouteDeps, ctx: RouteContext): CalendarStore {
  const id = (ctx.params['calendarId'] ?? '').toLowerCase();
  if (id !== 'primary' && id !== ctx.user) throw notFound('Not Found');
  return deps.calendarOf(ctx.user);
}

function listResponse(deps: CalendarRouteDeps, ctx: RouteContext): ApiResponse {
  const store = storeOf(deps, ctx);
  const page = listEvents(store, parseListQuery(ctx.req.query), { nowMs: deps.nowMs(), horizonMs: deps.horizonMs() });
  return jsonResponse({
    kind: 'calendar#events', etag: `"${store.changeSeq}"`, summary: store.owner, description: '',
    updated: new Date(deps.nowMs()).toISOString(), timeZone: 'UTC', accessRole: 'owner', defaultReminders: [], ...page,
  });
}

/** events.update replaces the event: fields left out are cleared (status stays unless given). */
function replacement(body: Record<string, unknown>): Partial<CalendarEventInput> {
  const fields = eventFields(body);
  const cleared = Object.fromEntries(EVENT_FIELDS.filter((f) => f !== 'status' && f !== 'iCalUID').map((f) => [f, undefined]));
  return { ...cleared, ...fields };
}

function deleteEvent(store: CalendarStore, id: string): ApiResponse {
  if (store.get(id)?.status === 'cancelled') {
    throw new ApiError(410, 'Resource has been deleted', null, [{ domain: 'global', reason: 'deleted', message: 'Resource has been deleted' }]);
  }
  store.cancel(id);
  return emptyResponse();
}

/** A stored event, or a generated instance of a series by its instance id. */
function findEvent(store: CalendarStore, id: string, horizonMs: number): Record<string, unknown> {
  const stored = store.get(id);
  if (stored) return stored.status === 'cancelled' && stored.recurringEventId ? cancelledJson(stored) : eventJson(stored, store.owner);
  const m = /^(.+)_(\d{8}(?:T\d{6}Z)?)$/.exec(id);
  const master = m ? store.get(m[1] ?? '') : undefined;
  const occurrence = master && isRecurring(master) ? occurrencesOf(master, horizonMs).find((o) => o.key === m?.[2]) : undefined;
  if (!master || !occurrence) throw notFound('Not Found');
  return instanceJson(master, occurrence, store.owner);
}

function eventFields(body: Record<string, unknown>): Partial<CalendarEventInput> {
  const fields: Record<string, unknown> = {};
  for (const name of EVENT_FIELDS) if (body[name] !== undefined) fields[name] = body[name];
  if (fields['status'] !== undefined && !['confirmed', 'tentative', 'cancelled'].includes(String(fields['status']))) {
    throw badRequest(`Invalid status: ${String(fields['status'])}`, 'invalid');
  }
  return fields as Partial<CalendarEventInput>;
}

function calendarEntry(owner: string): Record<string, unknown> {
  return {
    kind: 'calendar#calendarListEntry', etag: '"1"', id: owner, summary: owner, timeZone: 'UTC',
    accessRole: 'owner', primary: true, selected: true, defaultReminders: [],
  };
}

function freeBusy(deps: CalendarRouteDeps, ctx: RouteContext): Record<string, unknown> {
  const body = jsonBody(ctx.req);
  const timeMin = Date.parse(String(body['timeMin'] ?? ''));
  const timeMax = Date.parse(String(body['timeMax'] ?? ''));
  if (!Number.isFinite(timeMin) || !Number.isFinite(timeMax)) throw badRequest('Missing timeMin or timeMax.', 'required');
  const calendars: Record<string, unknown> = {};
  for (const item of (body['items'] ?? []) as { id?: string }[]) {
    const id = String(item.id ?? '');
    if (id.toLowerCase() !== 'primary' && id.toLowerCase() !== ctx.user) {
      calendars[id] = { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] };
      continue;
    }
    const store = deps.calendarOf(ctx.user);
    const busy = itemsOf(store, true, deps.horizonMs())
      .filter((i) => !i.cancelled && i.endMs > timeMin && i.startMs < timeMax)
      .filter((i) => !(i.event.attendees ?? []).some((a) => a.email.toLowerCase() === ctx.user && a.responseStatus === 'declined'))
      .sort((a, b) => a.startMs - b.startMs)
      .map((i) => ({ start: new Date(Math.max(i.startMs, timeMin)).toISOString(), end: new Date(Math.min(i.endMs, timeMax)).toISOString() }));
    calendars[id] = { busy };
  }
  return { kind: 'calendar#freeBusy', timeMin: new Date(timeMin).toISOString(), timeMax: new Date(timeMax).toISOString(), calendars };
}
