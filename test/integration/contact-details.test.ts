/**
 * The name and title the user corrects: on both engines the name they give wins over the
 * one in mail wherever a name shows (the list, search, duplicates, a merge), an empty name
 * goes back to their mail's, and bad input is refused; on the page, through the form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInFields } from '../../src/approval/plan-fields.ts';
import { InvalidInputError } from '../../src/core/errors.ts';
import { ensureAccount } from '../../src/store/account-repository.ts';
import { checkedDetails, nameFromMail, setContactDetails } from '../../src/store/contact-details.ts';
import { mergeContacts } from '../../src/store/contact-merge.ts';
import { findContact, listContactPage } from '../../src/store/contact-queries.ts';
import { createDraft } from '../../src/store/draft-repository.ts';
import { loadContactProfile } from '../../src/store/planner-contact-queries.ts';
import { listDuplicateGroups } from '../../src/store/possible-duplicates.ts';
import { createRenderer } from '../../src/templates/index.ts';
import { rawMessage } from '../helpers/google.ts';
import { testConfig } from '../helpers/test-config.ts';
import { ENGINES, openTestStore, type TestStore } from '../helpers/test-store.ts';
import { ingestMail, NOW, PageClient, seedNetwork, startPageServer, USER as PAGE_USER, visibleText, type Network, type PageServer } from './approval-harness.ts';

const USER = 'alex@university.example';
const SHOUTED = 'kim.nguyen@bank.example';
const PERSONAL = 'kimmy88@gmail.com';

describe.each(ENGINES)('a name and title the user gives (%s)', (engine) => {
  let store: TestStore;
  let kim: number;
  let personal: number;

  beforeAll(async () => {
    store = await openTestStore(engine);
    const accountId = await ensureAccount(store.db, 'mailbox', USER);
    const mail = [['KIM NGUYEN', SHOUTED], ['K N', PERSONAL]].map(([name, address], i) => ({
      name: `m${i}.eml`, format: 'raw' as const,
      raw: rawMessage({ from: `${name} <${address}>`, to: USER, subject: `Hello ${i}`, date: new Date(Date.UTC(2026, 0, i + 2)), messageId: `m${i}@test.example` }),
    }));
    await ingestMail(store.db, testConfig({ RAPPORT_ME: USER }), accountId, mail);
    kim = (await findContact(store.db, SHOUTED)).id;
    personal = (await findContact(store.db, PERSONAL)).id;
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('wins over the name in their mail in the list and in search; the title is kept', async () => {
    await setContactDetails(store.db, kim, checkedDetails({ name: '  Kim   Nguyen ', title: 'Vice President, Credit' }));
    expect(await findContact(store.db, SHOUTED)).toMatchObject({ name: 'Kim Nguyen' });
    expect((await findContact(store.db, 'kim nguyen')).id).toBe(kim);
    const [row] = await store.db.query<{ title: string }>('select title from contact where id = $1', [kim]);
    expect(row!.title).toBe('Vice President, Credit');
    expect(await nameFromMail(store.db, kim)).toBe('KIM NGUYEN');
    const page = await listContactPage(store.db, { search: 'nguyen', limit: 10, offset: 0 });
    expect(page.contacts.map((c) => c.name)).toEqual(['Kim Nguyen']);
  });

  it('makes two contacts with the same given name possible duplicates; a merge keeps the kept one’s name', async () => {
    await setContactDetails(store.db, personal, { name: 'Kim Nguyen' });
    const [group] = await listDuplicateGroups(store.db);
    expect(group?.contacts.map((c) => c.id).sort()).toEqual([kim, personal].sort());
    await setContactDetails(store.db, kim, { name: null });
    expect((await findContact(store.db, SHOUTED)).name).toBe('KIM NGUYEN');
    await setContactDetails(store.db, personal, { source: 'a panel at State University' });
    await mergeContacts(store.db, kim, personal);
    expect(await findContact(store.db, SHOUTED)).toMatchObject({ name: 'Kim Nguyen', addresses: [SHOUTED, PERSONAL] });
    // How the user got the name comes along; drafts to them say it.
    expect(await loadContactProfile(store.db, kim)).toMatchObject({ name: 'Kim Nguyen', source: 'a panel at State University' });
  });

  it('refuses a control character or an overlong value, saying what is wrong', () => {
    expect(() => checkedDetails({ name: 'Kim\u0007' })).toThrow(InvalidInputError);
    expect(() => checkedDetails({ title: 'x'.repeat(201) })).toThrow('A title holds up to 200 characters; this one has 201.');
    expect(checkedDetails({ name: '', title: undefined })).toEqual({ name: null, title: undefined });
  });
});

describe("correcting a name and title on the contact's page", () => {
  let server: PageServer;
  let browser: PageClient;
  let network: Network;

  beforeAll(async () => {
    server = await startPageServer();
    network = await seedNetwork(server.db, server.config);
    browser = new PageClient(server.url);
    expect((await browser.signIn(server.login.token!)).status).toBe(303);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('the form comes filled in; saving a new name and title shows them, and an empty name goes back to the mail’s', async () => {
    const before = await browser.get(`/contacts/${network.jane}`);
    expect(before.text).toContain('name="name" value="Jane Doe"');
    expect(visibleText(before.text)).toContain('Drafts greet them by this name. Left empty: “Jane Doe”, the name in their mail.');

    const saved = await browser.post(`/contacts/${network.jane}/details`, { name: 'Janet Doe', title: 'Director of Structured Finance' });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`/contacts/${network.jane}?done=details`);
    const after = visibleText((await browser.get(`/contacts/${network.jane}?done=details`)).text);
    expect(after).toContain('Saved. New drafts use the name and title shown here.');
    expect(after).toMatch(/Janet Doe Email jane\.doe@acme\.example/);
    expect(after).toContain('Title Director of Structured Finance');
    expect(visibleText((await browser.get('/contacts')).text)).toContain('Janet Doe jane.doe@acme.example');
    const vcf = (await browser.get('/contacts/export.vcf')).text;
    expect(vcf).toContain('FN:Janet Doe\r\n');
    expect(vcf).toContain('TITLE:Director of Structured Finance\r\n');
    expect((await browser.get('/contacts/export.csv')).text).toMatch(/,Janet Doe,jane\.doe@acme\.example,.*,Director of Structured Finance\r\n/);

    // Sent back as it came (only the title changed), the name stays the user's.
    await browser.post(`/contacts/${network.jane}/details`, { name: 'Janet Doe', title: '' });
    expect(visibleText((await browser.get(`/contacts/${network.jane}`)).text)).not.toContain('Title Director');
    await browser.post(`/contacts/${network.jane}/details`, { name: '', title: '' });
    expect(visibleText((await browser.get(`/contacts/${network.jane}`)).text)).toMatch(/Jane Doe Email jane\.doe@acme\.example/);
  });

  it('a waiting draft to them greets the new name on the approval page', async () => {
    // A check-in rendered from Jane's profile as the planner renders one.
    const profile = (await loadContactProfile(server.db, network.jane))!;
    const user = { name: 'Alex Student', role: '', field: 'structured finance', signature: '', timeZone: 'UTC' };
    const fields = checkInFields({ user, userEmail: PAGE_USER, contact: profile, now: NOW, lastMeeting: null });
    const out = createRenderer().render('check_in', fields);
    const { draft } = await createDraft(server.db, {
      kind: 'check_in', contactId: network.jane, toAddress: profile.address, toName: profile.name, subject: out.draft.subject,
      body: out.draft.text, html: out.draft.html, missingFields: out.status === 'needs_input' ? out.missing : [], fields: { ...fields },
      idempotencyKey: 'test:jane-check-in',
    });
    expect(draft.body).toMatch(/^Hi Jane,/);

    await browser.post(`/contacts/${network.jane}/details`, { name: 'Janet Doe', title: '' });
    const text = visibleText((await browser.get(`/contacts/${network.jane}?done=details`)).text);
    expect(text).toContain('So do the waiting drafts you have not edited.');
    const page = visibleText((await browser.get(`/drafts/${draft.id}`)).text);
    expect(page).toContain('Hi Janet,');
    expect(page).toContain('Janet Doe');
    expect(page).not.toContain('Hi Jane,');
    await browser.post(`/contacts/${network.jane}/details`, { name: '', title: '' });
    expect(visibleText((await browser.get(`/drafts/${draft.id}`)).text)).toContain('Hi Jane,');
  });

  it('how the user got their name: saved from the form, shown, and sent back unchanged it stays what rapport noted', async () => {
    const form = await browser.get(`/contacts/${network.eve}`);
    expect(form.text).toContain('name="source" value=""');
    await browser.post(`/contacts/${network.eve}/details`, { name: '', title: '', source: "  the finance society's   mixer " });
    const saved = await browser.get(`/contacts/${network.eve}`);
    expect(visibleText(saved.text)).toContain("How you got their name the finance society's mixer");
    expect(saved.text).toContain('name="source" value="the finance society&#39;s mixer"');
    await browser.post(`/contacts/${network.eve}/details`, { name: '', title: '', source: '' });
    expect(visibleText((await browser.get(`/contacts/${network.eve}`)).text)).not.toContain('How you got their name the finance');

    // A contact suggested by someone shows what ingest noted; sent back as it came, nothing is set.
    await server.db.query("update contact set how_we_met = 'Suggested by jane.doe@acme.example' where id = $1", [network.jane]);
    expect((await browser.get(`/contacts/${network.jane}`)).text).toContain('name="source" value="Suggested by jane.doe@acme.example"');
    await browser.post(`/contacts/${network.jane}/details`, { name: '', title: '', source: 'Suggested by jane.doe@acme.example' });
    const [row] = await server.db.query<{ chosen_source: string | null }>('select chosen_source from contact where id = $1', [network.jane]);
    expect(row!.chosen_source).toBeNull();
    await server.db.query('update contact set how_we_met = null where id = $1', [network.jane]);
  });

  it('refuses an overlong name with what is wrong, and a change without a session', async () => {
    const long = await browser.post(`/contacts/${network.jane}/details`, { name: 'J'.repeat(250), title: '' });
    expect(long.status).toBe(400);
    expect(visibleText(long.text)).toContain('A name holds up to 200 characters; this one has 250.');
    const stranger = await fetch(`${server.url}/contacts/${network.jane}/details`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=Planted', redirect: 'manual',
    });
    expect(stranger.status).toBe(401);
    expect((await findContact(server.db, String(network.jane))).name).toBe('Jane Doe');
  });
});
