import type { ContactObservation } from '../core/types.ts';
import type { Queryable } from './database.ts';

/**
 * Makes sure every observed person has a contact (one per address, or the contact that
 * already owns the address) and a company when they wrote from a work domain.
 * Returns each address's contact id.
 */
export async function upsertContacts(
  tx: Queryable,
  people: readonly ContactObservation[],
): Promise<Map<string, number>> {
  // In address order, so that concurrent batches lock contact rows in one order.
  const unique = dedupeByAddress(people).sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  if (unique.length === 0) return new Map();
  const companyIds = await upsertCompanies(tx, unique);
  const ids = new Map<string, number>();
  const existing = await tx.query<{ address: string; contact_id: number }>(
    'select address, contact_id from contact_email where address = any($1)',
    [unique.map((p) => p.address)],
  );
  for (const row of existing) ids.set(row.address, row.contact_id);
  const missing = unique.filter((p) => !ids.has(p.address));
  if (missing.length > 0) {
    for (const [address, id] of await createContacts(tx, missing, companyIds)) ids.set(address, id);
  }
  await fillMissingCompanies(tx, unique, ids, companyIds);
  return ids;
}

/**
 * Adds one use of each name to the contact's names; the most used becomes their name.
 * Rows are written in key order, as every multi-row write of a batch is: batches of other
 * workers that meet the same contacts then wait for one another instead of deadlocking.
 */
export async function countNames(
  tx: Queryable,
  names: readonly { contactId: number; name: string }[],
): Promise<void> {
  if (names.length === 0) return;
  await tx.query(
    `insert into contact_name (contact_id, name, seen_count)
     select contact_id, name, count(*) from unnest($1::int[], $2::text[]) as n(contact_id, name)
     group by contact_id, name order by contact_id, name
     on conflict (contact_id, name) do update set seen_count = contact_name.seen_count + excluded.seen_count`,
    [names.map((n) => n.contactId), names.map((n) => n.name)],
  );
}

function dedupeByAddress(people: readonly ContactObservation[]): ContactObservation[] {
  const byAddress = new Map<string, ContactObservation>();
  for (const person of people) {
    const seen = byAddress.get(person.address);
    if (!seen || (!seen.name && person.name)) byAddress.set(person.address, person);
  }
  return [...byAddress.values()];
}

async function upsertCompanies(
  tx: Queryable,
  people: readonly ContactObservation[],
): Promise<Map<string, number>> {
  const companies = new Map<string, string>();
  for (const p of people) if (p.company) companies.set(p.company.domain, p.company.name);
  if (companies.size === 0) return new Map();
  const domains = [...companies.keys()].sort();
  // Rows a statement inserts are not visible to its own reads, so the union has no duplicates.
  const rows = await tx.query<{ id: number; domain: string }>(
    `with inserted as (
       insert into company (domain, name) select * from unnest($1::text[], $2::text[])
       on conflict (domain) do nothing returning id, domain)
     select id, domain from inserted
     union all select id, domain from company where domain = any($1)`,
    [domains, domains.map((d) => companies.get(d))],
  );
  const ids = new Map(rows.map((r) => [r.domain, r.id]));
  // A company another transaction inserted and committed while this statement waited on
  // it is neither inserted nor in the statement's snapshot; a new statement sees it.
  const late = domains.filter((d) => !ids.has(d));
  if (late.length > 0) {
    const found = await tx.query<{ id: number; domain: string }>('select id, domain from company where domain = any($1)', [late]);
    for (const r of found) ids.set(r.domain, r.id);
  }
  return ids;
}

function companyOf(person: ContactObservation, companyIds: Map<string, number>): number | null {
  return person.company ? (companyIds.get(person.company.domain) ?? null) : null;
}

/**
 * Creates one contact per new address. Ids come from the sequence first so each maps back
 * to its address; an address another worker claimed meanwhile keeps that worker's contact.
 */
async function createContacts(
  tx: Queryable,
  people: readonly ContactObservation[],
  companyIds: Map<string, number>,
): Promise<Map<string, number>> {
  const ids = (
    await tx.query<{ id: number }>(
      `select nextval(pg_get_serial_sequence('contact', 'id'))::int as id from generate_series(1, $1::int)`,
      [people.length],
    )
  ).map((r) => r.id);
  await tx.query(
    `insert into contact (id, company_id) overriding system value select * from unnest($1::int[], $2::int[])`,
    [ids, people.map((p) => companyOf(p, companyIds))],
  );
  const claimed = await tx.query<{ address: string; contact_id: number }>(
    `insert into contact_email (address, contact_id) select * from unnest($1::text[], $2::int[])
     on conflict (address) do nothing returning address, contact_id`,
    [people.map((p) => p.address), ids],
  );
  const result = new Map(claimed.map((r) => [r.address, r.contact_id]));
  const lost = people.map((p, i) => ({ address: p.address, id: ids[i]! })).filter((p) => !result.has(p.address));
  if (lost.length > 0) {
    await tx.query('delete from contact where id = any($1)', [lost.map((l) => l.id)]);
    const owners = await tx.query<{ address: string; contact_id: number }>(
      'select address, contact_id from contact_email where address = any($1)',
      [lost.map((l) => l.address)],
    );
    for (const o of owners) result.set(o.address, o.contact_id);
  }
  return result;
}

async function fillMissingCompanies(
  tx: Queryable,
  people: readonly ContactObservation[],
  ids: Map<string, number>,
  companyIds: Map<string, number>,
): Promise<void> {
  const pairs = people
    .map((p) => ({ contactId: ids.get(p.address)!, companyId: companyOf(p, companyIds) }))
    .filter((p): p is { contactId: number; companyId: number } => p.companyId !== null);
  if (pairs.length === 0) return;
  await tx.query(
    `update contact c set company_id = v.company_id
     from unnest($1::int[], $2::int[]) as v(id, company_id)
     where c.id = v.id and c.company_id is null`,
    [pairs.map((p) => p.contactId), pairs.map((p) => p.companyId)],
  );
}
