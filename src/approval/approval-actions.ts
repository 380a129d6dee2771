import { InvalidInputError, NotFoundError } from '../core/errors.ts';
import { getDraft, moveDraft, type DeliveryMode, type DraftRecord } from '../store/draft-repository.ts';
import type { Queryable } from '../store/database.ts';
import { toSubjectHeader } from '../templates/header-text.ts';
import { textToHtml } from '../templates/text-to-html.ts';
import type { DraftMove } from './draft-lifecycle.ts';

/**
 * What the user does with a draft, the same from the web page and the CLI. Delivery is
 * scheduled through `scheduleDelivery`, which the caller provides (a queue job), so this
 * module knows nothing of queues.
 */
export interface ApprovalDeps {
  db: Queryable;
  /** Queues the delivery of an approved draft, now or at `at`. Idempotent per draft. */
  scheduleDelivery(draftId: number, at: Date | null): Promise<void>;
  now?: () => Date;
}

export interface ApproveOptions {
  /** `send`: rapport sends it; `mailbox`: it goes to the user's Drafts folder to send themselves. */
  mode: DeliveryMode;
  /** Send at this time instead of now (only with `send`). */
  at?: Date | null;
}

export async function approveDraft(deps: ApprovalDeps, id: number, options: ApproveOptions): Promise<DraftRecord> {
  const draft = await existing(deps.db, id);
  if (draft.status === 'needs_input') {
    throw new InvalidInputError(`Draft ${id} still needs: ${draft.missingFields.join(', ')}. Edit it first (\`rapport edit ${id}\`).`);
  }
  if (!draft.toAddress) throw new InvalidInputError(`Draft ${id} has no recipient; edit it to add one.`);
  const at = options.mode === 'send' && options.at ? options.at : null;
  if (at && at.getTime() < (deps.now?.() ?? new Date()).getTime() - 60_000) {
    throw new InvalidInputError(`The time to send draft ${id} (${at.toISOString()}) is in the past.`);
  }
  const approved = await move(deps.db, draft, 'approve', { deliveryMode: options.mode, sendAt: at });
  await deps.scheduleDelivery(id, at);
  return approved;
}

export async function rejectDraft(deps: ApprovalDeps, id: number): Promise<DraftRecord> {
  return move(deps.db, await existing(deps.db, id), 'reject');
}

/**
 * Replaces the subject and body with the user's text. The user's words are what they
 * want sent, so a draft that waited for input is complete once they edit it, and an
 * approved one goes back to pending: they approve what they see.
 */
export async function editDraft(deps: ApprovalDeps, id: number, edit: { subject: string; body: string }): Promise<DraftRecord> {
  const subject = toSubjectHeader(edit.subject);
  if (!subject) throw new InvalidInputError('A draft needs a subject.');
  if (!edit.body.trim()) throw new InvalidInputError('A draft needs a body.');
  return move(deps.db, await existing(deps.db, id), 'edit', {
    subject,
    body: edit.body,
    html: textToHtml(edit.body),
    missingFields: [],
    deliveryMode: null,
    sendAt: null,
  });
}

/** Hides a draft from the queue until `until`. */
export async function snoozeDraft(deps: ApprovalDeps, id: number, until: Date): Promise<DraftRecord> {
  if (until.getTime() <= (deps.now?.() ?? new Date()).getTime()) throw new InvalidInputError('Snooze until a time in the future.');
  return move(deps.db, await existing(deps.db, id), 'snooze', { snoozedUntil: until });
}

async function existing(db: Queryable, id: number): Promise<DraftRecord> {
  const draft = await getDraft(db, id);
  if (!draft) throw new NotFoundError('draft', String(id));
  return draft;
}

async function move(db: Queryable, draft: DraftRecord, action: DraftMove, patch: Parameters<typeof moveDraft>[3] = {}): Promise<DraftRecord> {
  const moved = await moveDraft(db, draft.id, action, patch);
  if (moved) return moved;
  const now = await getDraft(db, draft.id);
  throw new InvalidInputError(`Draft ${draft.id} is ${now?.status ?? draft.status}; it cannot be ${PAST[action]} now.`);
}

const PAST: Record<DraftMove, string> = {
  complete: 'completed', approve: 'approved', edit: 'edited', reject: 'rejected', snooze: 'snoozed',
  start_delivery: 'delivered', delivered: 'marked delivered', retry_delivery: 'retried', supersede: 'superseded',
};
