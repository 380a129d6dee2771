import { InvalidInputError, NotFoundError } from '../core/errors.ts';
import { contactSummaries, type ContactSummary } from './contact-queries.ts';
import type { Queryable } from './database.ts';
import { displayNameOf } from './contact-name-sql.ts';

/**
 * Contacts that may be one person: the same full name (two words at least, so "Jane" alone
 * matches nobody), or addresses that differ only in the punctuation of their local part.
 * rapport only suggests; the user merges (`mergeContacts`) or says they are two people
 * (`markDistinct`), and a pair marked so is not suggested again. The keys are the SQL
 * functions of migration 007.
 */

// The name a contact goes by, as everywhere, as a key.
const NAME_KEY_OF = (contact: string) => `contact_name_key(${displayNameOf(contact)})`;

// A pair the user has said are two people.
const DISTINCT = (a: string, b: string) => `exists (select 1 from contact_distinct d
  where d.contact_id = least(${a}, ${b}) and d.other_id = greatest(${a}, ${b}))`;

/** Why two contacts look like one person. */
export type DuplicateReason = 'same name' | 'same address';

export interface DuplicateCandidate {
  contact: ContactSummary;
  reasons: DuplicateReason[];
}

/** The contacts that may be the same person as `contactId`, the most active first. */
export async function duplicatesOf(db: Queryable, contactId: number): Promise<DuplicateCandidate[]> {
  const rows = await db.query<{ id: number; reasons: DuplicateReason[] }>(
    `with mine as (select ${NAME_KEY_OF('$1::int')} as name_key)
     select x.id, array_agg(x.reason order by x.reason) as reasons from (
       select n.contact_id as id, 'same name' as reason from contact_name n, mine
       where mine.name_key like '% %' and contact_name_key(n.name) = mine.name_key
         and n.contact_id <> $1 and ${NAME_KEY_OF('n.contact_id')} = mine.name_key
       union
       select c.id, 'same name' from contact c, mine
       where mine.name_key like '% %' and c.chosen_name is not null and c.id <> $1 and contact_name_key(c.chosen_name) = mine.name_key
       union
       select o.contact_id, 'same address' from contact_email e
       join contact_email o on contact_address_key(o.address) = contact_address_key(e.address)
       where e.contact_id = $1 and o.contact_id <> $1
     ) x
     where exists (select 1 from interaction i where i.contact_id = x.id) and not ${DISTINCT('x.id', '$1::int')}
     group by x.id`,
    [contactId],
  );
  const reasons = new Map(rows.map((r) => [r.id, r.reasons]));
  const contacts = await contactSummaries(db, [...reasons.keys()]);
  return contacts
    .sort((a, b) => b.interactionCount - a.interactionCount || a.id - b.id)
    .map((contact) => ({ contact, reasons: reasons.get(contact.id)! }));
}

/** A set of contacts that may all be one person; the most active first, the one to keep. */
export interface DuplicateGroup {
  contacts: ContactSummary[];
  reasons: DuplicateReason[];
}

/** Every group of contacts that may be one person, the largest log first. */
export async function listDuplicateGroups(db: Queryable): Promise<DuplicateGroup[]> {
  const pairs = await db.query<{ a: number; b: number; reason: DuplicateReason }>(
    `with active as (select c.id, ${NAME_KEY_OF('c.id')} as name_key from contact c
                     where exists (select 1 from interaction i where i.contact_id = c.id))
     select x.a, x.b, x.reason from (
       select p.id as a, q.id as b, 'same name' as reason from active p join active q on q.name_key = p.name_key and q.id > p.id
       where p.name_key like '% %'
       union
       select distinct least(e.contact_id, o.contact_id), greatest(e.contact_id, o.contact_id), 'same address'
       from contact_email e join contact_email o
         on contact_address_key(o.address) = contact_address_key(e.address) and o.contact_id <> e.contact_id
       where e.contact_id in (select id from active) and o.contact_id in (select id from active)
     ) x
     where not ${DISTINCT('x.a', 'x.b')}`,
  );
  const groups = groupPairs(pairs);
  const contacts = new Map((await contactSummaries(db, [...new Set(pairs.flatMap((p) => [p.a, p.b]))])).map((c) => [c.id, c]));
  return groups
    .map((g) => ({
      contacts: g.ids.map((id) => contacts.get(id)).filter((c): c is ContactSummary => c !== undefined)
        .sort((a, b) => b.interactionCount - a.interactionCount || a.id - b.id),
      reasons: [...g.reasons].sort(),
    }))
    .filter((g) => g.contacts.length > 1)
    .sort((a, b) => total(b) - total(a) || a.contacts[0]!.id - b.contacts[0]!.id);
}

const total = (g: DuplicateGroup) => g.contacts.reduce((n, c) => n + c.interactionCount, 0);

/** Joins the pairs into groups: if A looks like B and B like C, the three are one suggestion. */
function groupPairs(pairs: readonly { a: number; b: number; reason: DuplicateReason }[]): { ids: number[]; reasons: Set<DuplicateReason> }[] {
  const parent = new Map<number, number>();
  const root = (id: number): number => {
    let r = id;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(id, r);
    return r;
  };
  for (const { a, b } of pairs) {
    const [ra, rb] = [root(a), root(b)];
    if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
  }
  const groups = new Map<number, { ids: number[]; reasons: Set<DuplicateReason> }>();
  for (const { a, b, reason } of pairs) {
    const group = groups.get(root(a)) ?? { ids: [], reasons: new Set<DuplicateReason>() };
    for (const id of [a, b]) if (!group.ids.includes(id)) group.ids.push(id);
    group.reasons.add(reason);
    groups.set(root(a), group);
  }
  return [...groups.values()];
}

/** Records that two contacts are two people, so they are no longer suggested as one. Idempotent. */
export async function markDistinct(db: Queryable, contactId: number, otherId: number): Promise<void> {
  if (contactId === otherId) throw new InvalidInputError('That is the same contact.');
  const found = await db.query<{ id: number }>('select id from contact where id = any($1::int[])', [[contactId, otherId]]);
  for (const id of [contactId, otherId]) if (!found.some((r) => r.id === id)) throw new NotFoundError('contact', String(id));
  await db.query(
    'insert into contact_distinct (contact_id, other_id) values (least($1::int, $2::int), greatest($1::int, $2::int)) on conflict do nothing',
    [contactId, otherId],
  );
}
