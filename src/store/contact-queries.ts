import { InvalidInputError, NotFoundError } from '../core/errors.ts';
import type { Queryable } from './database.ts';
import { displayNameOf } from './contact-name-sql.ts';

/** One contact as the contact list shows it. */
export interface ContactSummary {
  id: number;
  name: string | null;
  addresses: string[];
  company: string | null;
  companyDomain: string | null;
  /** Their job title, as the user or a targets file gave it. */
  title: string | null;
  firstContactAt: Date | null;
  lastContactAt: Date | null;
  interactionCount: number;
  /** Address of the contact who suggested this person, when someone did. */
  referredBy: string | null;
  /** The user keeps in touch with them: a check-in is drafted after a quiet spell. */
  nurture: boolean;
}

/** One entry of a contact's timeline. */
export interface TimelineEntry {
  at: Date | null;
  kind: string;
  summary: string;
  messageKey: string | null;
  threadId: number | null;
  threadState: string | null;
  meetingStatus: string | null;
  source: string | null;
  /** Networking labels detection gave the message (empty for other mail and meetings). */
  labels: string[];
}

const SUMMARY_SELECT = `
  select c.id,
    ${displayNameOf('c.id')} as name,
    (select array_agg(e.address order by e.address) from contact_email e where e.contact_id = c.id) as addresses,
    co.name as company, co.domain as company_domain, c.title,
    s.first_at, s.last_at, coalesce(s.n, 0)::int as interaction_count,
    (select min(r.address) from contact_email r where r.contact_id = c.referred_by_contact_id) as referred_by,
    c.nurture
  from contact c
  left join company co on co.id = c.company_id
  left join (select contact_id,
               -- A meeting still to come is not contact yet, nor is being suggested by someone
               -- else: first and last are what happened between the user and them.
               min(occurred_at) filter (where occurred_at <= now() and kind <> 'referral') first_at,
               max(occurred_at) filter (where occurred_at <= now() and kind <> 'referral') last_at, count(*) n
             from interaction group by contact_id) s on s.contact_id = c.id`;

interface SummaryRow {
  id: number;
  name: string | null;
  addresses: string[] | null;
  company: string | null;
  company_domain: string | null;
  title: string | null;
  first_at: Date | null;
  last_at: Date | null;
  interaction_count: number;
  referred_by: string | null;
  nurture: boolean;
}

/** Every contact with at least one interaction, most recent first. */
export async function listContacts(db: Queryable): Promise<ContactSummary[]> {
  const rows = await db.query<SummaryRow>(
    `${SUMMARY_SELECT} where coalesce(s.n, 0) > 0 order by s.last_at desc nulls last, c.id`,
  );
  return rows.map(toSummary);
}

/** The contacts with these ids (those that exist), in the order given. */
export async function contactSummaries(db: Queryable, ids: readonly number[]): Promise<ContactSummary[]> {
  if (ids.length === 0) return [];
  const rows = await db.query<SummaryRow>(`${SUMMARY_SELECT} where c.id = any($1::int[])`, [ids]);
  const byId = new Map(rows.map((r) => [r.id, toSummary(r)]));
  return ids.map((id) => byId.get(id)).filter((c): c is ContactSummary => c !== undefined);
}

/** One page of the contact list, and how many contacts match in all. */
export interface ContactListPage {
  contacts: ContactSummary[];
  total: number;
}

/**
 * The contacts with an interaction whose name, address or company holds `search` (all
 * when it is empty), most recent first, `limit` of them from `offset`.
 */
