/**
 * Read queries of the approval page: drafts with whom they go to, a contact's page,
 * upcoming meetings with what their brief needs, and accounts without their secrets.
 */
import type { DraftStatus } from '../approval/draft-lifecycle.ts';
import { listAccounts, type Provider, type SyncStatus } from './account-repository.ts';
import { contactTimeline, findContact, type ContactSummary, type TimelineEntry } from './contact-queries.ts';
import type { Queryable } from './database.ts';
import { getDraft, listDrafts, type DraftRecord } from './draft-repository.ts';
import type { BriefPerson } from '../approval/meeting-brief.ts';
import { displayNameOf } from './contact-name-sql.ts';

// The contact's most used display name, as everywhere else (contact-queries.ts).
const NAME_OF = displayNameOf;

/** Whom a draft is about, as a line of the queue shows them. */
export interface ContactCard {
  id: number;
  name: string | null;
  address: string | null;
  company: string | null;
  title: string | null;
}

export interface DraftQueueItem {
  draft: DraftRecord;
  contact: ContactCard | null;
  /** Hidden from the queue until `draft.snoozedUntil`. */
  isSnoozed: boolean;
}

/**
 * Drafts in the given states (all when none), soonest due first, with their contacts.
 * Snoozed drafts are left out unless `includeSnoozed`.
 */
export async function listDraftQueue(
  db: Queryable,
  options: { statuses?: readonly DraftStatus[]; now: Date; includeSnoozed?: boolean },
): Promise<DraftQueueItem[]> {
  const drafts = await listDrafts(db, options.statuses ?? []);
  const cards = await contactCards(db, drafts.flatMap((d) => (d.contactId ? [d.contactId] : [])));
  return drafts
    .map((draft) => ({
      draft,
      contact: draft.contactId ? (cards.get(draft.contactId) ?? null) : null,
      isSnoozed: !!draft.snoozedUntil && draft.snoozedUntil > options.now,
    }))
    .filter((item) => options.includeSnoozed || !item.isSnoozed);
}

/** One draft with its contact, and the meeting or thread it is about; null when unknown. */
export async function findDraftDetail(db: Queryable, id: number): Promise<DraftDetail | null> {
  const draft = await getDraft(db, id);
  if (!draft) return null;
  const cards = await contactCards(db, draft.contactId ? [draft.contactId] : []);
  const [meeting] = draft.meetingId
    ? await db.query<{ id: number; summary: string; start_at: Date | null; end_at: Date | null }>(
      'select id, summary, start_at, end_at from meeting where id = $1', [draft.meetingId])
    : [];
  const [thread] = draft.threadId
    ? await db.query<{ id: number; subject: string; state: string | null }>('select id, subject, state from thread where id = $1', [draft.threadId])
    : [];
  return {
    draft,
    contact: draft.contactId ? (cards.get(draft.contactId) ?? null) : null,
    meeting: meeting ? { id: meeting.id, summary: meeting.summary, startAt: meeting.start_at, endAt: meeting.end_at } : null,
    thread: thread ?? null,
  };
}

export interface DraftDetail {
  draft: DraftRecord;
  contact: ContactCard | null;
  meeting: { id: number; summary: string; startAt: Date | null; endAt: Date | null } | null;
  thread: { id: number; subject: string; state: string | null } | null;
}

/** A contact's page: who they are, their timeline (oldest first) and their drafts. */
/** Another contact, as a contact's page links to them. */
export interface ContactLink {
  id: number;
  name: string | null;
  address: string | null;
}

export interface ContactPage {
  contact: ContactSummary & { title: string | null; howWeMet: string | null; nurture: boolean };
  /** Who suggested this person, when someone did. */
  referrer: ContactLink | null;
  /** The people this contact suggested the user talk to. */
  referred: ContactLink[];
  timeline: TimelineEntry[];
  drafts: DraftRecord[];
}

export async function findContactPage(db: Queryable, contactId: number): Promise<ContactPage | null> {
  const [extra] = await db.query<{ title: string | null; how_we_met: string | null; nurture: boolean }>(
    'select title, coalesce(chosen_source, how_we_met) as how_we_met, nurture from contact where id = $1', [contactId]);
  if (!extra) return null;
  const summary = await findContact(db, String(contactId));
  const draftIds = await db.query<{ id: number }>('select id from draft where contact_id = $1 order by id desc', [contactId]);
  const drafts = (await Promise.all(draftIds.map((d) => getDraft(db, d.id)))).filter((d): d is DraftRecord => d !== null);
  const links = await referralLinks(db, contactId);
  return {
    contact: { ...summary, title: extra.title, howWeMet: extra.how_we_met, nurture: extra.nurture },
    referrer: links.find((l) => l.role === 'referrer') ?? null,
    referred: links.filter((l) => l.role === 'referred'),
    timeline: await contactTimeline(db, contactId),
    drafts,
  };
}

