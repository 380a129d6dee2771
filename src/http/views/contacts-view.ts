import type { ContactListPage } from '../../store/contact-queries.ts';
import { EXPORT_FILES, EXPORT_FORMATS } from '../../store/contact-export.ts';
import { formatLocalTime } from '../local-time.ts';
import { html, type SafeHtml } from './html.ts';

/** What the contact list shows: a page of matches for a search. */
export interface ContactListState {
  page: ContactListPage;
  search: string;
  offset: number;
  pageSize: number;
}

const FORMAT_LABELS: Record<(typeof EXPORT_FORMATS)[number], string> = { csv: 'CSV', json: 'JSON', vcf: 'vCard' };

/** Everyone in the log, most recent first, with a search box and the export downloads. */
export function contactsView(state: ContactListState, timeZone: string): SafeHtml {
  const { page, search, offset, pageSize } = state;
  const day = (d: Date | null) => formatLocalTime(d, timeZone).slice(0, 10) || '—';
  const pageLink = (from: number, label: string) =>
    html`<a href="/contacts?${new URLSearchParams({ ...(search ? { q: search } : {}), from: String(from) }).toString()}">${label}</a>`;
  const last = Math.min(offset + page.contacts.length, page.total);
  return html`
<h1>Contacts (${page.total})</h1>
<form method="get" action="/contacts" class="search" role="search">
  <input type="text" name="q" value="${search}" placeholder="Name, email or company" aria-label="Search contacts">
  <button type="submit">Search</button>
  ${search ? html`<a href="/contacts">Clear</a>` : ''}
</form>
<p class="meta">Download the whole log: ${EXPORT_FORMATS.map((f, i) => html`${i > 0 ? ' · ' : ''}<a href="/contacts/export.${f}" download="${EXPORT_FILES[f].name}">${FORMAT_LABELS[f]}</a>`)} · <a href="/contacts/duplicates">Possible duplicates</a></p>
${page.contacts.length === 0
    ? html`<p class="meta">${search ? `Nobody in the log matches “${search}”.` : 'Nobody in the log yet: import a mailbox export or connect an account.'}</p>`
    : html`
<table class="list">
  <thead><tr><th>Name</th><th>Email</th><th>Company</th><th>First contact</th><th>Last contact</th><th>Interactions</th></tr></thead>
  <tbody>${page.contacts.map((c) => html`
    <tr><td><a href="/contacts/${c.id}">${c.name ?? c.addresses[0] ?? `Contact ${c.id}`}</a></td><td>${c.addresses.join(', ')}</td><td>${c.company ?? ''}</td>
      <td class="day">${day(c.firstContactAt)}</td><td class="day">${day(c.lastContactAt)}</td><td>${c.interactionCount}</td></tr>`)}
  </tbody>
</table>
<p class="meta">${offset + 1}–${last} of ${page.total}${
      offset > 0 ? html` · ${pageLink(Math.max(0, offset - pageSize), '← Previous')}` : ''}${
      last < page.total ? html` · ${pageLink(offset + pageSize, 'Next →')}` : ''}</p>`}`;
}
