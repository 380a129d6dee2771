import { readableName } from '../approval/plan-fields.ts';
import { createDraft, findDraftByKey, replanUntouchedDraft, type DraftKind, type DraftRecord } from '../store/draft-repository.ts';
import type { Queryable } from '../store/database.ts';
import { loadContactProfile, type ContactRow } from '../store/planner-contact-queries.ts';
import type { DraftAccount } from '../store/planner-queries.ts';
import type { DraftFields } from '../templates/index.ts';
import type { PlannerDeps } from './planner-context.ts';

/** A draft the planner decided on, before rendering. */
export interface PlannedDraft {
  kind: DraftKind;
  /** Derived from the work (`thank_you:<meeting>`): planning it again finds the first. */
  key: string;
  fields: DraftFields;
  contact: ContactRow;
  account: DraftAccount | null;
  reason: string;
  dueAt: Date;
  threadId?: number | null;
  meetingId?: number | null;
  followUpNumber?: number | null;
  /** The message it answers: its Message-ID and References, without angle brackets. */
  reply?: { inReplyTo: string; references: readonly string[] } | null;
}

/**
 * Renders and stores a planned draft unless its key is taken; a draft with required
 * fields missing is stored as `needs_input` with the placeholders showing.
 */
export async function createPlannedDraft(
  deps: Pick<PlannerDeps, 'renderer'>,
  db: Queryable,
  plan: PlannedDraft,
): Promise<{ draft: DraftRecord; created: boolean }> {
  const existing = await findDraftByKey(db, plan.key);
  const rendered = () => deps.renderer.render(plan.kind, plan.fields);
  if (existing) {
    // Planned before its thread was known (the calendar synced before the mail): an
    // untouched draft is planned again, so it replies in that thread.
    if (existing.threadId === null && plan.threadId) {
      const again = rendered();
      const replanned = await replanUntouchedDraft(db, existing.id, {
        subject: again.draft.subject, body: again.draft.text, html: again.draft.html,
        missingFields: again.status === 'needs_input' ? again.missing : [], fields: { ...plan.fields },
        threadId: plan.threadId, accountId: plan.account?.accountId ?? existing.accountId,
        inReplyTo: plan.reply?.inReplyTo ?? null, references: plan.reply?.references ?? [],
        providerThreadId: plan.account?.providerThreadId ?? null,
      });
      if (replanned) return { draft: replanned, created: false };
    }
    return { draft: existing, created: false };
  }
  const fresh = rendered();
  return createDraft(db, {
    kind: plan.kind,
    contactId: plan.contact.contactId,
    threadId: plan.threadId ?? null,
    meetingId: plan.meetingId ?? null,
    accountId: plan.account?.accountId ?? null,
    toAddress: plan.contact.address,
    toName: plan.contact.name,
    subject: fresh.draft.subject,
    body: fresh.draft.text,
    html: fresh.draft.html,
    missingFields: fresh.status === 'needs_input' ? fresh.missing : [],
    fields: { ...plan.fields },
    reason: plan.reason,
    followUpNumber: plan.followUpNumber ?? null,
    dueAt: plan.dueAt,
    idempotencyKey: plan.key,
    inReplyTo: plan.reply?.inReplyTo ?? null,
    references: plan.reply?.references ?? [],
    providerThreadId: plan.account?.providerThreadId ?? null,
  });
}

/** The contact a draft goes to, named as a person reads it ("Jane Doe", not "Doe, Jane"). */
export async function contactForDraft(db: Queryable, contactId: number): Promise<ContactRow | null> {
  const contact = await loadContactProfile(db, contactId);
  return contact && { ...contact, name: readableName(contact.name) };
}

/** The address drafts go out from: the sending account's, else the user's first. */
export function senderAddress(deps: Pick<PlannerDeps, 'config'>, account: DraftAccount | null): string | null {
  return account?.address ?? deps.config.user.addresses[0] ?? null;
}

/** Threading of a reply to `message`, when it has a Message-ID. */
export function replyTo(message: { rfcMessageId: string | null; refs: readonly string[] } | undefined): PlannedDraft['reply'] {
  if (!message?.rfcMessageId) return null;
  return { inReplyTo: message.rfcMessageId, references: [...message.refs.filter((r) => r !== message.rfcMessageId), message.rfcMessageId] };
}
