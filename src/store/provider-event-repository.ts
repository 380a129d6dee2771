import type { Queryable } from './database.ts';

/** Records which meeting each of the account's calendar events is. */
export async function recordProviderEvents(
  db: Queryable,
  accountId: number,
  rows: readonly { providerId: string; meetingId: number }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `insert into provider_event (account_id, provider_id, meeting_id)
     select $1, x.provider_id, x.meeting_id from unnest($2::text[], $3::int[]) as x(provider_id, meeting_id)
     on conflict (account_id, provider_id) do update set meeting_id = excluded.meeting_id`,
    [accountId, rows.map((r) => r.providerId), rows.map((r) => r.meetingId)],
  );
}

/** The meetings of the account's events with these ids (unknown ids are left out). */
export async function meetingsOfProviderEvents(db: Queryable, accountId: number, providerIds: readonly string[]): Promise<number[]> {
  if (providerIds.length === 0) return [];
  const rows = await db.query<{ meeting_id: number }>(
    'select meeting_id from provider_event where account_id = $1 and provider_id = any($2::text[])',
    [accountId, providerIds],
  );
  return rows.map((r) => r.meeting_id);
}

/**
 * The meetings of held events that end at or after `since` (or have no end) and are not
 * among `keep`: after a full sync of the window, these are gone from the calendar.
 * Earlier meetings stay: they happened, whatever the window says now.
 */
export async function meetingsMissingFromWindow(
  db: Queryable,
  accountId: number,
  keep: readonly string[],
  since: Date,
): Promise<number[]> {
  const rows = await db.query<{ meeting_id: number }>(
    `select p.meeting_id from provider_event p join meeting m on m.id = p.meeting_id
     where p.account_id = $1 and not (p.provider_id = any($2::text[]))
       and (m.end_at is null or m.end_at >= $3)`,
    [accountId, keep, since],
  );
  return rows.map((r) => r.meeting_id);
}
