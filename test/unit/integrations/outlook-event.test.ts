import { describe, expect, it } from 'vitest';
import { fromGraphEvent } from '../../../src/integrations/outlook/outlook-event.ts';

describe('fromGraphEvent', () => {
  it('maps a single event the way an .ics event is mapped', () => {
    const event = fromGraphEvent({
      id: 'AAMk-e1',
      iCalUId: '040000008200E00074C5B7101A82E008',
      subject: ' Informational interview ',
      body: { contentType: 'text', content: 'Agenda' },
      location: { displayName: ' Room 4 ' },
      start: { dateTime: '2026-03-05T08:00:00.0000000', timeZone: 'UTC' },
      end: { dateTime: '2026-03-05T08:30:00.0000000', timeZone: 'UTC' },
      isAllDay: false,
      isCancelled: false,
      type: 'singleInstance',
      organizer: { emailAddress: { name: 'Ana Ruiz', address: 'Ana@Example.org' } },
      attendees: [
        { type: 'required', status: { response: 'accepted' }, emailAddress: { name: 'Sam', address: 'sam@example.com' } },
        { type: 'optional', status: { response: 'tentativelyAccepted' }, emailAddress: { address: 'kim@example.com' } },
        { type: 'required', status: { response: 'none' }, emailAddress: { address: 'lee@example.com' } },
      ],
    });
    expect(event).toEqual({
      uid: '040000008200E00074C5B7101A82E008',
      recurrenceId: null,
      sequence: 0,
      method: null,
      status: 'confirmed',
      summary: 'Informational interview',
      description: 'Agenda',
      location: 'Room 4',
      start: new Date('2026-03-05T08:00:00Z'),
      end: new Date('2026-03-05T08:30:00Z'),
      allDay: false,
      recurrenceRule: null,
      organizer: { address: 'ana@example.org', name: 'Ana Ruiz' },
      attendees: [
        { address: 'sam@example.com', name: 'Sam', partstat: 'ACCEPTED', role: 'REQ-PARTICIPANT' },
        { address: 'kim@example.com', name: null, partstat: 'TENTATIVE', role: 'OPT-PARTICIPANT' },
        { address: 'lee@example.com', name: null, partstat: 'NEEDS-ACTION', role: 'REQ-PARTICIPANT' },
      ],
    });
  });

  it('reads wall times in the named zone, all-day dates at midnight UTC, occurrences with their original start', () => {
    const zoned = fromGraphEvent({
      id: 'x',
      start: { dateTime: '2026-07-01T09:00:00.0000000', timeZone: 'Europe/Berlin' },
      end: { dateTime: '2026-07-01T10:00:00.0000000', timeZone: 'Europe/Berlin' },
    });
    expect(zoned.start).toEqual(new Date('2026-07-01T07:00:00Z'));
    expect(zoned.uid).toBe('x@outlook.com');

    const allDay = fromGraphEvent({
      id: 'y',
      isAllDay: true,
      start: { dateTime: '2026-07-02T00:00:00.0000000', timeZone: 'Pacific Standard Time' },
      end: { dateTime: '2026-07-03T00:00:00.0000000', timeZone: 'Pacific Standard Time' },
    });
    expect(allDay).toMatchObject({ allDay: true, start: new Date('2026-07-02T00:00:00Z'), end: new Date('2026-07-03T00:00:00Z') });

    const occurrence = fromGraphEvent({
      id: 'z',
      iCalUId: 'series-uid',
      type: 'occurrence',
      seriesMasterId: 'master',
      originalStart: '2026-07-08T09:00:00Z',
      start: { dateTime: '2026-07-08T09:00:00.0000000', timeZone: 'UTC' },
      isCancelled: true,
    });
    expect(occurrence).toMatchObject({ uid: 'series-uid', recurrenceId: '2026-07-08T09:00:00.000Z', status: 'cancelled' });
  });
});
