import type { CalendarEvent, MeetingRecord } from '../core/types.ts';
import { countNames, upsertContacts } from './contact-repository.ts';
import type { Queryable } from './database.ts';
import { deleteInteractionsBySource, interactionKey, upsertInteractions } from './interaction-repository.ts';

export interface MeetingOutcome {
  status: 'created' | 'updated' | 'unchanged';
  meetingId: number | null;
}

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
  const [current] = await tx.query<{ id: number; sequence: number; source: string }>(
    'select id, sequence, source from meeting where uid = $1 and recurrence_id = $2',
    [event.uid, event.recurrenceId ?? ''],
  );
  if (current && event.sequence < current.sequence) return { status: 'unchanged', meetingId: current.id };
  // A connected calendar shows the event as it is now; an invitation in the mail, as it
  // was when sent. At the same SEQUENCE the calendar wins, whichever arrives first.
  if (current && messageRowId !== null && event.sequence === current.sequence && isCalendarSource(current.source)) {
    await tx.query('update meeting set message_id = coalesce(message_id, $2) where id = $1', [current.id, messageRowId]);
    return { status: 'unchanged', meetingId: current.id };
  }
  const isReplyToKnown = current !== undefined && event.method === 'REPLY';
  const meetingId = current
    ? isReplyToKnown
      ? current.id
      : await updateMeeting(tx, current.id, record, messageRowId)
    : await insertMeeting(tx, record, messageRowId);
  await recordAttendees(tx, meetingId, record);
  return { status: current ? 'updated' : 'created', meetingId };
}

/** Sources written by a provider's calendar sync (`gmail-calendar:<account>/<event>`). */
export function isCalendarSource(source: string): boolean {
  return /^[a-z]+-calendar:/.test(source);
}

async function insertMeeting(tx: Queryable, r: MeetingRecord, messageRowId: number | null): Promise<number> {
  const e = r.event;
  const [row] = await tx.query<{ id: number }>(
    `insert into meeting (uid, recurrence_id, sequence, status, summary, description, location,
       start_at, end_at, all_day, recurrence_rule, organizer_address, message_id, source, thread_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
       (select thread_id from message where id = $13)) returning id`,
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
       message_id = coalesce(message_id, $13), source = $14, updated_at = now(),
       thread_id = coalesce(thread_id, (select thread_id from message where id = $13))
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

// Titles that name a networking conversation rather than a work meeting.
const INFORMATIONAL_TITLE = "(informational|coffee|chat|catch up|catch-up|career|advice|introduc|intro call|get to know|networking)";

/**
 * Links meetings to the outreach thread with someone who attends them (the latest thread
 * started before the meeting), and marks as informational interviews those linked to
 * outreach or small meetings whose title names such a conversation.
 */
export async function linkMeetingsToOutreach(tx: Queryable, meetingIds: readonly number[]): Promise<void> {
  if (meetingIds.length === 0) return;
  await tx.query(
    `update meeting m set thread_id = coalesce(
       (select t.id from thread t join meeting_attendee a on a.contact_id = t.contact_id and a.meeting_id = m.id
        where t.kind = 'outreach' and (m.start_at is null or t.first_message_at is null or t.first_message_at <= m.start_at)
        order by t.last_message_at desc nulls last, t.id desc limit 1),
       m.thread_id)
     where m.id = any($1::int[])`,
    [meetingIds],
  );
  await tx.query(
    `update meeting m set is_informational =
       exists (select 1 from thread t where t.id = m.thread_id and t.kind = 'outreach')
       or ((select count(*) from meeting_attendee a where a.meeting_id = m.id) <= 3
           and m.summary ~* '${INFORMATIONAL_TITLE}')
     where m.id = any($1::int[])`,
    [meetingIds],
  );
}

/** Marks meetings cancelled and takes them out of the contacts' logs; returns those changed. */
export async function cancelMeetings(tx: Queryable, meetingIds: readonly number[]): Promise<number[]> {
  if (meetingIds.length === 0) return [];
  const rows = await tx.query<{ id: number; uid: string; recurrence_id: string }>(
    `update meeting set status = 'cancelled', updated_at = now()
     where id = any($1::int[]) and status <> 'cancelled' returning id, uid, recurrence_id`,
    [meetingIds],
  );
  for (const r of rows) await deleteInteractionsBySource(tx, `meeting:${r.uid}:${r.recurrence_id}`);
  return rows.map((r) => r.id);
}

/**
 * Links meetings that are not yet part of a thread to the outreach threads of these
 * messages' correspondents. A calendar often syncs before the mail that led to the
 * meeting; without this the meeting would stay unlinked. Returns the meetings linked.
 */
export async function linkMeetingsOfMessages(tx: Queryable, messageRowIds: readonly number[]): Promise<number[]> {
  if (messageRowIds.length === 0) return [];
  const rows = await tx.query<{ id: number }>(
    `select distinct g.id from message msg
     join thread t on t.id = msg.thread_id and t.kind = 'outreach' and t.contact_id is not null
     join meeting_attendee a on a.contact_id = t.contact_id
     join meeting g on g.id = a.meeting_id and g.thread_id is null
     where msg.id = any($1::int[])`,
    [messageRowIds],
  );
  const ids = rows.map((r) => r.id);
  await linkMeetingsToOutreach(tx, ids);
  const linked = await tx.query<{ id: number }>('select id from meeting where id = any($1::int[]) and thread_id is not null', [ids]);
  return linked.map((r) => r.id);
}
