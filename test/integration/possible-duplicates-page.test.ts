/**
 * Possible duplicates on the page: Jane's contact page shows the other "Jane Doe"s with a
 * merge and a "Not the same person" button, the duplicates page lists the group, and each
 * answer takes effect once, from a signed-in form only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawMessage } from '../helpers/google.ts';
import { contactOf, ingestMail, PageClient, seedNetwork, startPageServer, USER, visibleText, type Network, type PageServer } from './approval-harness.ts';

const HOME = 'jane.doe.home@gmail.com';
const NAMESAKE = 'jane.doe@other-bank.example';

describe('possible duplicates on the page', () => {
  let server: PageServer;
  let browser: PageClient;
  let network: Network;
  let home: number;
  let namesake: number;

  beforeAll(async () => {
    server = await startPageServer();
    network = await seedNetwork(server.db, server.config);
    const mail = [HOME, NAMESAKE].map((address, i) => ({
      name: `jane-${i}.eml`, format: 'raw' as const,
      raw: rawMessage({ from: `Jane Doe <${address}>`, to: USER, subject: `Hello ${i}`, date: new Date(`2026-03-0${i + 6}T10:00:00Z`), messageId: `jane-${i}@test.example` }),
    }));
    await ingestMail(server.db, server.config, network.accountId, mail);
    home = await contactOf(server.db, HOME);
    namesake = await contactOf(server.db, NAMESAKE);
    browser = new PageClient(server.url);
    expect((await browser.signIn(server.login.token!)).status).toBe(303);
  });
  afterAll(async () => {
    await server?.close();
  });

  it("Jane's page shows the other Jane Does, each with a merge and a not-the-same button", async () => {
    const page = await browser.get(`/contacts/${network.jane}`);
    const text = visibleText(page.text);
    expect(text).toContain(`Maybe the same person Jane Doe ${HOME} · 1 interaction · the same name Merge into Jane Doe Not the same person`);
    expect(text).toContain(`Jane Doe ${NAMESAKE} · 1 interaction · the same name`);
    expect(page.text).toContain(`action="/contacts/${network.jane}/distinct"`);
    expect(page.text).toContain(`<input type="hidden" name="other" value="${home}">`);
    expect(visibleText((await browser.get(`/contacts/${network.eve}`)).text)).not.toContain('Maybe the same person');
  });

  it('the duplicates page lists the group under the most active Jane Doe; the contact list links to it', async () => {
    expect((await browser.get('/contacts')).text).toContain('<a href="/contacts/duplicates">Possible duplicates</a>');
    const text = visibleText((await browser.get('/contacts/duplicates')).text);
    expect(text).toContain('Possible duplicates (1)');
    expect(text).toMatch(/Jane Doe jane\.doe@acme\.example · \d+ interactions The same name: Jane Doe jane\.doe\.home@gmail\.com/);
  });

  it('"Not the same person" stops the suggestion, once, and says so', async () => {
    const sent = await browser.post(`/contacts/${network.jane}/distinct`, { other: String(namesake), back: 'contact' });
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe(`/contacts/${network.jane}?done=distinct`);
    expect((await browser.post(`/contacts/${network.jane}/distinct`, { other: String(namesake) })).status).toBe(303);
    const text = visibleText((await browser.get(`/contacts/${network.jane}?done=distinct`)).text);
    expect(text).toContain('Two people: rapport will not suggest them as one again.');
    expect(text).not.toContain(NAMESAKE);
    expect(text).toContain(HOME);
  });

  it('merging from the duplicates page comes back to it, with nothing left to suggest', async () => {
    const sent = await browser.post(`/contacts/${network.jane}/merge`, { other: String(home), back: 'duplicates' });
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe('/contacts/duplicates?done=merged');
    const text = visibleText((await browser.get('/contacts/duplicates?done=merged')).text);
    expect(text).toContain('One contact now');
    expect(text).toContain('Possible duplicates (0) No two contacts look like one person.');
    expect(visibleText((await browser.get(`/contacts/${network.jane}`)).text)).toContain(`Email ${HOME}, jane.doe@acme.example`);
  });

  it('refuses the answers without a session or from another site, and an unknown contact', async () => {
    const stranger = await fetch(`${server.url}/contacts/${network.jane}/distinct`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `other=${network.eve}`, redirect: 'manual',
    });
    expect(stranger.status).toBe(401);
    const crossSite = await browser.post(`/contacts/${network.jane}/distinct`, { other: String(network.eve) }, { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect((await server.db.query<{ n: number }>('select count(*)::int as n from contact_distinct'))[0]!.n).toBe(1);
    expect((await browser.post(`/contacts/${network.jane}/distinct`, { other: '999999' })).status).toBe(404);
  });
});
