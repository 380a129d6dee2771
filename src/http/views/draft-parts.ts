import type { DraftRecord } from '../../store/draft-repository.ts';
import type { ContactCard } from '../../store/approval-queries.ts';
import { formatLocalTime } from '../local-time.ts';
import { missingFieldLabel } from '../unfilled-placeholders.ts';
import { html, type SafeHtml } from './html.ts';

/** The words for each kind of draft. */
export const KIND_LABELS: Record<DraftRecord['kind'], string> = {
  outreach_request: 'Outreach request',
  follow_up: 'Follow-up',
  thank_you: 'Thank-you',
  check_in: 'Check-in',
  referral_intro: 'Referral introduction',
};

/** Who a draft goes to: "Jane Doe <jane@acme.example>", or what is known. */
export function recipientText(draft: DraftRecord, contact: ContactCard | null): string {
  const name = draft.toName ?? contact?.name ?? null;
  const address = draft.toAddress ?? contact?.address ?? null;
  if (name && address) return `${name} <${address}>`;
  return name ?? address ?? '(no recipient yet)';
}

/** A missing merge field in words, as the draft's placeholder names it. */
export const fieldLabel = missingFieldLabel;

export function isOpen(draft: DraftRecord): boolean {
  return draft.status === 'pending' || draft.status === 'needs_input';
}

/** The badges that make a draft stand out: its state, a reminder, overdue, snoozed. */
export function draftBadges(draft: DraftRecord, now: Date, timeZone: string): SafeHtml {
  const overdue = isOpen(draft) && !!draft.dueAt && draft.dueAt < now;
  const snoozed = !!draft.snoozedUntil && draft.snoozedUntil > now;
  return html`<span class="badge ${draft.status}">${draft.status.replace('_', ' ')}</span>${
    isOpen(draft) && draft.remindedAt ? html`<span class="badge reminder">Reminder: still waiting</span>` : ''}${
    overdue ? html`<span class="badge overdue">Overdue</span>` : ''}${
    snoozed ? html`<span class="badge">Snoozed until ${formatLocalTime(draft.snoozedUntil, timeZone)}</span>` : ''}`;
}

/** "Due 2026-03-06 16:30 (Europe/Berlin)", or nothing. */
export function dueText(draft: DraftRecord, timeZone: string): string {
  return draft.dueAt ? `Due ${formatLocalTime(draft.dueAt, timeZone)} (${timeZone})` : '';
}

/** What happens to an approved draft, in words. */
export function deliveryText(draft: DraftRecord, timeZone: string): string {
  if (draft.status === 'delivered') {
    const at = formatLocalTime(draft.deliveredAt, timeZone);
    return draft.deliveryMode === 'mailbox' ? `Sent from your mailbox${at ? ` (${at})` : ''}.` : `Sent${at ? ` ${at}` : ''}.`;
  }
  if (draft.status === 'delivering') return 'Going out now.';
  if (draft.status !== 'approved') return '';
  if (draft.deliveryMode === 'mailbox') return "Approved: it goes to your mailbox's Drafts folder, for you to send.";
  if (draft.sendAt) return `Approved: scheduled to send at ${formatLocalTime(draft.sendAt, timeZone)} (${timeZone}).`;
  return 'Approved: sending now.';
}
