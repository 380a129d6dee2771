import type { Queryable } from './database.ts';

/** A message as a connected account holds it, by the provider's ids. */
export interface ProviderMessageRow {
  providerId: string;
  providerThreadId: string | null;
  /** The stored message's key (see ParsedMessage.messageKey). */
  messageKey: string;
  internalDate: Date | null;
}

/** The ids among `providerIds` that the account already holds. */
export async function heldProviderIds(db: Queryable, accountId: number, providerIds: readonly string[]): Promise<Set<string>> {
  if (providerIds.length === 0) return new Set();
  const rows = await db.query<{ provider_id: string }>(
    'select provider_id from provider_message where account_id = $1 and provider_id = any($2::text[])',
    [accountId, providerIds],
  );
  return new Set(rows.map((r) => r.provider_id));
}

/** Every id the account holds that the provider accepted at or after `since`. */
export async function heldProviderIdsSince(db: Queryable, accountId: number, since: Date): Promise<string[]> {
  const rows = await db.query<{ provider_id: string }>(
    'select provider_id from provider_message where account_id = $1 and internal_date >= $2 order by provider_id',
    [accountId, since],
  );
  return rows.map((r) => r.provider_id);
}

/** Every provider id the account holds, sorted: what a test or a check compares with the mailbox. */
export async function allHeldProviderIds(db: Queryable, accountId: number): Promise<string[]> {
  const rows = await db.query<{ provider_id: string }>(
    'select provider_id from provider_message where account_id = $1 order by provider_id',
    [accountId],
  );
  return rows.map((r) => r.provider_id);
}

/** Records which stored messages the account holds; recording one again changes nothing. */
export async function recordProviderMessages(db: Queryable, accountId: number, rows: readonly ProviderMessageRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `insert into provider_message (account_id, provider_id, provider_thread_id, message_id, internal_date)
     select $1, x.provider_id, x.provider_thread_id, m.id, x.internal_date
     from unnest($2::text[], $3::text[], $4::text[], $5::timestamptz[])
       as x(provider_id, provider_thread_id, message_key, internal_date)
     join message m on m.message_key = x.message_key
     on conflict (account_id, provider_id) do nothing`,
    [
      accountId,
      rows.map((r) => r.providerId),
      rows.map((r) => r.providerThreadId),
      rows.map((r) => r.messageKey),
      rows.map((r) => r.internalDate),
    ],
  );
  // The provider's ids on the message row, for the first account that stored it.
  await db.query(
    `update message m set provider_id = x.provider_id, provider_thread_id = x.provider_thread_id
     from unnest($2::text[], $3::text[], $4::text[]) as x(provider_id, provider_thread_id, message_key)
     where m.message_key = x.message_key and m.account_id = $1 and m.provider_id is null`,
    [accountId, rows.map((r) => r.providerId), rows.map((r) => r.providerThreadId), rows.map((r) => r.messageKey)],
  );
}

/**
 * Forgets messages the account no longer holds. A message goes from the log only when
 * this account brought it and no other account or import holds it: deleting mail in
 * Gmail does not erase what the user imported from a file. Returns the threads that
 * lost messages, whose state must be worked out again.
 */
export async function forgetProviderMessages(db: Queryable, accountId: number, providerIds: readonly string[]): Promise<number[]> {
  if (providerIds.length === 0) return [];
  const gone = await db.query<{ message_id: number }>(
    'delete from provider_message where account_id = $1 and provider_id = any($2::text[]) returning message_id',
    [accountId, providerIds],
  );
  const orphans = await db.query<{ id: number; thread_id: number | null }>(
    `select m.id, m.thread_id from message m
     where m.id = any($1::int[]) and m.account_id = $2
       and not exists (select 1 from provider_message p where p.message_id = m.id)`,
    [gone.map((g) => g.message_id), accountId],
  );
  if (orphans.length === 0) return [];
  const ids = orphans.map((o) => o.id);
  await db.query('delete from interaction where message_id = any($1::int[])', [ids]);
  await db.query('update meeting set message_id = null where message_id = any($1::int[])', [ids]);
  await db.query('delete from message where id = any($1::int[])', [ids]);
  const threadIds = [...new Set(orphans.flatMap((o) => (o.thread_id === null ? [] : [o.thread_id])))];
  // A thread left with nothing in it goes too (its Message-ID keys with it).
  await db.query(
    `delete from thread t where t.id = any($1::int[])
       and not exists (select 1 from message m where m.thread_id = t.id)
       and not exists (select 1 from meeting g where g.thread_id = t.id)
       and not exists (select 1 from draft d where d.thread_id = t.id)`,
    [threadIds],
  );
  const left = await db.query<{ id: number }>('select id from thread where id = any($1::int[])', [threadIds]);
  return left.map((t) => t.id);
}
