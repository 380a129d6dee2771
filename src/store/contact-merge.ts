import { InvalidInputError, NotFoundError } from '../core/errors.ts';
import type { Database, Queryable } from './database.ts';

/** What a merge moved into the contact that stays. */
export interface MergeResult {
  kept: number;
  merged: number;
  addresses: number;
  interactions: number;
}

/**
 * Makes two contacts one person: `mergedId`'s addresses, names, log, meetings, threads,
 * drafts and targets move to `keptId`, which keeps its name, and `mergedId` is deleted. A message or meeting
 * both were in stays in the log once. Mail that arrives later at either address is
 * logged for `keptId`, as its addresses now belong to it. One transaction: all or nothing.
 */
export async function mergeContacts(db: Database, keptId: number, mergedId: number): Promise<MergeResult> {
  if (keptId === mergedId) throw new InvalidInputError('Those are the same contact: there is nothing to merge.');
  return db.transaction(async (tx) => {
    // Lock both, in id order, so two merges (or a merge and an import) meet in one order.
    const found = await tx.query<{ id: number }>('select id from contact where id = any($1::int[]) order by id for update', [[keptId, mergedId]]);
    for (const id of [keptId, mergedId]) {
      if (!found.some((r) => r.id === id)) throw new NotFoundError('contact', String(id));
    }
    await moveAddressesAndNames(tx, keptId, mergedId);
    await moveLog(tx, keptId, mergedId);
    await takeOverFacts(tx, keptId, mergedId);
    await tx.query('delete from contact where id = $1', [mergedId]);
    const [counts] = await tx.query<{ addresses: number; interactions: number }>(
      `select (select count(*) from contact_email where contact_id = $1)::int as addresses,
              (select count(*) from interaction where contact_id = $1)::int as interactions`,
      [keptId],
    );
    return { kept: keptId, merged: mergedId, ...counts! };
  });
}

async function moveAddressesAndNames(tx: Queryable, kept: number, merged: number): Promise<void> {
  await tx.query('update contact_email set contact_id = $1 where contact_id = $2', [kept, merged]);
  // The contact the user chose to keep keeps its name: a name only the other had comes
  // along uncounted, one both had adds the other's messages. Later mail counts as usual.
  await tx.query(
    `insert into contact_name (contact_id, name, seen_count)
     select $1, m.name, case when exists (select 1 from contact_name k where k.contact_id = $1 and k.name = m.name)
                             then m.seen_count else 0 end
     from contact_name m where m.contact_id = $2
     on conflict (contact_id, name) do update set seen_count = contact_name.seen_count + excluded.seen_count`,
    [kept, merged],
  );
}

async function moveLog(tx: Queryable, kept: number, merged: number): Promise<void> {
  // One interaction per (contact, source): a message sent to both addresses counts once.
  await tx.query(
    `update interaction i set contact_id = $1 where i.contact_id = $2
     and not exists (select 1 from interaction k where k.contact_id = $1 and k.source_key = i.source_key)`,
    [kept, merged],
  );
  await tx.query(
    `insert into meeting_attendee (meeting_id, contact_id, is_organizer, partstat, role)
     select meeting_id, $1, is_organizer, partstat, role from meeting_attendee where contact_id = $2
     on conflict (meeting_id, contact_id) do nothing`,
    [kept, merged],
  );
  for (const table of ['thread', 'draft', 'target']) {
    await tx.query(`update ${table} set contact_id = $1 where contact_id = $2`, [kept, merged]);
  }
}

/** Facts the kept contact lacks come from the merged one; whom the merged one referred, the kept one did. */
async function takeOverFacts(tx: Queryable, kept: number, merged: number): Promise<void> {
  await tx.query(
    `update contact k set
       company_id = coalesce(k.company_id, m.company_id),
       chosen_name = coalesce(k.chosen_name, m.chosen_name),
       chosen_source = coalesce(k.chosen_source, m.chosen_source),
       title = coalesce(k.title, m.title),
       how_we_met = coalesce(k.how_we_met, m.how_we_met),
       referred_by_contact_id = coalesce(k.referred_by_contact_id, nullif(m.referred_by_contact_id, k.id)),
       nurture = k.nurture or m.nurture,
       next_touch_due_at = least(k.next_touch_due_at, m.next_touch_due_at)
     from contact m where k.id = $1 and m.id = $2`,
    [kept, merged],
  );
  await tx.query('update contact set referred_by_contact_id = $1 where referred_by_contact_id = $2', [kept, merged]);
  // Nobody refers themselves: the merged contact may have referred the kept one.
  await tx.query('update contact set referred_by_contact_id = null where id = $1 and referred_by_contact_id = $1', [kept]);
}