/** The contact who referred `contactId`, and those `contactId` referred, by name. */
async function referralLinks(db: Queryable, contactId: number): Promise<(ContactLink & { role: 'referrer' | 'referred' })[]> {
  const rows = await db.query<{ id: number; name: string | null; address: string | null; role: 'referrer' | 'referred' }>(
    `select o.id, ${NAME_OF('o.id')} as name,
       (select min(e.address) from contact_email e where e.contact_id = o.id) as address,
       case when o.id = c.referred_by_contact_id then 'referrer' else 'referred' end as role
     from contact c join contact o on o.id = c.referred_by_contact_id or o.referred_by_contact_id = c.id
     where c.id = $1 and o.id <> c.id
     order by role, o.id`,
    [contactId],
  );
  return rows.map((r) => ({ id: r.id, name: r.name, address: r.address, role: r.role }));
}

/** A meeting ahead, with the people in it. */
export interface UpcomingMeeting {
  id: number;
  summary: string;
  startAt: Date | null;
  endAt: Date | null;
  allDay: boolean;
  location: string;
  isInformational: boolean;
  threadId: number | null;
  attendees: { contactId: number; address: string; name: string | null }[];
}

/** Meetings not cancelled that have not ended by `now` and start within `days`, soonest first. */
export async function listUpcomingMeetings(db: Queryable, now: Date, days: number): Promise<UpcomingMeeting[]> {
  const rows = await db.query<{
    id: number; summary: string; start_at: Date | null; end_at: Date | null; all_day: boolean; location: string;
    is_informational: boolean; thread_id: number | null; attendees: UpcomingMeeting['attendees'] | null;
  }>(
    `select m.id, m.summary, m.start_at, m.end_at, m.all_day, m.location, m.is_informational, m.thread_id,
       (select json_agg(json_build_object(
           'contactId', a.contact_id,
           'address', (select min(e.address) from contact_email e where e.contact_id = a.contact_id),
           'name', ${NAME_OF('a.contact_id')}) order by a.is_organizer desc, a.contact_id)
        from meeting_attendee a where a.meeting_id = m.id) as attendees
     from meeting m
     where m.status <> 'cancelled' and coalesce(m.end_at, m.start_at) >= $1 and m.start_at < $2
     order by m.start_at, m.id`,
    [now, new Date(now.getTime() + days * 86_400_000)],
  );
  return rows.map((r) => ({
    id: r.id, summary: r.summary, startAt: r.start_at, endAt: r.end_at, allDay: r.all_day, location: r.location,
    isInformational: r.is_informational, threadId: r.thread_id, attendees: r.attendees ?? [],
  }));
}

/** What the log knows about a person a meeting is with. */
export type PersonFacts = BriefPerson;

