import { DRAFT_MOVES, OPEN_STATUSES } from '../approval/draft-lifecycle.ts';
import type { Queryable } from './database.ts';
import { displayNameOf } from './contact-name-sql.ts';

/**
 * What the planner reads and changes: meetings that may need a thank-you, outreach
 * threads that may need a follow-up, contacts the user nurtures, and the drafts that
 * become moot when the thing happened anyway.
 */

const OPEN = [...OPEN_STATUSES];
// States a draft can be withdrawn from: before it starts going out.
const WITHDRAWABLE = [...DRAFT_MOVES.supersede.from];

const CONTACT_NAME = displayNameOf;

/** A meeting with the person a thank-you would go to and the thread it came from. */
export interface MeetingToPlan {
  id: number;
  status: 'confirmed' | 'tentative' | 'cancelled';
  isInformational: boolean;
  start: Date | null;
  end: Date | null;
  summary: string;
  recurrenceRule: string | null;
  threadId: number | null;
  /** The outreach thread's contact when they attend, else the organizer, else the first who did not decline. */
  contactId: number | null;
}

export async function loadMeetingToPlan(db: Queryable, meetingId: number): Promise<MeetingToPlan | null> {
  const [row] = await db.query<{
    id: number; status: MeetingToPlan['status']; is_informational: boolean; start_at: Date | null; end_at: Date | null;
    summary: string; recurrence_rule: string | null; thread_id: number | null; contact_id: number | null;
  }>(
    `select m.id, m.status, m.is_informational, m.start_at, m.end_at, m.summary, m.recurrence_rule, m.thread_id,
       (select a.contact_id from meeting_attendee a where a.meeting_id = m.id and coalesce(a.partstat, '') <> 'DECLINED'
        order by (a.contact_id = t.contact_id) desc nulls last, a.is_organizer desc, a.contact_id limit 1) as contact_id
     from meeting m left join thread t on t.id = m.thread_id where m.id = $1`,
    [meetingId],
  );
  if (!row) return null;
  return {
    id: row.id, status: row.status, isInformational: row.is_informational, start: row.start_at, end: row.end_at,
    summary: row.summary, recurrenceRule: row.recurrence_rule, threadId: row.thread_id, contactId: row.contact_id,
  };
}

/** Meetings a scan looks at: those that end after `since` (cancelled ones too, to withdraw their work). */
export async function meetingsEndingAfter(db: Queryable, since: Date): Promise<number[]> {
  const rows = await db.query<{ id: number }>(
    `select id from meeting where coalesce(end_at, start_at) >= $1 and (is_informational or status = 'cancelled') order by id`,
    [since],
  );
  return rows.map((r) => r.id);
}

// A sent message to the contact that detection labelled a thank-you, sent at or after `$2`,
// and not a draft of another kind that rapport itself sent.
const THANK_YOU_SENT = `
  select 1 from interaction i join message m on m.id = i.message_id
  where i.contact_id = $1 and i.kind = 'email_sent' and m.sent_at >= $2
    and m.labels->'labels' @> '["thank_you"]'::jsonb
    and not exists (select 1 from draft o where o.rfc_message_id = m.rfc_message_id and o.kind <> 'thank_you')`;

/** Whether the user has already thanked the contact in mail sent at or after `since`. */
export async function hasThankYouSince(db: Queryable, contactId: number, since: Date): Promise<boolean> {
  const rows = await db.query<{ found: boolean }>(`select exists (${THANK_YOU_SENT}) as found`, [contactId, since]);
  return rows[0]?.found === true;
}

/**
 * Withdraws the thank-you drafts made moot by a thank-you the user sent after the meeting
 * (among `messageRowIds`, or any when null); returns the meetings they were for.
 */
export async function supersedeThankedDrafts(db: Queryable, messageRowIds: readonly number[] | null): Promise<number[]> {
  const rows = await db.query<{ meeting_id: number }>(
    `update draft d set status = 'superseded', updated_at = now()
     from meeting mt
     where d.kind = 'thank_you' and d.status = any($1::text[]) and mt.id = d.meeting_id
       and exists (select 1 from interaction i join message m on m.id = i.message_id
         where i.contact_id = d.contact_id and i.kind = 'email_sent'
           and m.sent_at >= coalesce(mt.end_at, mt.start_at)
           and m.labels->'labels' @> '["thank_you"]'::jsonb
           and ($2::int[] is null or m.id = any($2::int[]))
           and m.rfc_message_id is distinct from d.rfc_message_id
           and not exists (select 1 from draft o where o.rfc_message_id = m.rfc_message_id and o.kind <> 'thank_you'))
     returning d.meeting_id`,
    [WITHDRAWABLE, messageRowIds === null ? null : [...messageRowIds]],
  );
  return rows.map((r) => r.meeting_id);
}

/** Thank-you drafts still waiting for the user and not yet brought up again, with when their meeting ended. */
export async function thankYousNotReminded(db: Queryable): Promise<{ draftId: number; meetingId: number; endedAt: Date }[]> {
  const rows = await db.query<{ id: number; meeting_id: number; ended_at: Date }>(
    `select d.id, d.meeting_id, coalesce(m.end_at, m.start_at) as ended_at from draft d join meeting m on m.id = d.meeting_id
     where d.kind = 'thank_you' and d.status = any($1::text[]) and d.reminded_at is null
       and coalesce(m.end_at, m.start_at) is not null`,
    [OPEN],
  );
  return rows.map((r) => ({ draftId: r.id, meetingId: r.meeting_id, endedAt: r.ended_at }));
}

