import { jsonParam, type Queryable } from './database.ts';

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

export type SyncStatus = 'active' | 'needs_reauth' | 'error';

/** An account as the sync worker and `rapport accounts` see it. */
export interface AccountRow {
  id: number;
  provider: Provider;
  address: string;
  tokensSealed: Buffer | null;
  grantedScopes: string[];
  mailCursor: string | null;
  calendarCursor: string | null;
  syncStatus: SyncStatus;
  lastError: string | null;
  lastSyncAt: Date | null;
  calendarSyncedAt: Date | null;
  watchExpiresAt: Date | null;
  pushChannel: PushChannel | null;
  syncProgress: { phase: string; done: number; total: number } | null;
  messageCount: number;
  meetingCount: number;
}

/**
 * The push channel the provider calls rapport on: Google Calendar's events channel, or
 * Outlook's mail subscription. What is needed to stop or renew it, the secret its calls
 * carry, and when it lapses.
 */
export interface PushChannel {
  id: string;
  resourceId: string;
  token: string;
  expiresAt: string;
}

const ACCOUNT_COLUMNS = `a.id, a.provider, a.address, a.tokens_encrypted, a.granted_scopes, a.mail_cursor,
  a.calendar_cursor, a.sync_status, a.last_error, a.last_sync_at, a.calendar_synced_at, a.watch_expires_at,
  a.push_channel, a.sync_progress,
  (select count(*) from provider_message p where p.account_id = a.id)::int as message_count,
  (select count(*) from provider_event e where e.account_id = a.id)::int as meeting_count`;

interface AccountDbRow {
  id: number; provider: Provider; address: string; tokens_encrypted: Uint8Array | null; granted_scopes: string[];
  mail_cursor: string | null; calendar_cursor: string | null; sync_status: SyncStatus; last_error: string | null;
  last_sync_at: Date | null; calendar_synced_at: Date | null; watch_expires_at: Date | null;
  push_channel: PushChannel | null; sync_progress: AccountRow['syncProgress']; message_count: number; meeting_count: number;
}

function toAccount(r: AccountDbRow): AccountRow {
  return {
    id: r.id, provider: r.provider, address: r.address,
    tokensSealed: r.tokens_encrypted ? Buffer.from(r.tokens_encrypted) : null,
    grantedScopes: r.granted_scopes, mailCursor: r.mail_cursor, calendarCursor: r.calendar_cursor,
    syncStatus: r.sync_status, lastError: r.last_error, lastSyncAt: r.last_sync_at,
    calendarSyncedAt: r.calendar_synced_at, watchExpiresAt: r.watch_expires_at,
    pushChannel: r.push_channel, syncProgress: r.sync_progress,
    messageCount: r.message_count, meetingCount: r.meeting_count,
  };
}

/**
 * Stores a newly connected (or reconnected) account with its sealed tokens. Reconnecting
 * keeps the cursors, so the log continues where it was, and clears a `needs_reauth`.
 */
export async function saveConnectedAccount(
  db: Queryable,
  provider: Exclude<Provider, 'mailbox'>,
  address: string,
  tokensSealed: Buffer,
  grantedScopes: readonly string[],
): Promise<number> {
  const [row] = await db.query<{ id: number }>(
    `insert into account (provider, address, tokens_encrypted, granted_scopes) values ($1, $2, $3, $4)
     on conflict (provider, address) do update
       set tokens_encrypted = excluded.tokens_encrypted, granted_scopes = excluded.granted_scopes,
           sync_status = 'active', last_error = null
     returning id`,
    [provider, address, tokensSealed, grantedScopes],
  );
  return row!.id;
}

export async function listAccounts(db: Queryable): Promise<AccountRow[]> {
  const rows = await db.query<AccountDbRow>(`select ${ACCOUNT_COLUMNS} from account a order by a.id`);
  return rows.map(toAccount);
}

/** The account with this id, or whose address is this (case-insensitive), or null. */
export async function findAccount(db: Queryable, key: string | number): Promise<AccountRow | null> {
  const rows = await db.query<AccountDbRow>(
    `select ${ACCOUNT_COLUMNS} from account a
     where ($1::int is not null and a.id = $1::int) or lower(a.address) = lower($2) order by a.id`,
    [typeof key === 'number' || /^\d+$/.test(key) ? Number(key) : null, String(key)],
  );
  return rows[0] ? toAccount(rows[0]) : null;
}

export async function saveAccountTokens(db: Queryable, accountId: number, tokensSealed: Buffer): Promise<void> {
  await db.query('update account set tokens_encrypted = $2 where id = $1', [accountId, tokensSealed]);
}

export async function saveMailCursor(db: Queryable, accountId: number, cursor: string): Promise<void> {
  await db.query("update account set mail_cursor = $2, last_sync_at = now(), sync_status = 'active', last_error = null where id = $1", [accountId, cursor]);
}

export async function saveCalendarCursor(db: Queryable, accountId: number, cursor: string | null): Promise<void> {
  await db.query('update account set calendar_cursor = $2, calendar_synced_at = now() where id = $1', [accountId, cursor]);
}

export async function setSyncStatus(db: Queryable, accountId: number, status: SyncStatus, error: string | null): Promise<void> {
  await db.query('update account set sync_status = $2, last_error = $3 where id = $1', [accountId, status, error]);
}

export async function setSyncProgress(db: Queryable, accountId: number, progress: AccountRow['syncProgress']): Promise<void> {
  await db.query('update account set sync_progress = $2 where id = $1', [accountId, progress === null ? null : jsonParam(progress)]);
}

export async function setWatchExpiry(db: Queryable, accountId: number, expiresAt: Date | null): Promise<void> {
  await db.query('update account set watch_expires_at = $2 where id = $1', [accountId, expiresAt]);
}

export async function setPushChannel(db: Queryable, accountId: number, channel: PushChannel | null): Promise<void> {
  await db.query('update account set push_channel = $2 where id = $1', [accountId, channel === null ? null : jsonParam(channel)]);
}
