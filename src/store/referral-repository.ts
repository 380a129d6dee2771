import type { MessageRecord } from '../core/types.ts';
import { countNames, upsertContacts } from './contact-repository.ts';
import type { Queryable } from './database.ts';
import { upsertInteractions } from './interaction-repository.ts';

/**
 * Records the people a message suggested talking to: each becomes a contact (matched by
 * address, else by name) marked referred-by the sender, with a `referral` interaction.
 */
export async function recordReferrals(tx: Queryable, messageRowId: number, m: MessageRecord): Promise<void> {
  if (m.referrals.length === 0 || !m.fromAddress) return;
  const [sender] = await tx.query<{ contact_id: number }>(
    'select contact_id from contact_email where address = $1',
    [m.fromAddress],
  );
  if (!sender) return;
  const withAddress = await upsertContacts(
    tx,
    m.referrals.flatMap((r) => (r.address ? [{ address: r.address, name: r.name, company: r.company }] : [])),
  );
  for (const referral of m.referrals) {
    const contactId = referral.address
      ? withAddress.get(referral.address)!
      : await contactByName(tx, referral.name);
    if (contactId === sender.contact_id) continue;
    await tx.query(
      `update contact set referred_by_contact_id = coalesce(referred_by_contact_id, $2),
         how_we_met = coalesce(how_we_met, $3) where id = $1`,
      [contactId, sender.contact_id, `Suggested by ${m.fromAddress}`],
    );
    const isNew = await upsertInteractions(tx, [{
      contactId, kind: 'referral', occurredAt: m.sentAt, messageId: messageRowId, meetingId: null,
      summary: `Suggested by ${m.fromAddress}: ${m.subject}`, sourceKey: `referral:${m.messageKey}`,
    }]);
    // The name the referrer gave counts like a display name seen once, so a person known
    // only from a referral is not shown by address alone (a name-only one has it already).
    if (referral.address && isNew.size > 0) await countNames(tx, [{ contactId, name: referral.name }]);
  }
}

/** The contact best known by this name, or a new contact with only a name. */
async function contactByName(tx: Queryable, name: string): Promise<number> {
  const [known] = await tx.query<{ contact_id: number }>(
    'select contact_id from contact_name where lower(name) = lower($1) order by seen_count desc, contact_id limit 1',
    [name],
  );
  if (known) return known.contact_id;
  const [created] = await tx.query<{ id: number }>('insert into contact default values returning id');
  await tx.query('insert into contact_name (contact_id, name, seen_count) values ($1, $2, 1)', [created!.id, name]);
  return created!.id;
}
