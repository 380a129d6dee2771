import type { Queryable } from './database.ts';
import { displayNameOf } from './contact-name-sql.ts';

export interface MeetingSummary {
  id: number;
  uid: string;
  summary: string;
  status: string;
  startAt: Date | null;
  endAt: Date | null;
  allDay: boolean;
  location: string;
  organizer: string | null;
  isInformational: boolean;
  attendees: { contactId: number; address: string; name: string | null; partstat: string | null }[];
}

/** Every meeting, latest start first, with its attendees. */
export async function listMeetings(db: Queryable): Promise<MeetingSummary[]> {
  const rows = await db.query<{
    id: number; uid: string; summary: string; status: string; start_at: Date | null;
    end_at: Date | null; all_day: boolean; location: string; organizer_address: string | null;
    is_informational: boolean;
    attendees: { contactId: number; address: string; name: string | null; partstat: string | null }[] | null;
  }>(
    `select m.id, m.uid, m.summary, m.status, m.start_at, m.end_at, m.all_day, m.location,
       m.organizer_address, m.is_informational,
       (select json_agg(json_build_object(
           'contactId', a.contact_id,
           'address', (select min(e.address) from contact_email e where e.contact_id = a.contact_id),
           'name', ${displayNameOf('a.contact_id')},
           'partstat', a.partstat) order by a.contact_id)
        from meeting_attendee a where a.meeting_id = m.id) as attendees
     from meeting m
     order by m.start_at desc nulls last, m.id`,
  );
  return rows.map((r) => ({
    id: r.id, uid: r.uid, summary: r.summary, status: r.status, startAt: r.start_at,
    endAt: r.end_at, allDay: r.all_day, location: r.location, organizer: r.organizer_address,
    isInformational: r.is_informational, attendees: r.attendees ?? [],
  }));
}
