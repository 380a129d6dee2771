import type { Queryable } from './database.ts';

export type InteractionKind =
  | 'email_sent'
  | 'email_received'
  | 'meeting'
  | 'thank_you_sent'
  | 'note'
  | 'referral';

export interface NewInteraction {
  contactId: number;
  kind: InteractionKind;
  occurredAt: Date | null;
  messageId: number | null;
  meetingId: number | null;
  summary: string;
  /** `message:<key>` or `meeting:<uid>:<recurrence id>`: unique per contact. */
  sourceKey: string;
}

/** How {@link upsertInteractions} names an interaction it created. */
export const interactionKey = (contactId: number, sourceKey: string) => `${contactId}|${sourceKey}`;

/**
 * Adds interactions; one that exists for the same contact and source is updated in place
 * (a moved meeting keeps one entry). Returns the {@link interactionKey}s of the new ones.
 */
export async function upsertInteractions(
  tx: Queryable,
  all: readonly NewInteraction[],
): Promise<Set<string>> {
  // One statement may not touch a row twice: keep one entry per contact and source. In key
  // order, so that concurrent batches lock the rows they share in one order.
  const rows = [...new Map(all.map((r) => [interactionKey(r.contactId, r.sourceKey), r])).values()].sort(
    (a, b) => a.contactId - b.contactId || (a.sourceKey < b.sourceKey ? -1 : a.sourceKey > b.sourceKey ? 1 : 0),
  );
  if (rows.length === 0) return new Set();
  const inserted = await tx.query<{ contact_id: number; source_key: string; is_new: boolean }>(
    `insert into interaction (contact_id, kind, occurred_at, message_id, meeting_id, summary, source_key)
     select * from unnest($1::int[], $2::text[], $3::timestamptz[], $4::int[], $5::int[], $6::text[], $7::text[])
     on conflict (contact_id, source_key) do update
       set occurred_at = excluded.occurred_at, summary = excluded.summary, kind = excluded.kind
     returning contact_id, source_key, (xmax = 0) as is_new`,
    [
      rows.map((r) => r.contactId),
      rows.map((r) => r.kind),
      rows.map((r) => r.occurredAt),
      rows.map((r) => r.messageId),
      rows.map((r) => r.meetingId),
      rows.map((r) => r.summary),
      rows.map((r) => r.sourceKey),
    ],
  );
  return new Set(inserted.filter((r) => r.is_new).map((r) => interactionKey(r.contact_id, r.source_key)));
}

/** Removes the interactions that came from one source (a cancelled meeting). */
export async function deleteInteractionsBySource(tx: Queryable, sourceKey: string): Promise<void> {
  await tx.query('delete from interaction where source_key = $1', [sourceKey]);
}
