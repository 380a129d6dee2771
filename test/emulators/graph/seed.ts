/**
 * Seeding a Graph mailbox and calendar from a folder, on the Google emulator's readers:
 * messages oldest first (mail from the owner to Sent Items, the rest to Inbox, received
 * at their Date:), and .ics events read into a scratch Google calendar, then carried over
 * with their RRULE lines, exceptions and cancellations.
 */
import { CalendarStore } from '../google/calendar-store.ts';
import { seedCalendar } from '../google/ics.ts';
import { HexIds } from '../google/ids.ts';
import { readFacts } from '../google/message-facts.ts';
import { instantOf } from '../google/recurrence.ts';
import type { GraphCalendar, Response } from './calendar-store.ts';
import type { MailStore } from './mail-store.ts';

const RESPONSES: Record<string, Response> = { accepted: 'accepted', declined: 'declined', tentative: 'tentativelyAccepted' };

export function seedMail(mail: MailStore, messages: Buffer[], nowMs: number): number {
  const items = messages.map((raw) => ({ raw, facts: readFacts(raw) })).sort((a, b) => (a.facts.date?.getTime() ?? nowMs) - (b.facts.date?.getTime() ?? nowMs));
  for (const { raw, facts } of items) {
    const folder = facts.fromAddress === mail.email ? 'sentitems' : 'inbox';
    mail.insert({ raw, folder, receivedMs: facts.date?.getTime() ?? nowMs, isRead: folder === 'sentitems' });
  }
  return items.length;
}

export function seedEvents(calendar: GraphCalendar, calendars: string[], nowMs: number): number {
  const scratch = new CalendarStore(calendar.owner, {
    eventIds: new HexIds(0x6e00000000000001n),
    now: () => nowMs,
    horizonMs: () => nowMs + 3 * 366 * 86_400_000,
    onChange: () => undefined,
  });
  const written = seedCalendar(scratch, calendars);
  const idOf = new Map<string, string>();
  const ordered = scratch.all().sort((a, b) => Number(Boolean(a.recurringEventId)) - Number(Boolean(b.recurringEventId)));
  for (const e of ordered) {
    const masterId = e.recurringEventId ? idOf.get(e.recurringEventId) : undefined;
    const originalStartMs = e.originalStartTime ? instantOf(e.originalStartTime) : null;
    const stored = calendar.upsertResolved(
      {
        iCalUId: e.iCalUID, subject: e.summary ?? '', body: e.description ?? '', location: e.location ?? '',
        startMs: instantOf(e.start), endMs: instantOf(e.end), zone: e.start.timeZone ?? 'UTC', isAllDay: Boolean(e.start.date),
        organizer: e.organizer ? { address: e.organizer.email, ...(e.organizer.displayName ? { name: e.organizer.displayName } : {}) } : null,
        attendees: (e.attendees ?? []).map((a) => ({ address: a.email, ...(a.displayName ? { name: a.displayName } : {}), response: RESPONSES[a.responseStatus ?? ''] ?? 'none' })),
        recurrence: null,
        rules: e.recurrence && !e.recurringEventId ? e.recurrence : null,
        isCancelled: e.status === 'cancelled',
        seriesMasterId: masterId ?? null,
        originalStartMs: masterId ? originalStartMs : null,
      },
      masterId && originalStartMs !== null ? `${masterId}_${occurrenceKey(originalStartMs, Boolean(e.start.date))}` : undefined,
    );
    idOf.set(e.id, stored.id);
  }
  return written;
}

function occurrenceKey(ms: number, allDay: boolean): string {
  const text = new Date(ms).toISOString();
  return allDay ? text.slice(0, 10).replace(/-/g, '') : text.replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}
