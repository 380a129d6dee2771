import { DRAFT_MOVES, OPEN_STATUSES, type DraftMove, type DraftStatus } from '../approval/draft-lifecycle.ts';
import { jsonParam, type Queryable } from './database.ts';

export type DraftKind = 'outreach_request' | 'follow_up' | 'thank_you' | 'check_in' | 'referral_intro';
export type DeliveryMode = 'send' | 'mailbox';

/** A draft as every part of rapport sees it. */
export interface DraftRecord {
  id: number;
  kind: DraftKind;
  status: DraftStatus;
  contactId: number | null;
  threadId: number | null;
  meetingId: number | null;
  accountId: number | null;
  toAddress: string | null;
  toName: string | null;
  subject: string;
  body: string;
  html: string | null;
  missingFields: string[];
  /** The merge fields it was rendered from (see src/templates/draft-fields.ts). */
  fields: Record<string, unknown> | null;
  reason: string;
  followUpNumber: number | null;
  dueAt: Date | null;
  sendAt: Date | null;
  snoozedUntil: Date | null;
  remindedAt: Date | null;
  deliveryMode: DeliveryMode | null;
  idempotencyKey: string;
  rfcMessageId: string | null;
  inReplyTo: string | null;
  references: string[];
  providerThreadId: string | null;
  providerId: string | null;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  deliveredAt: Date | null;
}

/** What creating a draft takes; everything else starts empty. */
export interface NewDraft {
  kind: DraftKind;
  /** `pending`, or `needs_input` when `missingFields` is not empty. */
  contactId?: number | null;
  threadId?: number | null;
  meetingId?: number | null;
  accountId?: number | null;
  toAddress?: string | null;
  toName?: string | null;
  subject: string;
  body: string;
  html?: string | null;
  missingFields?: readonly string[];
  fields?: Record<string, unknown> | null;
  reason?: string;
  followUpNumber?: number | null;
  dueAt?: Date | null;
  /** Derived from the work (`thank_you:<meeting>`): creating it again returns the first one. */
  idempotencyKey: string;
  inReplyTo?: string | null;
  references?: readonly string[];
  providerThreadId?: string | null;
}

const COLUMNS = `id, kind, status, contact_id, thread_id, meeting_id, account_id, to_address, to_name, subject, body,
  html_body, missing_fields, fields, reason, follow_up_number, due_at, send_at, snoozed_until, reminded_at,
  delivery_mode, idempotency_key, rfc_message_id, in_reply_to, refs, provider_thread_id, provider_id,
  last_error, created_at, updated_at, delivered_at`;

interface DraftRow {
  id: number; kind: DraftKind; status: DraftStatus; contact_id: number | null; thread_id: number | null;
  meeting_id: number | null; account_id: number | null; to_address: string | null; to_name: string | null;
  subject: string; body: string; html_body: string | null; missing_fields: string[];
  fields: Record<string, unknown> | null; reason: string; follow_up_number: number | null; due_at: Date | null;
  send_at: Date | null; snoozed_until: Date | null; reminded_at: Date | null; delivery_mode: DeliveryMode | null;
  idempotency_key: string; rfc_message_id: string | null; in_reply_to: string | null; refs: string[];
  provider_thread_id: string | null; provider_id: string | null; last_error: string | null;
  created_at: Date; updated_at: Date; delivered_at: Date | null;
}

function toDraft(r: DraftRow): DraftRecord {
  return {
    id: r.id, kind: r.kind, status: r.status, contactId: r.contact_id, threadId: r.thread_id,
    meetingId: r.meeting_id, accountId: r.account_id, toAddress: r.to_address, toName: r.to_name,
    subject: r.subject, body: r.body, html: r.html_body, missingFields: r.missing_fields, fields: r.fields,
    reason: r.reason, followUpNumber: r.follow_up_number, dueAt: r.due_at, sendAt: r.send_at,
    snoozedUntil: r.snoozed_until, remindedAt: r.reminded_at, deliveryMode: r.delivery_mode,
    idempotencyKey: r.idempotency_key, rfcMessageId: r.rfc_message_id, inReplyTo: r.in_reply_to,
    references: r.refs, providerThreadId: r.provider_thread_id, providerId: r.provider_id,
    lastError: r.last_error, createdAt: r.created_at, updatedAt: r.updated_at, deliveredAt: r.delivered_at,
  };
}

/**
 * Creates a draft unless one with the same idempotency key exists; either way returns
 * the draft, and whether this call created it.
 */
