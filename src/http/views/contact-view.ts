import type { ContactLink, ContactPage } from '../../store/approval-queries.ts';
import { MAX_DETAIL_CHARS } from '../../store/contact-details.ts';
import { MAX_NOTE_CHARS } from '../../store/note-repository.ts';
import { formatLocalTime, toDateTimeLocalValue } from '../local-time.ts';
import type { DuplicateCandidate } from '../../store/possible-duplicates.ts';
import { html, type SafeHtml } from './html.ts';
import { draftBadges, KIND_LABELS } from './draft-parts.ts';
import { candidateRow } from './duplicates-view.ts';
import { postForm } from './layout.ts';

/** The page's forms: the session's token, the note form's one-time key, what the user typed when a note was refused. */
export interface ContactForms {
  csrfToken: string;
  key: string;
  typed?: { text: string; at: string };
  /** `drafts.checkInDays`: the quiet spell after which a kept-in-touch contact gets a check-in. */
  checkInDays: number;
  /** The name their mail gives them: what an empty name goes back to. */
  mailName: string | null;
}

const KIND_WORDS: Record<string, string> = {
  email_sent: 'You wrote', email_received: 'They wrote', meeting: 'Meeting', thank_you_sent: 'Thank-you sent',
  note: 'Note', referral: 'Referral',
};

// Detection's labels and thread states as a reader says them; the CLI and exports keep the names.
const LABEL_WORDS: Record<string, string> = {
  outreach_request: 'request', outreach_reply: 'reply to a request', scheduling: 'scheduling',
  thank_you: 'thank-you', referral: 'referral', follow_up: 'follow-up',
};
const STATE_WORDS: Record<string, string> = { awaiting_reply: 'awaiting reply' };

/**
 * A contact: who they are, the contacts that may be the same person, the drafts for them,
 * and everything that happened, newest first.
 */
