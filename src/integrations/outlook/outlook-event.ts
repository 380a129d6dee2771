import type { CalendarAttendee, CalendarEvent, EmailAddress } from '../../core/types.ts';
import { parseLocalTime } from '../../http/local-time.ts';

/** An event as calendarView delta gives it (the fields rapport reads). */
export interface GraphEvent {
  id: string;
  iCalUId?: string | null;
  subject?: string | null;
  body?: { contentType?: string; content?: string } | null;
  bodyPreview?: string | null;
  location?: { displayName?: string | null } | null;
  start?: GraphDateTime | null;
  end?: GraphDateTime | null;
  originalStart?: string | null;
  isAllDay?: boolean | null;
  isCancelled?: boolean | null;
  type?: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster' | null;
  seriesMasterId?: string | null;
  organizer?: { emailAddress?: GraphAddress | null } | null;
  attendees?: { type?: string | null; status?: { response?: string | null } | null; emailAddress?: GraphAddress | null }[] | null;
}

interface GraphDateTime {
  dateTime: string;
  timeZone?: string | null;
}

interface GraphAddress {
  address?: string | null;
  name?: string | null;
}

const ANSWERS: Record<string, string> = {
  accepted: 'ACCEPTED',
  organizer: 'ACCEPTED',
  declined: 'DECLINED',
  tentativelyAccepted: 'TENTATIVE',
  none: 'NEEDS-ACTION',
  notResponded: 'NEEDS-ACTION',
};

const ROLES: Record<string, string> = { required: 'REQ-PARTICIPANT', optional: 'OPT-PARTICIPANT', resource: 'NON-PARTICIPANT' };

/**
 * A Graph event in rapport's calendar shape, the same one an `.ics` file and a Google
 * event give: the iCalendar UID, the occurrence it stands for (for an occurrence or
 * exception of a series), UTC times, iCalendar answers. An all-day event starts at
 * midnight UTC of its date.
 */
export function fromGraphEvent(item: GraphEvent): CalendarEvent {
  const allDay = item.isAllDay ?? false;
  const start = eventTime(item.start, allDay);
  const organizer = item.organizer?.emailAddress?.address ? person(item.organizer.emailAddress) : null;
  const inSeries = item.type === 'occurrence' || item.type === 'exception';
  return {
    uid: item.iCalUId ?? `${item.id}@outlook.com`,
    recurrenceId: inSeries ? (item.originalStart ? new Date(item.originalStart).toISOString() : (start?.toISOString() ?? null)) : null,
    sequence: 0,
    method: null,
    status: item.isCancelled ? 'cancelled' : 'confirmed',
    summary: (item.subject ?? '').trim(),
    description: item.body?.content ?? item.bodyPreview ?? '',
    location: (item.location?.displayName ?? '').trim(),
    start,
    end: eventTime(item.end, allDay) ?? start,
    allDay,
    recurrenceRule: null,
    organizer,
    attendees: (item.attendees ?? []).flatMap((a): CalendarAttendee[] =>
      a.emailAddress?.address
        ? [{ ...person(a.emailAddress), partstat: ANSWERS[a.status?.response ?? ''] ?? null, role: ROLES[a.type ?? 'required'] ?? 'REQ-PARTICIPANT' }]
        : [],
    ),
  };
}

function person(address: GraphAddress): EmailAddress {
  return { address: (address.address ?? '').trim().toLowerCase(), name: address.name?.trim() || null };
}

/** Graph's times have no offset: the wall time is in `timeZone` (UTC unless asked otherwise). */
function eventTime(time: GraphDateTime | null | undefined, allDay: boolean): Date | null {
  if (!time?.dateTime) return null;
  const wall = time.dateTime.replace(/\.\d+$/, '');
  if (allDay) {
    const date = new Date(`${wall.slice(0, 10)}T00:00:00Z`);
    return Number.isNaN(date.getTime()) ? null : date;
  }
  if (/(Z|[+-]\d{2}:?\d{2})$/i.test(wall)) return new Date(wall);
  const zone = time.timeZone && time.timeZone !== 'UTC' && isIanaZone(time.timeZone) ? time.timeZone : 'UTC';
  return parseLocalTime(wall, zone);
}

function isIanaZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
