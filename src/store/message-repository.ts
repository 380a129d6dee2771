import type { MessageRecord } from '../core/types.ts';
import { countNames, upsertContacts } from './contact-repository.ts';
import type { Queryable } from './database.ts';
import { upsertInteractions } from './interaction-repository.ts';
import { assignThread } from './thread-repository.ts';

export interface RecordMessageOptions {
  accountId: number | null;
  subjectWindowDays: number;
}

/**
 * Stores one analysed message with its thread, contacts and interactions. Call inside a
 * transaction. A message already stored (same key) changes nothing; returns whether it was new.
 */
export async function recordMessage(
  tx: Queryable,
  message: MessageRecord,
  options: RecordMessageOptions,
): Promise<{ isNew: boolean; messageRowId: number }> {
  const inserted = await insertMessage(tx, message, options.accountId);
  if (inserted === null) {
    const [row] = await tx.query<{ id: number }>('select id from message where message_key = $1', [
      message.messageKey,
    ]);
    return { isNew: false, messageRowId: row!.id };
  }
  await assignThread(tx, inserted, message, options.subjectWindowDays);
  const contactIds = await upsertContacts(tx, message.contacts);
  const kind = message.direction === 'sent' ? 'email_sent' : 'email_received';
  const fresh = await upsertInteractions(
    tx,
    [...contactIds.values()].map((contactId) => ({
      contactId,
      kind,
      occurredAt: message.sentAt,
      messageId: inserted,
      meetingId: null,
      summary: message.subject,
      sourceKey: `message:${message.messageKey}`,
    })),
  );
  await countNames(
    tx,
    message.contacts
      .filter((p) => p.name && fresh.has(contactIds.get(p.address)!))
      .map((p) => ({ contactId: contactIds.get(p.address)!, name: p.name! })),
  );
  return { isNew: true, messageRowId: inserted };
}

async function insertMessage(
  tx: Queryable,
  m: MessageRecord,
  accountId: number | null,
): Promise<number | null> {
  const rows = await tx.query<{ id: number }>(
    `insert into message (message_key, account_id, rfc_message_id, in_reply_to, refs, direction,
       from_address, participants, counterparts, sent_at, subject, normalized_subject, excerpt,
       is_bulk, source)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     on conflict (message_key) do nothing returning id`,
    [
      m.messageKey, accountId, m.messageId, m.inReplyTo, m.references, m.direction,
      m.fromAddress, m.participants, m.counterparts, m.sentAt, m.subject, m.normalizedSubject,
      m.excerpt, m.isBulk, m.source,
    ],
  );
  return rows[0]?.id ?? null;
}