export async function loadPersonFacts(db: Queryable, contactId: number): Promise<PersonFacts | null> {
  const [row] = await db.query<{
    name: string | null; address: string | null; title: string | null; how_we_met: string | null;
    referred_by: string | null; company_id: number | null; company: string | null; domain: string | null; status: string | null;
  }>(
    `select ${NAME_OF('c.id')} as name, (select min(e.address) from contact_email e where e.contact_id = c.id) as address,
       c.title, coalesce(c.chosen_source, c.how_we_met) as how_we_met, coalesce(${NAME_OF('c.referred_by_contact_id')},
         (select min(e.address) from contact_email e where e.contact_id = c.referred_by_contact_id)) as referred_by,
       co.id as company_id, co.name as company, co.domain, co.status
     from contact c left join company co on co.id = c.company_id where c.id = $1`,
    [contactId],
  );
  if (!row) return null;
  const others = row.company_id
    ? await db.query<{ name: string }>(
      `select coalesce(${NAME_OF('c.id')}, (select min(e.address) from contact_email e where e.contact_id = c.id)) as name
       from contact c where c.company_id = $1 and c.id <> $2
         and exists (select 1 from interaction i where i.contact_id = c.id)
       order by c.id limit 10`, [row.company_id, contactId])
    : [];
  const referrals = await db.query<{ name: string; contacted: boolean }>(
    `select coalesce(${NAME_OF('c.id')}, (select min(e.address) from contact_email e where e.contact_id = c.id)) as name,
       exists (select 1 from interaction i where i.contact_id = c.id
         and i.kind in ('email_sent', 'email_received', 'meeting', 'thank_you_sent')) as contacted
     from contact c where c.referred_by_contact_id = $1 order by c.id limit 10`, [contactId]);
  const timeline = await contactTimeline(db, contactId);
  return {
    name: row.name, address: row.address ?? '', title: row.title, howWeMet: row.how_we_met, referredBy: row.referred_by,
    company: row.company && row.domain
      ? { name: row.company, domain: row.domain, status: row.status ?? 'none', otherContacts: others.map((o) => o.name) }
      : null,
    history: timeline.map((t) => ({ at: t.at, kind: t.kind, summary: t.summary })),
    referralsGiven: referrals.filter((r) => r.name).map((r) => ({ name: r.name, contacted: r.contacted })),
  };
}

/** A thread's messages, oldest first: the conversation a meeting came from. */
export interface ThreadFactsForBrief {
  subject: string;
  messages: { at: Date | null; direction: 'sent' | 'received'; excerpt: string }[];
}

/**
 * The thread a meeting was arranged in, or else the latest thread with one of its
 * people; null when there is none.
 */
export async function loadMeetingThread(db: Queryable, meeting: Pick<UpcomingMeeting, 'threadId' | 'attendees'>): Promise<ThreadFactsForBrief | null> {
  let threadId = meeting.threadId;
  if (!threadId && meeting.attendees.length > 0) {
    const [latest] = await db.query<{ id: number }>(
      `select t.id from thread t where t.contact_id = any($1::int[]) order by t.last_message_at desc nulls last limit 1`,
      [meeting.attendees.map((a) => a.contactId)],
    );
    threadId = latest?.id ?? null;
  }
  if (!threadId) return null;
  const [thread] = await db.query<{ subject: string }>('select subject from thread where id = $1', [threadId]);
  const messages = await db.query<{ sent_at: Date | null; direction: 'sent' | 'received'; excerpt: string }>(
    'select sent_at, direction, excerpt from message where thread_id = $1 order by sent_at nulls first, id', [threadId]);
  return {
    subject: thread?.subject ?? '',
    messages: messages.map((m) => ({ at: m.sent_at, direction: m.direction, excerpt: m.excerpt })),
  };
}

/** An account as the page shows it: never its tokens or cursors. */
export interface AccountState {
  id: number;
  provider: Provider;
  address: string;
  syncStatus: SyncStatus;
  lastError: string | null;
  lastSyncAt: Date | null;
  calendarSyncedAt: Date | null;
  syncProgress: { phase: string; done: number; total: number } | null;
  messageCount: number;
  meetingCount: number;
}

export async function listAccountStates(db: Queryable): Promise<AccountState[]> {
  return (await listAccounts(db)).map((a) => ({
    id: a.id, provider: a.provider, address: a.address, syncStatus: a.syncStatus, lastError: a.lastError,
    lastSyncAt: a.lastSyncAt, calendarSyncedAt: a.calendarSyncedAt, syncProgress: a.syncProgress,
    messageCount: a.messageCount, meetingCount: a.meetingCount,
  }));
}

/** Contact cards of the given contacts, by id. */
async function contactCards(db: Queryable, ids: readonly number[]): Promise<Map<number, ContactCard>> {
  if (ids.length === 0) return new Map();
  const rows = await db.query<{ id: number; name: string | null; address: string | null; company: string | null; title: string | null }>(
    `select c.id, ${NAME_OF('c.id')} as name, (select min(e.address) from contact_email e where e.contact_id = c.id) as address,
       co.name as company, c.title
     from contact c left join company co on co.id = c.company_id where c.id = any($1::int[])`,
    [[...new Set(ids)]],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** How many drafts wait for the user (pending or needing input, not snoozed). */
export async function countOpenDrafts(db: Queryable, now: Date): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `select count(*)::int as n from draft where status in ('pending', 'needs_input') and (snoozed_until is null or snoozed_until <= $1)`,
    [now],
  );
  return row?.n ?? 0;
}