export async function createDraft(db: Queryable, d: NewDraft): Promise<{ draft: DraftRecord; created: boolean }> {
  const missing = [...(d.missingFields ?? [])];
  const inserted = await db.query<DraftRow>(
    `insert into draft (kind, status, contact_id, thread_id, meeting_id, account_id, to_address, to_name, subject,
       body, html_body, missing_fields, fields, reason, follow_up_number, due_at, idempotency_key, in_reply_to,
       refs, provider_thread_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
     on conflict (idempotency_key) do nothing
     returning ${COLUMNS}`,
    [
      d.kind, missing.length > 0 ? 'needs_input' : 'pending', d.contactId ?? null, d.threadId ?? null,
      d.meetingId ?? null, d.accountId ?? null, d.toAddress ?? null, d.toName ?? null, d.subject, d.body,
      d.html ?? null, missing, d.fields ? jsonParam(d.fields) : null, d.reason ?? '', d.followUpNumber ?? null,
      d.dueAt ?? null, d.idempotencyKey, d.inReplyTo ?? null, [...(d.references ?? [])], d.providerThreadId ?? null,
    ],
  );
  if (inserted[0]) return { draft: toDraft(inserted[0]), created: true };
  const existing = await findDraftByKey(db, d.idempotencyKey);
  return { draft: existing!, created: false };
}

export async function getDraft(db: Queryable, id: number): Promise<DraftRecord | null> {
  const rows = await db.query<DraftRow>(`select ${COLUMNS} from draft where id = $1`, [id]);
  return rows[0] ? toDraft(rows[0]) : null;
}

export async function findDraftByKey(db: Queryable, idempotencyKey: string): Promise<DraftRecord | null> {
  const rows = await db.query<DraftRow>(`select ${COLUMNS} from draft where idempotency_key = $1`, [idempotencyKey]);
  return rows[0] ? toDraft(rows[0]) : null;
}

/** The draft whose own Message-ID this is (a sent message rapport wrote), or null. */
export async function findDraftByRfcMessageId(db: Queryable, rfcMessageId: string): Promise<DraftRecord | null> {
  const rows = await db.query<DraftRow>(`select ${COLUMNS} from draft where rfc_message_id = $1`, [rfcMessageId]);
  return rows[0] ? toDraft(rows[0]) : null;
}

/** Drafts in the given states (all when none are given), the soonest due first. */
export async function listDrafts(db: Queryable, statuses: readonly DraftStatus[] = []): Promise<DraftRecord[]> {
  const rows = await db.query<DraftRow>(
    `select ${COLUMNS} from draft where cardinality($1::text[]) = 0 or status = any($1::text[])
     order by due_at nulls last, id`,
    [[...statuses]],
  );
  return rows.map(toDraft);
}

/** Columns a move may change along with the status. */
export interface DraftPatch {
  subject?: string;
  body?: string;
  html?: string | null;
  missingFields?: readonly string[];
  fields?: Record<string, unknown> | null;
  deliveryMode?: DeliveryMode | null;
  sendAt?: Date | null;
  snoozedUntil?: Date | null;
  remindedAt?: Date | null;
  rfcMessageId?: string | null;
  providerId?: string | null;
  providerThreadId?: string | null;
  lastError?: string | null;
  deliveredAt?: Date | null;
}

const PATCH_COLUMNS: Record<keyof DraftPatch, string> = {
  subject: 'subject', body: 'body', html: 'html_body', missingFields: 'missing_fields', fields: 'fields',
  deliveryMode: 'delivery_mode', sendAt: 'send_at', snoozedUntil: 'snoozed_until', remindedAt: 'reminded_at',
  rfcMessageId: 'rfc_message_id', providerId: 'provider_id', providerThreadId: 'provider_thread_id',
  lastError: 'last_error', deliveredAt: 'delivered_at',
};

/**
 * Applies a move of the life cycle in one statement: only from the states the move
 * allows, so of two racing callers one wins and the other gets null.
 */
export async function moveDraft(db: Queryable, id: number, move: DraftMove, patch: DraftPatch = {}): Promise<DraftRecord | null> {
  const { from, to } = DRAFT_MOVES[move];
  const sets = ['status = $3', 'updated_at = now()'];
  const params: unknown[] = [id, [...from], to];
  for (const [key, value] of Object.entries(patch) as [keyof DraftPatch, unknown][]) {
    if (value === undefined) continue;
    params.push(key === 'fields' && value !== null ? jsonParam(value) : key === 'missingFields' ? [...(value as string[])] : value);
    sets.push(`${PATCH_COLUMNS[key]} = $${params.length}`);
  }
  const rows = await db.query<DraftRow>(
    `update draft set ${sets.join(', ')} where id = $1 and status = any($2::text[]) returning ${COLUMNS}`,
    params,
  );
  return rows[0] ? toDraft(rows[0]) : null;
}

/** Changes columns without a move (a reminder noted, an error recorded). */
export async function patchDraft(db: Queryable, id: number, patch: DraftPatch): Promise<DraftRecord | null> {
  const sets = ['updated_at = now()'];
  const params: unknown[] = [id];
  for (const [key, value] of Object.entries(patch) as [keyof DraftPatch, unknown][]) {
    if (value === undefined) continue;
    params.push(key === 'fields' && value !== null ? jsonParam(value) : key === 'missingFields' ? [...(value as string[])] : value);
    sets.push(`${PATCH_COLUMNS[key]} = $${params.length}`);
  }
  const rows = await db.query<DraftRow>(`update draft set ${sets.join(', ')} where id = $1 returning ${COLUMNS}`, params);
  return rows[0] ? toDraft(rows[0]) : null;
}

