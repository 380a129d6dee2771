import { DRAFT_MOVES } from '../approval/draft-lifecycle.ts';
import type { Queryable } from './database.ts';
import type { ContactProfile } from '../approval/plan-fields.ts';
import { displayNameOf } from './contact-name-sql.ts';

/**
 * The planner's view of contacts: who a draft is addressed to and how they are named,
 * and what deciding a check-in needs (nurture, the last interaction).
 */

const WITHDRAWABLE = [...DRAFT_MOVES.supersede.from];

/** A contact as drafts address and name them. */
export type ContactRow = ContactProfile;

/**
 * A contact's name, address and details. What the user typed in a target list wins over
 * what mail suggests (they chose it); the address is the one most recently used with them.
 */
export async function loadContactProfile(db: Queryable, contactId: number): Promise<ContactRow | null> {
  const [row] = await db.query<{
    id: number; chosen_name: string | null; mail_name: string | null; address: string | null; title: string | null;
    chosen_source: string | null; how_we_met: string | null;
    referred: boolean; company: string | null; referrer_name: string | null; t_name: string | null; t_email: string | null;
    t_company: string | null; t_title: string | null; t_source: string | null; t_referrer: string | null; t_field: string | null;
  }>(
    `select c.id,
       c.chosen_name, ${displayNameOf('c.id')} as mail_name,
       (select e.address from contact_email e where e.contact_id = c.id
        order by (select max(m.sent_at) from interaction i join message m on m.id = i.message_id
                  where i.contact_id = c.id and e.address = any(m.participants)) desc nulls last, e.address limit 1) as address,
       c.title, c.chosen_source, c.how_we_met, c.referred_by_contact_id is not null as referred, co.name as company,
       ${displayNameOf('c.referred_by_contact_id')} as referrer_name,
       t.name as t_name, t.email as t_email, t.company as t_company, t.title as t_title, t.source as t_source,
       t.referrer as t_referrer, t.field as t_field
     from contact c left join company co on co.id = c.company_id left join target t on t.contact_id = c.id
     where c.id = $1
     order by t.id limit 1`,
    [contactId],
  );
  if (!row) return null;
  return {
    contactId: row.id,
    // A name the user typed on the contact's page is newer than the one in a targets file.
    name: row.chosen_name ?? row.t_name ?? row.mail_name,
    address: row.address ?? row.t_email,
    title: row.title ?? row.t_title,
    // What the user typed on the page wins; ingest notes referrals as "Suggested by
    // <address>", which the referrer's name says better.
    source: row.chosen_source ?? row.t_source ?? (row.referred ? null : row.how_we_met),
    company: row.t_company ?? row.company,
    referrerName: row.t_referrer ?? row.referrer_name,
    field: row.t_field,
  };
}

/** The latest meeting with the contact that started before `before` and was not cancelled. */
export async function lastMeetingWith(
  db: Queryable,
  contactId: number,
  before: Date,
): Promise<{ start: Date | null; end: Date | null; summary: string } | null> {
  const [row] = await db.query<{ start_at: Date | null; end_at: Date | null; summary: string }>(
    `select m.start_at, m.end_at, m.summary from meeting m join meeting_attendee a on a.meeting_id = m.id
     where a.contact_id = $1 and m.status <> 'cancelled' and m.start_at < $2
     order by m.start_at desc limit 1`,
    [contactId, before],
  );
  return row ? { start: row.start_at, end: row.end_at, summary: row.summary } : null;
}

/** Whether the user nurtures the contact, and when they last had anything to do with them. */
export async function loadNurtureFacts(
  db: Queryable,
  contactId: number,
): Promise<{ contactId: number; nurture: boolean; lastInteractionAt: Date | null } | null> {
  const [row] = await db.query<{ id: number; nurture: boolean; last_at: Date | null }>(
    // Being suggested to the user by someone else is not contact with the person.
    `select c.id, c.nurture,
       (select max(i.occurred_at) from interaction i where i.contact_id = c.id and i.kind <> 'referral') as last_at
     from contact c where c.id = $1`,
    [contactId],
  );
  return row ? { contactId: row.id, nurture: row.nurture, lastInteractionAt: row.last_at } : null;
}

/** Marks a contact as one to keep in touch with (or not); the planner then plans check-ins. */
export async function setNurture(db: Queryable, contactId: number, nurture: boolean): Promise<void> {
  await db.query('update contact set nurture = $2 where id = $1', [contactId, nurture]);
}

/** When the next check-in with the contact is due (null: none planned). */
export async function setNextTouchDue(db: Queryable, contactId: number, at: Date | null): Promise<void> {
  await db.query('update contact set next_touch_due_at = $2 where id = $1 and next_touch_due_at is distinct from $2', [contactId, at]);
}

/** Contacts of the given messages or meetings whose check-ins may change. */
export async function contactsToPlanOf(db: Queryable, messageRowIds: readonly number[], meetingIds: readonly number[]): Promise<number[]> {
  const rows = await db.query<{ id: number }>(
    `select c.id from contact c
     where c.id in (select contact_id from interaction where message_id = any($1::int[]) or meeting_id = any($2::int[]))
       and (c.nurture or c.next_touch_due_at is not null
            or exists (select 1 from draft d where d.kind = 'check_in' and d.contact_id = c.id and d.status = any($3::text[])))
     order by c.id`,
    [[...messageRowIds], [...meetingIds], WITHDRAWABLE],
  );
  return rows.map((r) => r.id);
}

/** Contacts a scan looks at: nurtured ones, and any with a check-in planned or waiting. */
export async function contactsToPlan(db: Queryable): Promise<number[]> {
  const rows = await db.query<{ id: number }>(
    `select id from contact where nurture or next_touch_due_at is not null
     union select contact_id from draft where kind = 'check_in' and status = any($1::text[]) and contact_id is not null
     order by 1`,
    [WITHDRAWABLE],
  );
  return rows.map((r) => r.id);
}

/** Withdraws a contact's waiting check-ins, except the one with `keepKey`. */
export async function supersedeCheckIns(db: Queryable, contactId: number, keepKey: string | null): Promise<number> {
  const rows = await db.query(
    `update draft set status = 'superseded', updated_at = now()
     where kind = 'check_in' and contact_id = $1 and status = any($2::text[]) and idempotency_key is distinct from $3
     returning id`,
    [contactId, WITHDRAWABLE, keepKey],
  );
  return rows.length;
}
