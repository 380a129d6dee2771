import type { Queryable } from './database.ts';

/** The target list (`target` table): people to ask for a conversation, drafted a few a day. */

export interface NewTarget {
  contactId: number;
  email: string;
  name: string;
  company: string | null;
  title: string | null;
  source: string | null;
  referrer: string | null;
  field: string | null;
  importFile: string;
  importLine: number;
}

export interface TargetRecord extends NewTarget {
  id: number;
  status: 'queued' | 'drafted' | 'skipped';
  skipReason: string | null;
  draftId: number | null;
  draftedAt: Date | null;
}

const COLUMNS = `id, contact_id, email, name, company, title, source, referrer, field, import_file, import_line, status,
  skip_reason, draft_id, drafted_at`;

interface TargetRow {
  id: number; contact_id: number; email: string; name: string; company: string | null; title: string | null;
  source: string | null; referrer: string | null; field: string | null; import_file: string; import_line: number;
  status: TargetRecord['status']; skip_reason: string | null; draft_id: number | null; drafted_at: Date | null;
}

function toTarget(r: TargetRow): TargetRecord {
  return {
    id: r.id, contactId: r.contact_id, email: r.email, name: r.name, company: r.company, title: r.title,
    source: r.source, referrer: r.referrer, field: r.field, importFile: r.import_file, importLine: r.import_line,
    status: r.status, skipReason: r.skip_reason, draftId: r.draft_id, draftedAt: r.drafted_at,
  };
}

/**
 * Adds a target unless one with the same address exists; true when added. Fills in the
 * contact's title and how the user got their name where mail has not already.
 */
export async function addTarget(db: Queryable, t: NewTarget): Promise<boolean> {
  const rows = await db.query(
    `insert into target (contact_id, email, name, company, title, source, referrer, field, import_file, import_line)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict (email) do nothing returning id`,
    [t.contactId, t.email, t.name, t.company, t.title, t.source, t.referrer, t.field, t.importFile, t.importLine],
  );
  if (rows.length === 0) return false;
  await db.query('update contact set title = coalesce(title, $2), how_we_met = coalesce(how_we_met, $3) where id = $1', [
    t.contactId, t.title, t.source,
  ]);
  return true;
}

/** The addresses among `emails` already on the target list. */
export async function knownTargetEmails(db: Queryable, emails: readonly string[]): Promise<Set<string>> {
  const rows = await db.query<{ email: string }>('select email from target where email = any($1::text[])', [[...emails]]);
  return new Set(rows.map((r) => r.email));
}

/** The next `limit` targets waiting for their request, in the order they were imported. */
export async function queuedTargets(db: Queryable, limit: number): Promise<TargetRecord[]> {
  const rows = await db.query<TargetRow>(`select ${COLUMNS} from target where status = 'queued' order by id limit $1`, [limit]);
  return rows.map(toTarget);
}

/** How many targets got their request drafted at or after `since`. */
export async function countTargetsDraftedSince(db: Queryable, since: Date): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `select count(*)::int as n from target where status = 'drafted' and drafted_at >= $1`,
    [since],
  );
  return row?.n ?? 0;
}

/** How many targets wait, were drafted, or were skipped. */
export async function countTargets(db: Queryable): Promise<Record<TargetRecord['status'], number>> {
  const rows = await db.query<{ status: TargetRecord['status']; n: number }>(
    'select status, count(*)::int as n from target group by status',
  );
  const counts = { queued: 0, drafted: 0, skipped: 0 };
  for (const r of rows) counts[r.status] = r.n;
  return counts;
}

export async function markTargetDrafted(db: Queryable, targetId: number, draftId: number, at: Date): Promise<void> {
  await db.query(
    `update target set status = 'drafted', draft_id = $2, drafted_at = $3 where id = $1 and status = 'queued'`,
    [targetId, draftId, at],
  );
}

export async function markTargetSkipped(db: Queryable, targetId: number, reason: string): Promise<void> {
  await db.query(`update target set status = 'skipped', skip_reason = $2 where id = $1 and status = 'queued'`, [targetId, reason]);
}

/** Whether the user has already written to the contact (a sent message in the log). */
export async function hasWrittenTo(db: Queryable, contactId: number): Promise<boolean> {
  const [row] = await db.query<{ found: boolean }>(
    `select exists (select 1 from interaction where contact_id = $1 and kind = 'email_sent') as found`,
    [contactId],
  );
  return row?.found === true;
}

/**
 * Holds, until the transaction ends, the one lock that drafting a day's requests takes,
 * so two processes drafting at once cannot both fill the day's quota.
 */
export async function lockOutreachBatch(tx: Queryable): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(hashtext('rapport.outreach-batch'))`);
}