/**
 * Supersedes the open drafts of a kind for a contact (a thank-you the user wrote
 * themselves, a reply that makes a follow-up pointless); returns those it changed.
 */
export async function supersedeDrafts(
  db: Queryable,
  where: { kind: DraftKind; contactId?: number; threadId?: number; meetingId?: number },
): Promise<DraftRecord[]> {
  const rows = await db.query<DraftRow>(
    `update draft set status = 'superseded', updated_at = now()
     where kind = $1 and status = any($2::text[])
       and ($3::int is null or contact_id = $3) and ($4::int is null or thread_id = $4) and ($5::int is null or meeting_id = $5)
     returning ${COLUMNS}`,
    [where.kind, [...DRAFT_MOVES.supersede.from], where.contactId ?? null, where.threadId ?? null, where.meetingId ?? null],
  );
  return rows.map(toDraft);
}

/** What planning a draft again may change, while the user has not touched it. */
export interface DraftReplan {
  subject: string;
  body: string;
  html: string | null;
  missingFields: readonly string[];
  fields: Record<string, unknown>;
  threadId: number | null;
  accountId: number | null;
  inReplyTo: string | null;
  references: readonly string[];
  providerThreadId: string | null;
}

/**
 * Replaces a draft's content and threading with a newer plan (the meeting it thanks for
 * has since been linked to its thread), only while it is open and nobody has changed it
 * since it was created. Returns null when that no longer holds.
 */
export async function replanUntouchedDraft(db: Queryable, id: number, plan: DraftReplan): Promise<DraftRecord | null> {
  const rows = await db.query<DraftRow>(
    `update draft set subject = $2, body = $3, html_body = $4, missing_fields = $5, fields = $6, thread_id = $7,
       account_id = $8, in_reply_to = $9, refs = $10, provider_thread_id = $11,
       status = case when cardinality($5::text[]) > 0 then 'needs_input' else 'pending' end
     where id = $1 and status = any($12::text[]) and updated_at = created_at
     returning ${COLUMNS}`,
    [
      id, plan.subject, plan.body, plan.html, [...plan.missingFields], jsonParam(plan.fields), plan.threadId,
      plan.accountId, plan.inReplyTo, [...plan.references], plan.providerThreadId, ['needs_input', 'pending'],
    ],
  );
  return rows[0] ? toDraft(rows[0]) : null;
}

/**
 * Open drafts that name a contact: those to them, and those to the people they referred
 * (which name them as the referrer). Only drafts rendered from merge fields.
 */
export async function openDraftsNaming(db: Queryable, contactId: number): Promise<DraftRecord[]> {
  const rows = await db.query<DraftRow>(
    `select ${COLUMNS} from draft
     where status = any($2::text[]) and fields is not null
       and (contact_id = $1 or contact_id in (select id from contact where referred_by_contact_id = $1))
     order by id`,
    [contactId, [...OPEN_STATUSES]],
  );
  return rows.map(toDraft);
}

/** A draft written again from new merge fields (the contact was renamed). */
export interface DraftRewrite {
  subject: string;
  body: string;
  html: string;
  missingFields: readonly string[];
  fields: Record<string, unknown>;
  toName: string | null;
  reason: string;
}

/**
 * Replaces an open draft's text while it is still `was` (the user has not edited it
 * meanwhile). A draft that now lacks fields stays `needs_input`; one that has them all
 * becomes `pending`; a pending draft never goes back to `needs_input`. Returns null when
 * any of that does not hold. A rewrite `byUser` (they filled in what was missing) counts
 * as their touch, so planning never replaces it; one of rapport's own leaves `updated_at`.
 */
export async function rewriteUnchangedDraft(
  db: Queryable,
  id: number,
  was: { subject: string; body: string },
  next: DraftRewrite,
  options: { byUser?: boolean } = {},
): Promise<DraftRecord | null> {
  const missing = [...next.missingFields];
  const from: DraftStatus[] = missing.length > 0 ? ['needs_input'] : [...OPEN_STATUSES];
  const rows = await db.query<DraftRow>(
    `update draft set subject = $4, body = $5, html_body = $6, missing_fields = $7, fields = $8, to_name = $9, reason = $10,
       status = case when cardinality($7::text[]) > 0 then 'needs_input' else 'pending' end,
       updated_at = case when $12 then now() else updated_at end
     where id = $1 and status = any($11::text[]) and subject = $2 and body = $3
     returning ${COLUMNS}`,
    [id, was.subject, was.body, next.subject, next.body, next.html, missing, jsonParam(next.fields), next.toName, next.reason, from,
      options.byUser === true],
  );
  return rows[0] ? toDraft(rows[0]) : null;
}
