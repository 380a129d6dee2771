import { DRAFT_MOVES } from '../approval/draft-lifecycle.ts';
import type { Queryable } from './database.ts';

/**
 * The deliver worker's hold on one draft: the draft is `delivering`, carries its own
 * Message-ID, and no other worker may check or send for it until the lease lapses.
 */
export interface DeliveryClaim {
  draftId: number;
  /** Counts claims of the draft; fences the writes of a worker whose lease lapsed. */
  attempt: number;
  /** The Message-ID every attempt of this draft sends with (kept from the first claim). */
  rfcMessageId: string;
  /**
   * True when the draft was already `delivering`: an earlier attempt stopped part way
   * (a crash, an answer that never came), so a copy may be out there.
   */
  resumed: boolean;
}

/**
 * Moves the draft `approved → delivering` and gives it `messageId` unless it already has
 * one, in one statement; or takes over a `delivering` draft whose lease lapsed (the
 * worker that held it died). Returns null when the draft is in neither case: delivered,
 * withdrawn by the user, or held by a live worker.
 */
export async function claimDelivery(
  db: Queryable,
  draftId: number,
  messageId: string,
  leaseMs: number,
): Promise<DeliveryClaim | null> {
  const { from, to } = DRAFT_MOVES.start_delivery;
  const rows = await db.query<{ id: number; delivery_attempts: number; rfc_message_id: string; prior_status: string }>(
    `with prior as (select id, status from draft where id = $1 for update)
     update draft d set status = $4, rfc_message_id = coalesce(d.rfc_message_id, $2),
       delivery_attempts = d.delivery_attempts + 1,
       delivery_lease_until = now() + $3::int * interval '1 millisecond', updated_at = now()
     from prior
     where d.id = prior.id
       and (d.status = any($5::text[])
         or (d.status = $4 and (d.delivery_lease_until is null or d.delivery_lease_until <= now())))
     returning d.id, d.delivery_attempts, d.rfc_message_id, prior.status as prior_status`,
    [draftId, messageId, Math.round(leaseMs), to, [...from]],
  );
  const row = rows[0];
  if (!row) return null;
  return { draftId: row.id, attempt: row.delivery_attempts, rfcMessageId: row.rfc_message_id, resumed: row.prior_status === to };
}

/** Extends the lease of a claim still held; false when another worker has taken over. */
export async function renewDeliveryLease(db: Queryable, claim: DeliveryClaim, leaseMs: number): Promise<boolean> {
  const rows = await db.query(
    `update draft set delivery_lease_until = now() + $3::int * interval '1 millisecond'
     where id = $1 and status = 'delivering' and delivery_attempts = $2 returning id`,
    [claim.draftId, claim.attempt, Math.round(leaseMs)],
  );
  return rows.length > 0;
}

/**
 * Ends a claim whose attempt may have sent: the draft stays `delivering`, free for the
 * retry (which checks the mailbox first), with why it did not finish.
 */
export async function releaseDelivery(db: Queryable, claim: DeliveryClaim, lastError: string): Promise<void> {
  await db.query(
    `update draft set delivery_lease_until = null, last_error = $3, updated_at = now()
     where id = $1 and status = 'delivering' and delivery_attempts = $2`,
    [claim.draftId, claim.attempt, lastError],
  );
}

/** Ends a claim whose attempt is known not to have sent: back to `approved`, with why. */
export async function returnToApproved(db: Queryable, claim: DeliveryClaim, lastError: string): Promise<void> {
  const { from, to } = DRAFT_MOVES.retry_delivery;
  await db.query(
    `update draft set status = $4, delivery_lease_until = null, last_error = $3, updated_at = now()
     where id = $1 and status = any($5::text[]) and delivery_attempts = $2`,
    [claim.draftId, claim.attempt, lastError, to, [...from]],
  );
}

/**
 * Marks delivered the drafts whose own Message-ID is on a stored message: one rapport
 * put in the user's Drafts folder and they sent from their mail client, or one whose
 * delivery was interrupted after Gmail took it. Syncs never store drafts (they skip the
 * DRAFT label), and the id is random, so a stored message with it is one that went out.
 * Looks at the given message rows, or at every stored message when `messageRowIds` is
 * null. Returns the drafts it changed.
 */
export async function markDraftsSentByUser(db: Queryable, messageRowIds: readonly number[] | null): Promise<number[]> {
  if (messageRowIds !== null && messageRowIds.length === 0) return [];
  const rows = await db.query<{ id: number }>(
    `update draft d set status = 'delivered', delivered_at = now(), last_error = null,
       delivery_lease_until = null, updated_at = now()
     from message m
     where m.message_key = d.rfc_message_id
       and ($1::int[] is null or m.id = any($1::int[]))
       and (d.status = any($2::text[])
         or (d.status = 'delivered' and d.delivery_mode = 'mailbox' and d.delivered_at is null))
     returning d.id`,
    [messageRowIds === null ? null : [...messageRowIds], [...DRAFT_MOVES.delivered.from]],
  );
  return rows.map((r) => r.id);
}

/** Drafts approved or part way through delivery: each needs a deliver job. */
export async function listUnfinishedDeliveries(db: Queryable): Promise<{ draftId: number; sendAt: Date | null }[]> {
  const rows = await db.query<{ id: number; send_at: Date | null }>(
    `select id, send_at from draft where status in ('approved', 'delivering') order by id`,
  );
  return rows.map((r) => ({ draftId: r.id, sendAt: r.send_at }));
}