export async function listContactPage(
  db: Queryable,
  page: { search: string; limit: number; offset: number },
): Promise<ContactListPage> {
  const pattern = likePattern(page.search.trim().toLowerCase());
  const matches = `coalesce(s.n, 0) > 0 and ($1 = '%%'
    or exists (select 1 from contact_email e where e.contact_id = c.id and e.address like $1)
    or exists (select 1 from contact_name n where n.contact_id = c.id and lower(n.name) like $1)
    or lower(c.chosen_name) like $1 or lower(co.name) like $1)`;
  const rows = await db.query<SummaryRow>(
    `${SUMMARY_SELECT} where ${matches} order by s.last_at desc nulls last, c.id limit $2 offset $3`,
    [pattern, page.limit, page.offset],
  );
  const [count] = await db.query<{ n: number }>(
    `select count(*)::int as n from contact c
     left join company co on co.id = c.company_id
     left join (select contact_id, count(*) n from interaction group by contact_id) s on s.contact_id = c.id
     where ${matches}`,
    [pattern],
  );
  return { contacts: rows.map(toSummary), total: count?.n ?? 0 };
}

/** A LIKE pattern that finds `text` anywhere, its own % _ and \ taken literally. */
function likePattern(text: string): string {
  return `%${text.replace(/[%_\\]/g, '\\$&')}%`;
}

/**
 * Finds one contact by id, address, or a part of their name or address. Several matches
 * are an error that lists them, so the user can be precise.
 */
export async function findContact(db: Queryable, query: string): Promise<ContactSummary> {
  const q = query.trim().toLowerCase();
  const byKey = /^\d+$/.test(q)
    ? `c.id = $1::int`
    : `exists (select 1 from contact_email e where e.contact_id = c.id and e.address = $1)`;
  let rows = await db.query<SummaryRow>(`${SUMMARY_SELECT} where ${byKey}`, [q]);
  if (rows.length === 0) {
    rows = await db.query<SummaryRow>(
      `${SUMMARY_SELECT} where exists (select 1 from contact_email e where e.contact_id = c.id and e.address like $1)
         or exists (select 1 from contact_name n where n.contact_id = c.id and lower(n.name) like $1)
         or lower(c.chosen_name) like $1
       order by s.n desc nulls last limit 20`,
      [likePattern(q)],
    );
  }
  if (rows.length === 0) throw new NotFoundError('contact', query);
  if (rows.length > 1) {
    const list = rows.map((r) => `  ${r.id}  ${r.name ?? ''} <${(r.addresses ?? []).join(', ')}>`);
    throw new InvalidInputError(`"${query}" matches several contacts; name one by id or address:\n${list.join('\n')}`);
  }
  return toSummary(rows[0]!);
}

/** A contact's interactions, oldest first. */
export async function contactTimeline(db: Queryable, contactId: number): Promise<TimelineEntry[]> {
  const rows = await db.query<{
    occurred_at: Date | null; kind: string; summary: string; message_key: string | null;
    thread_id: number | null; state: string | null; meeting_status: string | null; source: string | null;
    labels: string[] | null;
  }>(
    `select i.occurred_at, i.kind, i.summary, m.message_key, t.id as thread_id, t.state,
       mt.status as meeting_status, coalesce(m.source, mt.source) as source, m.labels->'labels' as labels
     from interaction i
     left join message m on m.id = i.message_id
     left join thread t on t.id = m.thread_id
     left join meeting mt on mt.id = i.meeting_id
     where i.contact_id = $1
     order by i.occurred_at nulls first, i.id`,
    [contactId],
  );
  return rows.map((r) => ({
    at: r.occurred_at, kind: r.kind, summary: r.summary, messageKey: r.message_key,
    threadId: r.thread_id, threadState: r.state, meetingStatus: r.meeting_status, source: r.source,
    labels: r.labels ?? [],
  }));
}

function toSummary(r: SummaryRow): ContactSummary {
  return {
    id: r.id,
    name: r.name,
    addresses: r.addresses ?? [],
    company: r.company,
    companyDomain: r.company_domain,
    title: r.title,
    firstContactAt: r.first_at,
    lastContactAt: r.last_at,
    interactionCount: r.interaction_count,
    referredBy: r.referred_by,
    nurture: r.nurture,
  };
}
