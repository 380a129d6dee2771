import type { DraftDetail } from '../../store/approval-queries.ts';
import { formatLocalTime, toDateTimeLocalValue } from '../local-time.ts';
import { html, type SafeHtml } from './html.ts';
import { postForm } from './layout.ts';
import { deliveryText, draftBadges, dueText, fieldLabel, isOpen, KIND_LABELS, recipientText } from './draft-parts.ts';

/** Snooze choices, in hours. */
export const SNOOZE_HOURS = [4, 24, 72, 168] as const;

export interface DraftViewOptions {
  csrfToken: string;
  now: Date;
  timeZone: string;
  /** What the user typed, shown again when saving it failed. */
  typed?: { subject: string; body: string } | null;
  /** What the user typed into the fill-in form, by field path, shown again when it was refused. */
  typedFill?: Readonly<Record<string, string>> | null;
}

export function draftView(detail: DraftDetail, o: DraftViewOptions): SafeHtml {
  const { draft, contact } = detail;
  const editable = isOpen(draft) || draft.status === 'approved';
  return html`
<p class="meta"><a href="/drafts">← All drafts</a></p>
<h1>${draft.subject || '(no subject)'}${draftBadges(draft, o.now, o.timeZone)}</h1>
<section class="card">
  <dl class="facts">
    <dt>Kind</dt><dd>${KIND_LABELS[draft.kind]}</dd>
    <dt>To</dt><dd>${contact ? html`<a href="/contacts/${contact.id}">${recipientText(draft, contact)}</a>` : recipientText(draft, contact)}${contact?.company ? html`, ${contact.company}` : ''}</dd>
    ${draft.reason ? html`<dt>Why</dt><dd>${draft.reason}</dd>` : ''}
    ${draft.dueAt ? html`<dt>Due</dt><dd>${dueText(draft, o.timeZone).replace(/^Due /, '')}</dd>` : ''}
    ${detail.meeting ? html`<dt>Meeting</dt><dd>${detail.meeting.summary} (${formatLocalTime(detail.meeting.startAt, o.timeZone)})</dd>` : ''}
    ${detail.thread ? html`<dt>Thread</dt><dd>${detail.thread.subject}</dd>` : ''}
    ${draft.remindedAt && isOpen(draft) ? html`<dt>Reminder</dt><dd><strong>You were reminded ${formatLocalTime(draft.remindedAt, o.timeZone)}: ${
      draft.dueAt && draft.dueAt < o.now ? 'it is overdue' : 'it is due soon'}.</strong></dd>` : ''}
    ${deliveryText(draft, o.timeZone) ? html`<dt>Delivery</dt><dd>${deliveryText(draft, o.timeZone)}</dd>` : ''}
    ${draft.lastError ? html`<dt>Problem</dt><dd>${draft.lastError}</dd>` : ''}
  </dl>
</section>
${draft.missingFields.length ? html`<p class="error">This draft needs: <strong>${draft.missingFields.map(fieldLabel).join(', ')}</strong>. ${
  fillable(draft) ? 'Fill it in below, or replace' : 'Replace'} the [bracketed] placeholders in the text and save; then you can approve it.</p>` : ''}
${fillable(draft) ? fillForm(detail, o) : ''}
${editable ? editForm(detail, o) : readOnly(detail)}
${editable ? actions(detail, o) : ''}`;
}

/** A draft waiting for input that rapport can render again with what the user gives. */
function fillable(draft: DraftDetail['draft']): boolean {
  return draft.status === 'needs_input' && draft.fields !== null && draft.missingFields.length > 0;
}

/** How each missing field is asked for: a hint, and whether it takes paragraphs or a time. */
const FILL_HINTS: Record<string, { hint: (timeZone: string) => string; input?: 'paragraphs' | 'time' }> = {
  takeaway: { input: 'paragraphs', hint: () => 'One or two sentences in your own words: what you learned, or what you will do with their advice. The thank-you gives it a paragraph of its own.' },
  update: { input: 'paragraphs', hint: () => 'Your news since you last spoke, in a sentence or two.' },
  'contact.firstName': { hint: () => 'As the greeting says it. To correct their name for every draft, edit it on their contact page.' },
  'contact.source': { hint: () => 'Read after “I came across your name through”, e.g. “the alumni directory”.' },
  'referrer.name': { hint: () => 'Who gave you their name, as the message says it.' },
  'user.name': { hint: () => 'As you sign. Set user.name in the configuration to have it in every draft.' },
  'user.fieldOfInterest': { hint: () => 'Read after “a career in”. Set user.field in the configuration to have it in every draft.' },
  'meeting.start': { input: 'time', hint: (timeZone) => `When you met (${timeZone}).` },
};

