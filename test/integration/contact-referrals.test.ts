/**
 * A referral as a user follows it on the page: the person who suggested someone links to
 * them, the person suggested links back, and the timeline speaks in words, not label names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDraft } from '../../src/store/draft-repository.ts';
import { rawMessage } from '../helpers/google.ts';
import { contactOf, ingestMail, JANE, PageClient, seedNetwork, startPageServer, USER, visibleText, type Network, type PageServer } from './approval-harness.ts';

const OMAR = 'omar.haddad@acme.example';

describe("a referral on the contacts' pages", () => {
  let server: PageServer;
  let browser: PageClient;
  let network: Network;
  let omar: number;

  beforeAll(async () => {
    server = await startPageServer();
    network = await seedNetwork(server.db, server.config);
    // Jane suggests a colleague, naming how she knows him before his name.
    const raw = rawMessage({
      from: `Jane Doe <${JANE}>`, to: USER, subject: 'Re: Coffee chat about structured finance?', date: new Date('2026-03-06T10:00:00Z'),
      messageId: 'reply-2@acme.example', inReplyTo: network.janeReplyId,
      body: `Hi Alex,\n\nOne more thing: you should also talk to my colleague, Omar Haddad (${OMAR}); he runs our structuring desk.\n\nJane\n`,
    });
    await ingestMail(server.db, server.config, network.accountId, [{ name: 'referral.eml', format: 'raw', raw }]);
    omar = await contactOf(server.db, OMAR);
    browser = new PageClient(server.url);
    expect((await browser.signIn(server.login.token!)).status).toBe(303);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('the suggested person is referred by Jane, and her name links to her page', async () => {
    const page = await browser.get(`/contacts/${omar}`);
    expect(page.status).toBe(200);
    const text = visibleText(page.text);
    expect(text).toContain('Omar Haddad');
    expect(text).toContain('Referred by Jane Doe');
    expect(page.text).toContain(`<a href="/contacts/${network.jane}">Jane Doe</a>`);
    expect(text).toMatch(/Referral Suggested by jane\.doe@acme\.example: Re: Coffee chat about structured finance\?/);
    // Being suggested is in his log, but the user has not been in touch with him yet.
    expect(text).toContain('First contact — Last contact —');
    expect(text).toContain('Interactions 1');
  });

  it("Jane's page names whom she suggested, linked", async () => {
    const page = await browser.get(`/contacts/${network.jane}`);
    const text = visibleText(page.text);
    expect(text).toContain('Suggested you talk to Omar Haddad');
    expect(page.text).toContain(`<a href="/contacts/${omar}">Omar Haddad</a>`);
    expect(visibleText((await browser.get(`/contacts/${network.eve}`)).text)).not.toContain('Suggested you talk to');
  });

  it('the timeline names labels in words', async () => {
    const text = visibleText((await browser.get(`/contacts/${network.jane}`)).text);
    expect(text).toContain('Coffee chat about structured finance? (request)');
    expect(text).toContain('(referral)');
    expect(text).not.toMatch(/outreach_request|outreach_reply|thank_you|follow_up|awaiting_reply/);
  });

  it('drafts a first request to Omar naming Jane, from a button on his page; asked again, the same draft', async () => {
    const page = await browser.get(`/contacts/${omar}`);
    expect(visibleText(page.text)).toContain('Jane Doe suggested them, and you have not written to them yet. Draft a request to meet them');
    expect(page.text).toContain(`action="/contacts/${omar}/request"`);

    const asked = await browser.post(`/contacts/${omar}/request`, {});
    expect(asked.status).toBe(303);
    const location = asked.headers.get('location')!;
    expect(location).toMatch(/^\/drafts\/\d+\?done=drafted$/);
    const draftId = Number(/\/drafts\/(\d+)/.exec(location)![1]);
    const draft = (await getDraft(server.db, draftId))!;
    expect(draft).toMatchObject({
      kind: 'referral_intro', status: 'pending', contactId: omar, toAddress: OMAR, toName: 'Omar Haddad',
      subject: 'Jane Doe suggested I get in touch', reason: 'Jane Doe suggested you talk to Omar Haddad; you asked for a first request.',
    });
    expect(draft.body).toMatch(/^(Dear|Hi) Omar,/);
    expect(draft.body).toContain('Jane Doe suggested that I reach out to you.');
    expect(visibleText((await browser.get(location)).text)).toContain('Drafted: read it over, then approve it.');

    // The button is gone from his page; asking again finds the same draft.
    const after = await browser.get(`/contacts/${omar}`);
    expect(after.text).not.toContain(`/contacts/${omar}/request`);
    expect(visibleText(after.text)).toContain('Jane Doe suggested I get in touch — Referral introduction');
    const again = await browser.post(`/contacts/${omar}/request`, {});
    expect(again.headers.get('location')).toBe(`/drafts/${draftId}?done=exists`);

    // Jane has had mail from the user: no button, and asking anyway says why not.
    expect((await browser.get(`/contacts/${network.jane}`)).text).not.toContain(`/contacts/${network.jane}/request`);
    const refused = await browser.post(`/contacts/${network.jane}/request`, {});
    expect(refused.status).toBe(400);
    expect(visibleText(refused.text)).toContain('You have written to Jane Doe already: rapport follows that conversation, with follow-ups when it goes quiet.');
    await server.db.query('delete from draft where id = $1', [draftId]); // the next test writes to Omar by hand
  });

  it('a first request to someone nobody referred waits for how the user got their name', async () => {
    // Eve wrote first: her page offers no request (she is answered, not asked), but asking drafts one.
    expect((await browser.get(`/contacts/${network.eve}`)).text).not.toContain(`/contacts/${network.eve}/request`);
    const asked = await browser.post(`/contacts/${network.eve}/request`, {});
    expect(asked.headers.get('location')).toMatch(/^\/drafts\/\d+\?done=drafted_needs$/);
    const draftId = Number(/\/drafts\/(\d+)/.exec(asked.headers.get('location')!)![1]);
    expect((await getDraft(server.db, draftId))!).toMatchObject({ kind: 'outreach_request', status: 'needs_input', missingFields: ['contact.source'] });
    expect(visibleText((await browser.get(asked.headers.get('location')!)).text)).toContain('Drafted: fill in what it needs below, then approve it.');
  });

  it('the brief for the next meeting with Jane says whether the user has written to Omar yet', async () => {
    expect(visibleText((await browser.get('/meetings')).text)).toContain('Jane Doe suggested you talk to Omar Haddad, whom you have not contacted yet.');
    const raw = rawMessage({
      from: USER, to: `Omar Haddad <${OMAR}>`, subject: 'Jane Doe suggested I get in touch', date: new Date('2026-03-08T09:00:00Z'),
      messageId: 'to-omar-1@university.example', body: 'Dear Omar,\n\nJane Doe suggested I write to you.\n\nAlex\n',
    });
    await ingestMail(server.db, server.config, network.accountId, [{ name: 'to-omar.eml', format: 'raw', raw }]);
    const text = visibleText((await browser.get('/meetings')).text);
    expect(text).toContain('Jane Doe suggested you talk to Omar Haddad, and you have been in touch since: tell Jane how it went.');
    expect(text).not.toContain('whom you have not contacted yet');
  });
});
