import type { Queryable } from './database.ts';

export type Provider = 'mailbox' | 'gmail' | 'outlook';

/** Returns the id of the account for (provider, address), creating it when new. */
export async function ensureAccount(db: Queryable, provider: Provider, address: string): Promise<number> {
  const rows = await db.query<{ id: number }>(
    `with inserted as (
       insert into account (provider, address) values ($1, $2)
       on conflict (provider, address) do nothing returning id)
     select id from inserted union all select id from account where provider = $1 and address = $2`,
    [provider, address],
  );
  return rows[0]!.id;
}

/** Remembers the user's own addresses and returns all of them, sorted. */
export async function addUserAddresses(db: Queryable, addresses: readonly string[]): Promise<string[]> {
  if (addresses.length > 0) {
    await db.query(
      'insert into user_address (address) select unnest($1::text[]) on conflict (address) do nothing',
      [addresses],
    );
  }
  const rows = await db.query<{ address: string }>('select address from user_address order by address');
  return rows.map((r) => r.address);
}
