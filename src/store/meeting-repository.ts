import type { CalendarEvent, MeetingRecord } from '../core/types.ts';
import { countNames, upsertContacts } from './contact-repository.ts';
import type { Queryable } from './database.ts';
import { deleteInteractionsBySource, interactionKey, upsertInteractions } from './interaction-repository.ts';

export type MeetingOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Stores a calendar event as a meeting. An event with the same UID (and occurrence)
 * updates the meeting when its SEQUENCE is at least the stored one; a cancellation marks
 * it cancelled and takes it out of the contacts' logs. A REPLY only updates the answer
 * of the attendee who sent it.
 */
export async function recordMeeting(
  tx: Queryable,
  record: MeetingRecord,
  messageRowId: number | null,
): Promise<MeetingOutcome> {
  const event = record.event;
  const [current] = await tx.query<{ id: number; sequence: number }>(
    'select id, sequence from meeting where uid = $1 and recurrence_id = $2',
    [event.uid, event.recurrenceId ?? ''],
  );
  if (current && event.sequence < current.sequence) return 'unchanged';
  const isReplyToKnown = current !== undefined && event.method === 'REPLY';
  const meetingId = current
    ? isReplyToKnown
      ? current.id
      : await updateMeeting(tx, current.id, record, messageRowId)
    : await insertMeeting(tx, record, messageRowId);
  await recordAttendees(tx, meetingId, record);
  return current ? 'updated' : 'created';
}

async function insertMeeting(tx: Queryable, r: MeetingRecord, messageRowId: number | null): Promise<number> {
  const e = r.event;
  const [row] = await tx.query<{ id: number }>(
    `insert into meeting (uid, recurrence_id, sequence, status, summary, description, location,
       start_at, end_at, all_day, recurrence_rule, organizer_address, message_id, source)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) returning id`,
    [...eventColumns(e), messageRowId, r.source],
  );
  return row!.id;
}

async function updateMeeting(
  tx: Queryable,
  id: number,
  r: MeetingRecord,
  messageRowId: number | null,
): Promise<number> {
  await tx.query(
    `update meeting set uid = $1, recurrence_id = $2, sequence = $3, status = $4, summary = $5, description = $6, location = $7,
       start_at = $8, end_at = $9, all_day = $10, recurrence_rule = $11,
       organizer_address = coalesce($12, organizer_address),
       message_id = coalesce(message_id, $13), source = $14, updated_at = now()
     where id = $15`,
    [...eventColumns(r.event), messageRowId, r.source, id],
  );
  return id;
}

function eventColumns(e: CalendarEvent): unknown[] {
  return [
    e.uid, e.recurrenceId ?? '', e.sequence, e.status, e.summary, e.description, e.location,
    e.start, e.end, e.allDay, e.recurrenceRule, e.organizer?.address ?? null,
  ];
}

async function recordAttendees(tx: Queryable, meetingId: number, r: MeetingRecord): Promise<void> {
  const e = r.event;
  const sourceKey = `meeting:${e.uid}:${e.recurrenceId ?? ''}`;
  const ids = await upsertContacts(tx, r.contacts);
  const answers = new Map(e.attendees.map((a) => [a.address, a]));
  for (const [address, contactId] of ids) {
    const answer = answers.get(address);
    await tx.query(
      `insert into meeting_attendee (meeting_id, contact_id, is_organizer, partstat, role)
       values ($1, $2, $3, $4, $5)
       on conflict (meeting_id, contact_id) do update
         set partstat = coalesce(excluded.partstat, meeting_attendee.partstat),
             role = coalesce(excluded.role, meeting_attendee.role),
             is_organizer = meeting_attendee.is_organizer or excluded.is_organizer`,
      [meetingId, contactId, e.organizer?.address === address, answer?.partstat ?? null, answer?.role ?? null],
    );
  }
  const [meeting] = await tx.query<{ status: string; start_at: Date | null; summary: string }>(
    'select status, start_at, summary from meeting where id = $1',
    [meetingId],
  );
  if (meeting!.status === 'cancelled') return deleteInteractionsBySource(tx, sourceKey);
  const fresh = await upsertInteractions(
    tx,
    [...ids.values()].map((contactId) => ({
      contactId, kind: 'meeting', occurredAt: meeting!.start_at, messageId: null,
      meetingId, summary: meeting!.summary, sourceKey,
    })),
  );
  await countNames(
    tx,
    r.contacts
      .filter((p) => p.name && fresh.has(interactionKey(ids.get(p.address)!, sourceKey)))
      .map((p) => ({ contactId: ids.get(p.address)!, name: p.name! })),
  );
}
