/**
 * Merging from a contact's page: the other contact's address joins this one, sending the
 * form twice is harmless, and a wrong address says what to give instead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawMessage } from '../helpers/google.ts';
import { contactOf, ingestMail, PageClient, seedNetwork, startPageServer, USER, visibleText, type Network, type PageServer } from './approval-harness.ts';

const JANE_PERSONAL = 'jane.doe.home@gmail.com';

describe("merging contacts from a contact's page", () => {
  let server: PageServer;
  let browser: PageClient;
  let network: Network;
  let personal: number;

  beforeAll(async () => {
    server = await startPageServer();
    network = await seedNetwork(server.db, server.config);
    const raw = rawMessage({ from: `Jane Doe <${JANE_PERSONAL}>`, to: USER, subject: 'From my own address', date: new Date('2026-03-07T10:00:00Z'), messageId: 'home-1@gmail.com' });
    await ingestMail(server.db, server.config, network.accountId, [{ name: 'home.eml', format: 'raw', raw }]);
    personal = await contactOf(server.db, JANE_PERSONAL);
    browser = new PageClient(server.url);
    expect((await browser.signIn(server.login.token!)).status).toBe(303);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('says what to give when nothing matches, and changes nothing', async () => {
    const page = await browser.post(`/contacts/${network.jane}/merge`, { other: 'nobody@nowhere.example' });
    expect(page.status).toBe(400);
    expect(visibleText(page.text)).toContain('No contact matches “nobody@nowhere.example”: give one of their addresses, or their id from the contact list.');
    expect(visibleText((await browser.get('/contacts')).text)).toContain('Contacts (3)');
  });

  it("takes the other contact's address and log into this one; sent twice, the second changes nothing", async () => {
    const sent = await browser.post(`/contacts/${network.jane}/merge`, { other: JANE_PERSONAL });
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe(`/contacts/${network.jane}?done=merged`);
    expect((await browser.post(`/contacts/${network.jane}/merge`, { other: JANE_PERSONAL })).status).toBe(303);

    const page = visibleText((await browser.get(`/contacts/${network.jane}?done=merged`)).text);
    expect(page).toContain('One contact now: the other’s addresses and log are here.');
    expect(page).toContain(`Email ${JANE_PERSONAL}, jane.doe@acme.example`);
    expect(page).toContain('They wrote From my own address');
    expect(page).toContain('Interactions 4');
    expect((await browser.get(`/contacts/${personal}`)).status).toBe(404);
    expect(visibleText((await browser.get('/contacts')).text)).toContain('Contacts (2)');
  });
});
