import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCalendar } from '../../../src/ingest/parse-calendar.ts';

/** Joins fixture lines the way mail clients send them: CRLF. */
const crlf = (lines: string[]): string => `${lines.join('\r\n')}\r\n`;

const calendar = (method: string | null, body: string[]): string[] => [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//rapport tests//EN',
  ...(method ? [`METHOD:${method}`] : []),
  ...body,
  'END:VCALENDAR',
];

const GOOGLE_REQUEST = crlf(calendar('REQUEST', [
  'BEGIN:VEVENT',
  'DTSTART:20240611T150000Z',
  'DTEND:20240611T153000Z',
  'ORGANIZER;CN=Ada Lovelace:mailto:Ada@Example.com',
  'UID:abc123@google.com',
  'ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Ada Lovelace;X-NUM-GUESTS=0:mailto:ada@example.com',
  'ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=OPT-PARTICIPANT;PARTSTAT=needs-action;RSVP=',
  ' TRUE;CN=Charles Babbage;X-NUM-GUESTS=0:mailto:charles@example.org',
  'SEQUENCE:0',
  'STATUS:CONFIRMED',
  'SUMMARY:Coffee chat',
  'DESCRIPTION:Let\'s talk about engines\\, analytical ones.',
  'LOCATION:Blue Bottle',
  'END:VEVENT',
]));

const GOOGLE_CANCEL = crlf(calendar('CANCEL', [
  'BEGIN:VEVENT',
  'DTSTART:20240611T150000Z',
  'DTEND:20240611T153000Z',
  'ORGANIZER;CN=Ada Lovelace:mailto:ada@example.com',
  'UID:abc123@google.com',
  'SEQUENCE:2',
  'STATUS:CONFIRMED',
  'SUMMARY:Coffee chat',
  'END:VEVENT',
]));

/** US Eastern rules under a made-up name, so only the VTIMEZONE can resolve it. */
const EASTERN_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Eastern Custom',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:-0500',
  'TZOFFSETTO:-0400',
  'DTSTART:20070311T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:-0400',
  'TZOFFSETTO:-0500',
  'DTSTART:20071104T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

const event = (...lines: string[]): string[] => ['BEGIN:VEVENT', ...lines, 'END:VEVENT'];

/** Parses and expects exactly one event, failing loudly otherwise. */
function only(text: string) {
  const result = parseCalendar(text);
  expect(result.events).toHaveLength(1);
  return result.events[0]!;
}