function fillForm({ draft }: DraftDetail, o: DraftViewOptions): SafeHtml {
  const inputs = draft.missingFields.map((path) => {
    const ask = FILL_HINTS[path] ?? { hint: () => '' };
    const id = `fill-${path.replace(/\W+/g, '-')}`;
    const typed = o.typedFill?.[path] ?? '';
    const label = fieldLabel(path);
    const field = ask.input === 'paragraphs'
      ? html`<textarea id="${id}" name="${path}" rows="3">${typed}</textarea>`
      : html`<input id="${id}" type="${ask.input === 'time' ? 'datetime-local' : 'text'}" name="${path}" value="${typed}">`;
    return html`<label for="${id}">${label.charAt(0).toUpperCase() + label.slice(1)}</label>${field}<p class="meta">${ask.hint(o.timeZone)}</p>`;
  });
  return html`
<section class="card">
  <h2>Fill in</h2>
  ${postForm(`/drafts/${draft.id}/fill`, o.csrfToken, html`
    ${inputs}
    <p><button type="submit" class="primary">Fill in the draft</button></p>`, 'stack')}
</section>`;
}

function editForm({ draft }: DraftDetail, o: DraftViewOptions): SafeHtml {
  const subject = o.typed?.subject ?? draft.subject;
  const body = o.typed?.body ?? draft.body;
  return html`
<section class="card">
  <h2>Edit</h2>
  ${postForm(`/drafts/${draft.id}/edit`, o.csrfToken, html`
    <label for="subject">Subject</label>
    <input type="text" id="subject" name="subject" value="${subject}" maxlength="300" required>
    ${draft.inReplyTo ? html`<p class="meta">This is a reply: keep the subject as it is, or your mail starts a new conversation instead of continuing this one.</p>` : ''}
    <label for="body">Message</label>
    <textarea id="body" name="body" rows="${rowsToShow(body)}" required>
${body}</textarea>
    ${draft.status === 'approved' ? html`<p class="meta">Saving takes the approval back: approve the new text again.</p>` : ''}
    <p><button type="submit">Save changes</button></p>`, 'stack')}
</section>`;
}

function readOnly({ draft }: DraftDetail): SafeHtml {
  return html`<section class="card"><h2>Message</h2><p class="preview">${draft.body}</p></section>`;
}

function actions({ draft }: DraftDetail, o: DraftViewOptions): SafeHtml {
  const soon = toDateTimeLocalValue(new Date(o.now.getTime() + 60 * 60_000), o.timeZone);
  const approve = draft.status === 'pending'
    ? html`<section class="card"><h2>Approve</h2>${postForm(`/drafts/${draft.id}/approve`, o.csrfToken, html`
      <label class="choice"><input type="radio" name="mode" value="now" checked> Send now</label>
      <label class="choice"><input type="radio" name="mode" value="at"> Send at
        <input type="datetime-local" name="at" value="${soon}" aria-label="Send at"> <span class="meta">${o.timeZone}</span></label>
      <label class="choice"><input type="radio" name="mode" value="mailbox"> Put it in my mailbox's Drafts, to send myself</label>
      <p><button type="submit" class="primary">Approve</button></p>`, 'stack')}</section>`
    : '';
  const snooze = isOpen(draft)
    ? html`<section class="card"><h2>Snooze</h2>${postForm(`/drafts/${draft.id}/snooze`, o.csrfToken, html`
      <label for="hours">Hide it for</label>
      <select id="hours" name="hours">${SNOOZE_HOURS.map((h) => html`<option value="${h}">${snoozeLabel(h)}</option>`)}</select>
      <p><button type="submit">Snooze</button></p>`, 'stack')}</section>`
    : '';
  const reject = html`<section class="card"><h2>Reject</h2>${postForm(`/drafts/${draft.id}/reject`, o.csrfToken, html`
      <p class="meta">Nothing is sent; the draft leaves the queue.</p>
      <p><button type="submit" class="danger">Reject</button></p>`)}</section>`;
  return html`<div class="actions">${approve}${snooze}${reject}</div>`;
}

function snoozeLabel(hours: number): string {
  if (hours < 24) return `${hours} hours`;
  const days = hours / 24;
  return days === 7 ? '1 week' : `${days} day${days === 1 ? '' : 's'}`;
}

// Tall enough to show the whole message, signature included, without scrolling inside the box.
const WRAP_COLUMNS = 90;
const MAX_ROWS = 40;

function rowsToShow(body: string): number {
  const rows = body.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(line.length / WRAP_COLUMNS)), 1);
  return Math.min(rows, MAX_ROWS);
}