export function contactView(page: ContactPage, now: Date, timeZone: string, form: ContactForms, duplicates: readonly DuplicateCandidate[] = []): SafeHtml {
  const c = page.contact;
  const next = page.timeline.find((t) => t.kind === 'meeting' && t.at && t.at > now);
  return html`
<p class="meta"><a href="/contacts">← Contacts</a></p>
<h1>${c.name ?? c.addresses[0] ?? `Contact ${c.id}`}</h1>
<section class="card">
  <dl class="facts">
    <dt>Email</dt><dd>${c.addresses.join(', ')}</dd>
    ${c.company ? html`<dt>Company</dt><dd>${c.company}</dd>` : ''}
    ${c.title ? html`<dt>Title</dt><dd>${c.title}</dd>` : ''}
    ${c.howWeMet ? html`<dt>How you got their name</dt><dd>${c.howWeMet}</dd>` : ''}
    ${page.referrer ? html`<dt>Referred by</dt><dd>${contactLink(page.referrer)}</dd>` : ''}
    ${page.referred.length ? html`<dt>Suggested you talk to</dt><dd>${page.referred.map((r, i) => html`${i ? ', ' : ''}${contactLink(r)}`)}</dd>` : ''}
    <dt>First contact</dt><dd>${formatLocalTime(c.firstContactAt, timeZone) || '—'}</dd>
    <dt>Last contact</dt><dd>${formatLocalTime(c.lastContactAt, timeZone) || '—'}</dd>
    ${next ? html`<dt>Next meeting</dt><dd>${formatLocalTime(next.at, timeZone)}${next.summary ? html` · ${next.summary}` : ''}</dd>` : ''}
    <dt>Interactions</dt><dd>${c.interactionCount}</dd>
    <dt>Keep in touch</dt><dd>${postForm(`/contacts/${c.id}/nurture`, form.csrfToken, c.nurture
      ? html`Yes: rapport drafts a check-in after ${form.checkInDays} days without contact. <input type="hidden" name="on" value="0"><button type="submit">Stop</button>`
      : html`No. <input type="hidden" name="on" value="1"><button type="submit">Keep in touch</button>`, 'inline')}</dd>
  </dl>
  ${firstRequestForm(page, form.csrfToken)}
  <details>
    <summary>Edit name, title and how you got their name</summary>
    ${postForm(`/contacts/${c.id}/details`, form.csrfToken, html`
      <label for="contact-name">Name</label>
      <input id="contact-name" type="text" name="name" value="${c.name ?? ''}" maxlength="${MAX_DETAIL_CHARS}" placeholder="${form.mailName ?? ''}">
      <p class="meta">Drafts greet them by this name.${form.mailName ? ` Left empty: “${form.mailName}”, the name in their mail.` : ''}</p>
      <label for="contact-title">Job title</label>
      <input id="contact-title" type="text" name="title" value="${c.title ?? ''}" maxlength="${MAX_DETAIL_CHARS}">
      <label for="contact-source">How you got their name</label>
      <input id="contact-source" type="text" name="source" value="${c.howWeMet ?? ''}" maxlength="${MAX_DETAIL_CHARS}" placeholder="the alumni directory">
      <p class="meta">A request to meet them says “I came across your name through …” this, unless someone referred you.</p>
      <p><button type="submit">Save</button></p>`, 'stack')}
  </details>
</section>
${duplicates.length ? html`
<section class="card" aria-labelledby="maybe-same">
  <h2 id="maybe-same">Maybe the same person</h2>
  <ul class="candidates">${duplicates.map((d) => candidateRow(c, d.contact, form.csrfToken, 'contact', d.reasons))}</ul>
</section>` : ''}
${page.drafts.length ? html`<h2>Drafts</h2><ul>${page.drafts.map((d) => html`<li><a href="/drafts/${d.id}">${d.subject || '(no subject)'}</a> — ${KIND_LABELS[d.kind]}${draftBadges(d, now, timeZone)}</li>`)}</ul>` : ''}
<h2>Add a note</h2>
${postForm(`/contacts/${c.id}/notes`, form.csrfToken, html`
  <input type="hidden" name="key" value="${form.key}">
  <label for="note-text">What was discussed</label>
  <textarea id="note-text" name="text" class="note" maxlength="${MAX_NOTE_CHARS}" required>${form.typed?.text ?? ''}</textarea>
  <label for="note-at">When (${timeZone})</label>
  <input id="note-at" type="datetime-local" name="at" value="${form.typed?.at ?? toDateTimeLocalValue(now, timeZone)}">
  <p><button type="submit" class="primary">Add to the log</button></p>`, 'stack card')}
<h2>Timeline</h2>
${page.timeline.length === 0 ? html`<p class="meta">Nothing in the log yet.</p>` : html`
<table class="list">
  <thead><tr><th>When</th><th>What</th><th>Summary</th><th>State</th></tr></thead>
  <tbody>${[...page.timeline].reverse().map((t) => html`
    <tr><td>${formatLocalTime(t.at, timeZone)}</td><td>${KIND_WORDS[t.kind] ?? t.kind}</td><td class="${t.kind === 'note' ? 'note' : ''}">${t.summary}${
      t.labels.length ? html` <span class="meta">(${t.labels.map((l) => LABEL_WORDS[l] ?? l).join(', ')})</span>` : ''}</td><td>${stateWords(t.threadState) ?? t.meetingStatus ?? ''}</td></tr>`)}
  </tbody>
</table>`}
<details class="card">
  <summary>Same person as another contact?</summary>
  ${postForm(`/contacts/${c.id}/merge`, form.csrfToken, html`
    <label for="merge-other">Their other address (or its id in the contact list)</label>
    <input id="merge-other" type="text" name="other" maxlength="320" required>
    <p class="meta">Its addresses, names and log join this contact, and later mail to any of them is logged here.</p>
    <p><button type="submit">Merge into this contact</button></p>`, 'stack')}
</details>`;
}

/**
 * For someone the user has not written to and has no first request for: a button that
 * drafts one. Offered where a request is the next step, for someone suggested to them
 * or known only from a note or a meeting; someone who wrote first is answered, not asked
 * (`rapport request` still drafts one when the user wants it).
 */
function firstRequestForm(page: ContactPage, csrfToken: string): SafeHtml | '' {
  const c = page.contact;
  const written = page.timeline.some((t) => t.kind === 'email_sent');
  const wroteFirst = page.timeline.some((t) => t.kind === 'email_received');
  const requested = page.drafts.some((d) => d.kind === 'outreach_request' || d.kind === 'referral_intro');
  if (c.addresses.length === 0 || written || requested || (wroteFirst && !page.referrer)) return '';
  const why = page.referrer
    ? html`${page.referrer.name ?? page.referrer.address ?? 'Someone'} suggested them, and you have not written to them yet.`
    : 'You have not written to them yet.';
  return html`<div class="first-request">${postForm(`/contacts/${c.id}/request`, csrfToken, html`
    <span class="meta">${why}</span> <button type="submit">Draft a request to meet them</button>`, 'inline')}</div>`;
}

function contactLink(c: ContactLink): SafeHtml {
  return html`<a href="/contacts/${c.id}">${c.name ?? c.address ?? `Contact ${c.id}`}</a>`;
}

function stateWords(state: string | null): string | null {
  return state && (STATE_WORDS[state] ?? state);
}