describe('parseCalendar: fixtures', () => {
  it('reads a Google REQUEST with organizer and attendees', () => {
    const result = parseCalendar(GOOGLE_REQUEST);
    expect(result.errors).toEqual([]);
    expect(result.events).toEqual([{
      uid: 'abc123@google.com',
      recurrenceId: null,
      sequence: 0,
      method: 'REQUEST',
      status: 'confirmed',
      summary: 'Coffee chat',
      description: "Let's talk about engines, analytical ones.",
      location: 'Blue Bottle',
      start: new Date('2024-06-11T15:00:00Z'),
      end: new Date('2024-06-11T15:30:00Z'),
      allDay: false,
      recurrenceRule: null,
      organizer: { address: 'ada@example.com', name: 'Ada Lovelace' },
      attendees: [
        { address: 'ada@example.com', name: 'Ada Lovelace', partstat: 'ACCEPTED', role: 'REQ-PARTICIPANT' },
        { address: 'charles@example.org', name: 'Charles Babbage', partstat: 'NEEDS-ACTION', role: 'OPT-PARTICIPANT' },
      ],
    }]);
  });

  it('marks a CANCEL as cancelled and keeps its higher SEQUENCE', () => {
    const cancel = only(GOOGLE_CANCEL);
    expect(cancel).toMatchObject({ uid: 'abc123@google.com', method: 'CANCEL', status: 'cancelled', sequence: 2 });
    expect(cancel.sequence).toBeGreaterThan(only(GOOGLE_REQUEST).sequence);
  });

  it('maps STATUS values', () => {
    const withStatus = (status: string) =>
      only(crlf(calendar(null, event('UID:s', 'DTSTART:20240101T100000Z', `STATUS:${status}`)))).status;
    expect(withStatus('TENTATIVE')).toBe('tentative');
    expect(withStatus('cancelled')).toBe('cancelled');
    expect(withStatus('CONFIRMED')).toBe('confirmed');
  });

  it('returns a recurring master and its overridden occurrence as separate events', () => {
    const { events, errors } = parseCalendar(crlf(calendar('REQUEST', [
      ...event('UID:weekly@example.com', 'DTSTART:20240108T150000Z', 'DTEND:20240108T160000Z',
        'RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10', 'SUMMARY:Weekly sync'),
      ...event('UID:weekly@example.com', 'RECURRENCE-ID:20240115T150000Z', 'SEQUENCE:1',
        'DTSTART:20240116T160000Z', 'DTEND:20240116T170000Z', 'SUMMARY:Weekly sync (moved)'),
    ])));
    expect(errors).toEqual([]);
    const [master, moved] = events;
    expect(master).toMatchObject({ uid: 'weekly@example.com', recurrenceId: null, sequence: 0 });
    expect(master!.recurrenceRule?.split(';').sort()).toEqual(['BYDAY=MO', 'COUNT=10', 'FREQ=WEEKLY']);
    expect(moved).toMatchObject({
      uid: 'weekly@example.com', recurrenceId: '2024-01-15T15:00:00.000Z', sequence: 1, recurrenceRule: null,
      start: new Date('2024-01-16T16:00:00Z'),
    });
  });

  it('resolves TZID through the VTIMEZONE in the file, across DST', () => {
    const { events, errors } = parseCalendar(crlf(calendar('REQUEST', [
      ...EASTERN_VTIMEZONE,
      ...event('UID:tz-summer', 'DTSTART;TZID="Eastern Custom":20240315T090000',
        'DTEND;TZID=Eastern Custom:20240315T100000'),
      ...event('UID:tz-winter', 'DTSTART;TZID=Eastern Custom:20240115T090000', 'DURATION:PT45M'),
      // No seconds: ical.js rejects it, the lenient reader still applies the VTIMEZONE.
      ...event('UID:tz-sloppy', 'DTSTART;TZID=Eastern Custom:20240115T0900'),
    ])));
    expect(errors).toEqual([]);
    expect(events.map((e) => [e.start?.toISOString(), e.end?.toISOString()])).toEqual([
      ['2024-03-15T13:00:00.000Z', '2024-03-15T14:00:00.000Z'],
      ['2024-01-15T14:00:00.000Z', '2024-01-15T14:45:00.000Z'],
      ['2024-01-15T14:00:00.000Z', '2024-01-15T14:00:00.000Z'],
    ]);
  });

  it('falls back to IANA names for TZIDs without a VTIMEZONE and treats floating times as UTC', () => {
    const { events } = parseCalendar(crlf(calendar(null, [
      ...event('UID:iana', 'DTSTART;TZID=America/New_York:20240701T090000'),
      ...event('UID:mozilla', 'DTSTART;TZID=/mozilla.org/20070129_1/Europe/Berlin:20240115T090000'),
      ...event('UID:floating', 'DTSTART:20240115T090000'),
      ...event('UID:windows', 'DTSTART;TZID=Romance Standard Time:20240115T090000'),
    ])));
    expect(events.map((e) => e.start?.toISOString())).toEqual([
      '2024-07-01T13:00:00.000Z', '2024-01-15T08:00:00.000Z', '2024-01-15T09:00:00.000Z', '2024-01-15T09:00:00.000Z',
    ]);
    expect(events[0]!.end).toEqual(events[0]!.start);
  });

  it('reads all-day events, with and without DTEND and VALUE=DATE', () => {
    const { events, errors } = parseCalendar(crlf(calendar('PUBLISH', [
      ...event('UID:day1', 'DTSTART;VALUE=DATE:20240704', 'DTEND;VALUE=DATE:20240706', 'SUMMARY:Offsite'),
      ...event('UID:day2', 'DTSTART;VALUE=DATE:20241225'),
      ...event('UID:day3', 'DTSTART:20240101'),
    ])));
    expect(errors).toEqual([]);
    expect(events.map((e) => [e.allDay, e.start?.toISOString(), e.end?.toISOString()])).toEqual([
      [true, '2024-07-04T00:00:00.000Z', '2024-07-06T00:00:00.000Z'],
      [true, '2024-12-25T00:00:00.000Z', '2024-12-26T00:00:00.000Z'],
      [true, '2024-01-01T00:00:00.000Z', '2024-01-02T00:00:00.000Z'],
    ]);
  });

  it('derives a stable nouid: identifier when UID is missing', () => {
    const text = (summary: string) => crlf(calendar('REQUEST', event(
      'DTSTART:20240301T100000Z', `SUMMARY:${summary}`, 'ORGANIZER:mailto:ada@example.com')));
    const first = only(text('Intro call'));
    expect(first.uid).toMatch(/^nouid:[0-9a-f]{64}$/);
    expect(only(text('Intro call')).uid).toBe(first.uid);
    expect(only(text('Another call')).uid).not.toBe(first.uid);
  });

  it('handles a BOM, CRLF, LF and folded lines alike', () => {
    const lines = calendar('REQUEST', event(
      'UID:fold@example.com',
      'DTSTART:20240301T100000Z',
      'SUMMARY:A rather long summary that a producer folded',
      '  across two lines',
      'ORGANIZER;CN="Lovelace, Ada":MAILTO:',
      '\tAda@Example.COM',
      'ATTENDEE;PARTSTAT=TENTATIVE;CN="Babbage,',
      '  Charles":mailto:charles@example.org',
    ));
    const expected = {
      summary: 'A rather long summary that a producer folded across two lines',
      organizer: { address: 'ada@example.com', name: 'Lovelace, Ada' },
      attendees: [{ address: 'charles@example.org', name: 'Babbage, Charles', partstat: 'TENTATIVE', role: null }],
    };
    expect(only(`\uFEFF${crlf(lines)}`)).toMatchObject(expected);
    expect(only(`${lines.join('\n')}\n`)).toMatchObject(expected);
  });

  it('normalises and dedupes attendee addresses', () => {
    const { attendees, organizer } = only(crlf(calendar('REQUEST', event(
      'UID:addr', 'DTSTART:20240301T100000Z',
      'ORGANIZER;CN=boss@example.com:mailto:Boss@Example.com',
      'ATTENDEE;CN=\'Quoted Name\':MAILTO: Quoted@Example.com ',
      'ATTENDEE;CN=Again:mailto:quoted@example.com',
      'ATTENDEE;CN=Room 1:urn:uuid:1234-5678',
      'ATTENDEE;CN=Bare:bare@example.net',
      'ATTENDEE;EMAIL=icloud@example.com;CN=Via Email:urn:uuid:abcd',
      'ATTENDEE;CN=:mailto:nocn@example.com',
    ))));
    expect(organizer).toEqual({ address: 'boss@example.com', name: null });
    expect(attendees.map((a) => [a.address, a.name])).toEqual([
      ['quoted@example.com', 'Quoted Name'],
      ['bare@example.net', 'Bare'],
      ['icloud@example.com', 'Via Email'],
      ['nocn@example.com', null],
    ]);
  });

  it('reads concatenated VCALENDARs, each with its own METHOD', () => {
    const { events, errors } = parseCalendar(GOOGLE_REQUEST + GOOGLE_CANCEL);
    expect(errors).toEqual([]);
    expect(events.map((e) => [e.method, e.status])).toEqual([['REQUEST', 'confirmed'], ['CANCEL', 'cancelled']]);
  });

  it('returns errors, never throws, on garbage', () => {
    for (const garbage of ['', 'hello: world', 'not a calendar at all', '\u0000\u0001\uFFFD', 'BEGIN:VCALENDAR']) {
      const result = parseCalendar(garbage);
      expect(result.events).toEqual([]);
      expect(result.errors.length).toBeGreaterThan(0);
    }
    expect(parseCalendar('not a calendar at all').errors[0]).toMatch(/^not iCalendar/);
  });

  it('keeps the readable parts of a partly broken file and says what it skipped', () => {
    const broken = [
      'BEGIN:VCALENDAR', 'METHOD:REQUEST',
      ...event('UID:ok-1', 'DTSTART:20240301T100000Z', 'THIS LINE IS BROKEN', 'RRULE:FREQ=NEVER'),
      'BEGIN:VEVENT', 'UID:unterminated', 'DTSTART:not-a-date',
      'BEGIN:VCALENDAR', ...event('UID:ok-2', 'DTSTART:20240302T100000Z'), 'END:VCALENDAR',
    ].join('\n');
    const { events, errors } = parseCalendar(broken);
    expect(events.map((e) => [e.uid, e.method, e.start?.toISOString() ?? null])).toEqual([
      ['ok-1', 'REQUEST', '2024-03-01T10:00:00.000Z'],
      ['unterminated', 'REQUEST', null],
      ['ok-2', null, '2024-03-02T10:00:00.000Z'],
    ]);
    expect(errors.join('\n')).toMatch(/THIS LINE IS BROKEN/);
    expect(errors.join('\n')).toMatch(/bad DTSTART/);
  });
});

