import type { calendar_v3 } from 'googleapis/build/src/apis/calendar/index.js';
import type { CalendarAttendee, CalendarEvent, EmailAddress, MeetingStatus } from '../../core/types.ts';

const ANSWERS: Record<string, string> = {
  accepted: 'ACCEPTED',
  declined: 'DECLINED',
  tentative: 'TENTATIVE',
  needsAction: 'NEEDS-ACTION',
};

/**
 * A Google Calendar event in rapport's calendar shape, the same one an `.ics` file
 * gives: the iCalendar UID, the occurrence it overrides (for an instance of a series),
 * UTC times, iCalendar answers. An all-day event starts at midnight UTC of its date.
 */
export function fromGoogleEvent(item: calendar_v3.Schema$Event): CalendarEvent {
  const start = eventTime(item.start);
  const organizer = item.organizer?.email ? person(item.organizer.email, item.organizer.displayName) : null;
  return {
    uid: item.iCalUID ?? `${item.id}@google.com`,
    recurrenceId: item.recurringEventId ? (eventTime(item.originalStartTime)?.date.toISOString() ?? null) : null,
    sequence: item.sequence ?? 0,
    method: null,
    status: status(item.status),
    summary: (item.summary ?? '').trim(),
    description: item.description ?? '',
    location: (item.location ?? '').trim(),
    start: start?.date ?? null,
    end: eventTime(item.end)?.date ?? start?.date ?? null,
    allDay: start?.allDay ?? false,
    recurrenceRule: item.recurrence?.find((r) => r.startsWith('RRULE:'))?.slice('RRULE:'.length) ?? null,
    organizer,
    attendees: (item.attendees ?? []).flatMap((a): CalendarAttendee[] =>
      a.email
        ? [{
            ...person(a.email, a.displayName),
            partstat: ANSWERS[a.responseStatus ?? ''] ?? null,
            role: a.optional ? 'OPT-PARTICIPANT' : 'REQ-PARTICIPANT',
          }]
        : [],
    ),
  };
}

function person(address: string, name: string | null | undefined): EmailAddress {
  return { address: address.trim().toLowerCase(), name: name?.trim() || null };
}

function status(value: string | null | undefined): MeetingStatus {
  return value === 'cancelled' ? 'cancelled' : value === 'tentative' ? 'tentative' : 'confirmed';
}

function eventTime(time: calendar_v3.Schema$EventDateTime | undefined): { date: Date; allDay: boolean } | null {
  if (time?.dateTime) {
    const date = new Date(time.dateTime);
    return Number.isNaN(date.getTime()) ? null : { date, allDay: false };
  }
  if (time?.date) {
    const date = new Date(`${time.date}T00:00:00Z`);
    return Number.isNaN(date.getTime()) ? null : { date, allDay: true };
  }
  return null;
}
