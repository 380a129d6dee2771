import type { Queryable } from '../store/database.ts';

/**
 * The few aggregate reads the metrics need at scrape time: counts only, one query each,
 * never a row's content.
 */

export interface DraftCount {
  kind: string;
  status: string;
  count: number;
}

/** Drafts by kind and status. */
export async function countDraftsByKindAndStatus(db: Queryable): Promise<DraftCount[]> {
  return db.query<DraftCount>('select kind, status, count(*)::int as count from draft group by kind, status');
}

export interface AccountSyncState {
  provider: string;
  status: string;
  count: number;
  /** The oldest mail sync among these accounts (their creation when never synced); null for none. */
  oldestSyncAt: Date | null;
}

/** Connected provider accounts (not mailbox exports) by provider and sync status. */
export async function listAccountSyncStates(db: Queryable): Promise<AccountSyncState[]> {
  const rows = await db.query<{ provider: string; status: string; count: number; oldest_sync_at: Date | string | null }>(
    `select provider, sync_status as status, count(*)::int as count, min(coalesce(last_sync_at, created_at)) as oldest_sync_at
       from account where provider <> 'mailbox' group by provider, sync_status`,
  );
  return rows.map((r) => ({
    provider: r.provider, status: r.status, count: r.count,
    oldestSyncAt: r.oldest_sync_at === null ? null : new Date(r.oldest_sync_at),
  }));
}
