import type { ContactSummary } from '../../store/contact-queries.ts';
import type { DuplicateGroup, DuplicateReason } from '../../store/possible-duplicates.ts';
import { html, type SafeHtml } from './html.ts';
import { postForm } from './layout.ts';

const REASON_WORDS: Record<DuplicateReason, string> = {
  'same name': 'the same name',
  'same address': 'addresses that differ only in dots, dashes or underscores',
};

/** Why rapport thinks so, as a reader says it. */
export function reasonWords(reasons: readonly DuplicateReason[]): string {
  return reasons.map((r) => REASON_WORDS[r]).join(' and ');
}

export function contactLabel(c: Pick<ContactSummary, 'id' | 'name' | 'addresses'>): string {
  return c.name ?? c.addresses[0] ?? `Contact ${c.id}`;
}

/** A contact that may be `kept`: who they are, and the two answers (merge into `kept`, or two people). */
export function candidateRow(
  kept: ContactSummary,
  other: ContactSummary,
  csrfToken: string,
  back: 'contact' | 'duplicates',
  reasons: readonly DuplicateReason[] = [],
): SafeHtml {
  return html`
<li class="candidate">
  <span class="who"><a href="/contacts/${other.id}">${contactLabel(other)}</a> <span class="meta">${other.addresses.join(', ')} · ${other.interactionCount} interaction${other.interactionCount === 1 ? '' : 's'}${
    reasons.length ? ` · ${reasonWords(reasons)}` : ''}</span></span>
  ${postForm(`/contacts/${kept.id}/merge`, csrfToken, html`<input type="hidden" name="other" value="${other.id}"><input type="hidden" name="back" value="${back}"><button type="submit">Merge into ${contactLabel(kept)}</button>`, 'inline')}
  ${postForm(`/contacts/${kept.id}/distinct`, csrfToken, html`<input type="hidden" name="other" value="${other.id}"><input type="hidden" name="back" value="${back}"><button type="submit">Not the same person</button>`, 'inline')}
</li>`;
}

/** Every group of contacts that may be one person, each to merge into its most active contact. */
export function duplicatesView(groups: readonly DuplicateGroup[], csrfToken: string): SafeHtml {
  return html`
<p class="meta"><a href="/contacts">← Contacts</a></p>
<h1>Possible duplicates (${groups.length})</h1>
${groups.length === 0
    ? html`<p class="meta">No two contacts look like one person.</p>`
    : html`<p class="meta">Contacts with the same full name, or with addresses that differ only in punctuation. Merging moves the other contact’s addresses and log into the first; “Not the same person” stops the suggestion.</p>
${groups.map((g) => {
      const [kept, ...others] = g.contacts;
      return html`
<section class="card">
  <h2><a href="/contacts/${kept!.id}">${contactLabel(kept!)}</a> <span class="meta">${kept!.addresses.join(', ')} · ${kept!.interactionCount} interaction${kept!.interactionCount === 1 ? '' : 's'}</span></h2>
  <p class="meta">${reasonWords(g.reasons)[0]!.toUpperCase()}${reasonWords(g.reasons).slice(1)}:</p>
  <ul class="candidates">${others.map((o) => candidateRow(kept!, o, csrfToken, 'duplicates'))}</ul>
</section>`;
    })}`}`;
}
