import { outreachFields } from '../approval/plan-fields.ts';
import { outreachKey } from '../approval/plan-outreach.ts';
import { InvalidInputError, NotFoundError } from '../core/errors.ts';
import type { Queryable } from '../store/database.ts';
import { findDraftByKey, type DraftRecord } from '../store/draft-repository.ts';
import { draftAccountFor } from '../store/planner-queries.ts';
import { hasWrittenTo } from '../store/planner-target-queries.ts';
import type { PlannerDeps } from './planner-context.ts';
import { contactForDraft, createPlannedDraft, senderAddress } from './planner-drafts.ts';

/**
 * Drafts a first request to meet a contact the user has not written to yet, when they ask
 * for it (someone suggested the person, or they met at a fair): an introduction that names
 * the referrer when someone referred them, else a request that says how the user got the
 * name (or waits for it). One first request per person, shared with the target list: asking
 * again, or listing them later, returns the draft there is.
 *
 * @throws InvalidInputError when rapport has no address for them or the user has written
 *   to them already (rapport follows that conversation instead).
 */
export async function draftFirstRequest(
  deps: Pick<PlannerDeps, 'config' | 'renderer' | 'now'>,
  db: Queryable,
  contactId: number,
): Promise<{ draft: DraftRecord; created: boolean }> {
  const contact = await contactForDraft(db, contactId);
  if (!contact) throw new NotFoundError('contact', String(contactId));
  for (const kind of ['referral_intro', 'outreach_request'] as const) {
    const existing = await findDraftByKey(db, outreachKey(kind, contactId));
    if (existing) return { draft: existing, created: false };
  }
  const who = contact.name ?? contact.address ?? `contact ${contactId}`;
  if (!contact.address) throw new InvalidInputError(`rapport has no address for ${who}: merge in the contact that has one first.`);
  if (await hasWrittenTo(db, contactId)) {
    throw new InvalidInputError(`You have written to ${who} already: rapport follows that conversation, with follow-ups when it goes quiet.`);
  }
  const kind = contact.referrerName ? 'referral_intro' : 'outreach_request';
  const account = await draftAccountFor(db, null, null);
  const now = deps.now();
  return createPlannedDraft(deps, db, {
    kind,
    key: outreachKey(kind, contactId),
    fields: outreachFields({ user: deps.config.user, userEmail: senderAddress(deps, account), contact, now }),
    contact,
    account,
    reason: contact.referrerName
      ? `${contact.referrerName} suggested you talk to ${who}; you asked for a first request.`
      : `You asked for a first request to ${who}.`,
    dueAt: now,
  });
}