const shared = path.resolve(process.cwd(), '../shared/data/ics');

describe.runIf(fs.existsSync(shared))('parseCalendar: shared real-world files', () => {
  const read = (relative: string): string => fs.readFileSync(path.join(shared, relative), 'utf8');
  const nylas = 'nylas__sync-engine/inbox/test';

  it('never throws, and reads events from nearly every file that has a VEVENT', () => {
    const files = (fs.readdirSync(shared, { recursive: true }) as string[])
      .filter((name) => fs.statSync(path.join(shared, name)).isFile());
    expect(files.length).toBeGreaterThan(100);
    let withEvents = 0;
    let withVevent = 0;
    let readVevent = 0;
    for (const name of files) {
      const text = read(name);
      const { events } = parseCalendar(text);
      if (events.length > 0) withEvents++;
      if (/^BEGIN:VEVENT/im.test(text)) {
        withVevent++;
        if (events.length > 0) readVevent++;
      }
    }
    // Many files hold only VTIMEZONE/VTODO/VFREEBUSY, so the overall bar is lower.
    expect(withEvents / files.length).toBeGreaterThan(0.75);
    expect(readVevent / withVevent).toBeGreaterThan(0.95);
  });

  it('reads a Google invitation as written', () => {
    const event = only(read(`${nylas}/data/invite.ics`));
    expect(event).toMatchObject({
      uid: '3f449c2mddkrkat2e803koqgt8@google.com',
      method: 'REQUEST',
      status: 'confirmed',
      summary: 'test recurring event',
      location: 'just some location',
      allDay: true,
      start: new Date('2014-08-10T00:00:00Z'),
      end: new Date('2014-08-11T00:00:00Z'),
      organizer: { address: 'charles@inboxapp.com', name: 'Charles Gruenwald' },
    });
    expect(event.recurrenceRule).toMatch(/FREQ=WEEKLY/);
    expect(event.attendees.map((a) => [a.address, a.name, a.partstat])).toEqual([
      ['johnqpublic@example.com', 'John Q. Public', 'NEEDS-ACTION'],
      ['alyssaphacker@example.com', 'Alyssa P Hacker', 'ACCEPTED'],
      ['benbitdit@example.com', null, 'DECLINED'],
      ['filet.minyon@example.com', 'Filet Minyon', 'TENTATIVE'],
    ]);
  });

  it('reads a Google cancellation', () => {
    expect(only(read(`${nylas}/events/fixtures/google_cancelled2.ics`))).toMatchObject({
      uid: 'c74p2nmutcd0kt69ku7rs8vu2g@google.com', method: 'CANCEL', status: 'cancelled', sequence: 1,
    });
  });

  it('resolves an Exchange Windows TZID through its VTIMEZONE', () => {
    const event = only(read(`${nylas}/events/fixtures/invite_w_rsvps1.ics`));
    // 16:00 "Romance Standard Time" on 1 April 2015 is CEST, UTC+2.
    expect(event.start).toEqual(new Date('2015-04-01T14:00:00Z'));
    expect(event.attendees[0]).toMatchObject({ address: 'karim@example.com', name: 'Karim Hamidou' });
  });

  it('repairs a mis-quoted TZID parameter from Exchange', () => {
    const { events } = parseCalendar(read('jens-maus__node-ical/test/fixtures/ms_timezones.ics'));
    expect(events.map((e) => e.start?.toISOString())).toContain('2020-06-09T07:00:00.000Z');
  });
});