/** Notes that the user was reminded of a waiting draft; false when it no longer waits or already was. */
export async function markReminded(db: Queryable, draftId: number, at: Date): Promise<boolean> {
  const rows = await db.query(
    `update draft set reminded_at = $2, updated_at = now()
     where id = $1 and reminded_at is null and status = any($3::text[]) returning id`,
    [draftId, at, OPEN],
  );
  return rows.length > 0;
}

/** Names of the people `contactId` suggested the user talk to, since `since`. */
export async function referralsSuggestedBy(db: Queryable, contactId: number, since: Date): Promise<string[]> {
  const rows = await db.query<{ name: string | null }>(
    `select ${CONTACT_NAME('c.id')} as name from contact c
     where c.referred_by_contact_id = $1
       and exists (select 1 from interaction i where i.contact_id = c.id and i.kind = 'referral' and i.occurred_at >= $2)
     order by c.id`,
    [contactId, since],
  );
  return rows.flatMap((r) => (r.name ? [r.name] : []));
}

/** A message of a thread, with what a reply to it needs. */
export interface ThreadMessageRow {
  rowId: number;
  direction: 'sent' | 'received';
  sentAt: Date | null;
  labels: string[];
  rfcMessageId: string | null;
  refs: string[];
}

export interface ThreadToPlan {
  id: number;
  kind: 'outreach' | 'other';
  state: string | null;
  contactId: number | null;
  subject: string;
  /** Oldest first. */
  messages: ThreadMessageRow[];
}

export async function loadThreadToPlan(db: Queryable, threadId: number): Promise<ThreadToPlan | null> {
  const [thread] = await db.query<{ id: number; kind: 'outreach' | 'other'; state: string | null; contact_id: number | null; subject: string }>(
    'select id, kind, state, contact_id, subject from thread where id = $1',
    [threadId],
  );
  if (!thread) return null;
  const messages = await db.query<{
    id: number; direction: 'sent' | 'received'; sent_at: Date | null; labels: string[] | null; rfc_message_id: string | null; refs: string[];
  }>(
    `select id, direction, sent_at, labels->'labels' as labels, rfc_message_id, refs from message
     where thread_id = $1 order by sent_at nulls first, id`,
    [threadId],
  );
  return {
    id: thread.id, kind: thread.kind, state: thread.state, contactId: thread.contact_id, subject: thread.subject,
    messages: messages.map((m) => ({
      rowId: m.id, direction: m.direction, sentAt: m.sent_at, labels: m.labels ?? [], rfcMessageId: m.rfc_message_id, refs: m.refs,
    })),
  };
}

/** Threads the given messages or meetings belong to that may need or hold follow-ups. */
export async function threadsToPlanOf(db: Queryable, messageRowIds: readonly number[], meetingIds: readonly number[]): Promise<number[]> {
  const rows = await db.query<{ id: number }>(
    `select t.id from thread t
     where t.id in (select thread_id from message where id = any($1::int[]) union select thread_id from meeting where id = any($2::int[]))
       and (t.kind = 'outreach' or exists (select 1 from draft d where d.kind = 'follow_up' and d.thread_id = t.id and d.status = any($3::text[])))
     order by t.id`,
    [[...messageRowIds], [...meetingIds], WITHDRAWABLE],
  );
  return rows.map((r) => r.id);
}

/** Threads a scan looks at: outreach awaiting a reply with mail since `activeSince`, and those with open follow-ups. */
export async function threadsToPlan(db: Queryable, activeSince: Date): Promise<number[]> {
  const rows = await db.query<{ id: number }>(
    `select id from thread where kind = 'outreach' and state = 'awaiting_reply' and last_message_at >= $1
     union select thread_id from draft where kind = 'follow_up' and status = any($2::text[]) and thread_id is not null
     order by 1`,
    [activeSince, WITHDRAWABLE],
  );
  return rows.map((r) => r.id);
}

/** Withdraws a thread's follow-ups still waiting (all, or those numbered below `belowNumber`). */
export async function supersedeFollowUps(db: Queryable, threadId: number, belowNumber: number | null): Promise<number> {
  const rows = await db.query(
    `update draft set status = 'superseded', updated_at = now()
     where kind = 'follow_up' and thread_id = $1 and status = any($2::text[]) and ($3::int is null or follow_up_number < $3)
     returning id`,
    [threadId, WITHDRAWABLE, belowNumber],
  );
  return rows.length;
}

/** The mailbox (Gmail or Outlook) a draft goes out from, and its thread or conversation there, when there is one. */
export interface DraftAccount {
  accountId: number;
  address: string;
  providerThreadId: string | null;
}

/**
 * The connected mailbox that holds the thread (preferring the copy of `answeredRowId`),
 * else the first connected mailbox, else null.
 */
export async function draftAccountFor(db: Queryable, threadId: number | null, answeredRowId: number | null): Promise<DraftAccount | null> {
  if (threadId !== null) {
    const [held] = await db.query<{ account_id: number; address: string; provider_thread_id: string | null }>(
      `select pm.account_id, a.address, pm.provider_thread_id
       from message m join provider_message pm on pm.message_id = m.id join account a on a.id = pm.account_id
       where m.thread_id = $1 and a.provider in ('gmail', 'outlook')
       order by (m.id = $2) desc, m.sent_at desc nulls last, pm.account_id limit 1`,
      [threadId, answeredRowId ?? 0],
    );
    if (held) return { accountId: held.account_id, address: held.address, providerThreadId: held.provider_thread_id };
  }
  const [first] = await db.query<{ id: number; address: string }>(
    `select id, address from account where provider in ('gmail', 'outlook') and tokens_encrypted is not null order by id limit 1`,
  );
  return first ? { accountId: first.id, address: first.address, providerThreadId: null } : null;
}
