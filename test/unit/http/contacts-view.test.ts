/** The contact list's paging: where the user is, and links that keep their search. */
import { describe, expect, it } from 'vitest';
import { contactsView } from '../../../src/http/views/contacts-view.ts';
import type { ContactSummary } from '../../../src/store/contact-queries.ts';

const contact = (id: number): ContactSummary => ({
  id, name: `Person ${id}`, addresses: [`p${id}@acme.example`], company: 'Acme', companyDomain: 'acme.example',
  firstContactAt: new Date('2026-01-05T10:00:00Z'), lastContactAt: new Date('2026-02-05T23:30:00Z'),
  interactionCount: 2, referredBy: null, nurture: false, title: null,
});
const view = (offset: number, count: number, total: number, search = '') =>
  contactsView({ page: { contacts: Array.from({ length: count }, (_, i) => contact(offset + i + 1)), total }, search, offset, pageSize: 100 }, 'Europe/Berlin').text;

describe('the contact list', () => {
  it('says which contacts of how many it shows, with links to the pages around it that keep the search', () => {
    const middle = view(100, 100, 250, 'acme & co');
    expect(middle).toContain('101–200 of 250');
    expect(middle).toContain('href="/contacts?q=acme+%26+co&amp;from=0"');
    expect(middle).toContain('href="/contacts?q=acme+%26+co&amp;from=200"');
    const last = view(200, 50, 250);
    expect(last).toContain('201–250 of 250');
    expect(last).toContain('href="/contacts?from=100"');
    expect(last).not.toContain('Next');
    expect(view(0, 2, 2)).not.toMatch(/Previous|Next/);
  });

  it('shows days in the user’s zone', () => {
    // 23:30 UTC on 5 February is already the 6th in Berlin.
    expect(view(0, 1, 1)).toContain('<td class="day">2026-02-06</td>');
  });

  it('says so when nobody matches, and how to fill an empty log', () => {
    expect(view(0, 0, 0, 'zed')).toContain('Nobody in the log matches “zed”.');
    expect(view(0, 0, 0)).toContain('import a mailbox export or connect an account');
  });
});
