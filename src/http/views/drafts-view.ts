import type { DraftQueueItem } from '../../store/approval-queries.ts';
import { html, type SafeHtml } from './html.ts';
import { draftBadges, dueText, deliveryText, fieldLabel, KIND_LABELS, recipientText } from './draft-parts.ts';

/** The queue's filters: each a tab of the page (`?show=`). */
export const QUEUE_FILTERS = {
  open: { label: 'Waiting for you', statuses: ['needs_input', 'pending'] },
  snoozed: { label: 'Snoozed', statuses: ['needs_input', 'pending'] },
  approved: { label: 'Approved', statuses: ['approved', 'delivering'] },
  delivered: { label: 'Sent', statuses: ['delivered'] },
  closed: { label: 'Rejected or superseded', statuses: ['rejected', 'superseded'] },
} as const;
export type QueueFilter = keyof typeof QUEUE_FILTERS;

const PREVIEW_LENGTH = 280;

export function draftsView(items: readonly DraftQueueItem[], filter: QueueFilter, now: Date, timeZone: string): SafeHtml {
  const tabs = (Object.keys(QUEUE_FILTERS) as QueueFilter[]).map((key) =>
    html`<a href="/drafts?show=${key}" class="${key === filter ? 'current' : ''}">${QUEUE_FILTERS[key].label}</a>`);
  return html`
<h1>Drafts</h1>
<nav class="tabs">${tabs}</nav>
${items.length === 0 ? html`<p class="meta">${emptyText(filter)}</p>` : items.map((item) => draftCard(item, now, timeZone))}`;
}

function draftCard({ draft, contact }: DraftQueueItem, now: Date, timeZone: string): SafeHtml {
  const classes = ['card', draft.remindedAt && (draft.status === 'pending' || draft.status === 'needs_input') ? 'reminded' : '',
    draft.status === 'needs_input' ? 'needs-input' : ''].filter(Boolean).join(' ');
  const preview = draft.body.length > PREVIEW_LENGTH ? `${draft.body.slice(0, PREVIEW_LENGTH - 1)}…` : draft.body;
  return html`
<article class="${classes}" data-draft="${draft.id}">
  <h3><a href="/drafts/${draft.id}">${draft.subject || '(no subject)'}</a>${draftBadges(draft, now, timeZone)}</h3>
  <div class="meta">${KIND_LABELS[draft.kind]} to ${contact ? html`<a href="/contacts/${contact.id}">${recipientText(draft, contact)}</a>` : recipientText(draft, contact)}${
    contact?.company ? html`, ${contact.company}` : ''}${draft.dueAt ? html` · ${dueText(draft, timeZone)}` : ''}</div>
  ${draft.reason ? html`<div class="meta">Why: ${draft.reason}</div>` : ''}
  ${draft.missingFields.length ? html`<div class="meta"><strong>Needs:</strong> ${draft.missingFields.map(fieldLabel).join(', ')}</div>` : ''}
  ${deliveryText(draft, timeZone) ? html`<div class="meta">${deliveryText(draft, timeZone)}</div>` : ''}
  <p class="preview">${preview}</p>
</article>`;
}

function emptyText(filter: QueueFilter): string {
  return filter === 'open' ? 'Nothing is waiting for you: every draft is handled.' : 'No drafts here.';
}
