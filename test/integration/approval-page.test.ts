/**
 * The approval page as a user works it: the queue, a draft edited and approved three
 * ways, rejected and snoozed drafts, a contact's timeline, upcoming meetings with their
 * briefs, and accounts. A real server on a real port, real Redis, a log built through
 * the real ingest; approving records the delivery the page asks for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraft, getDraft, patchDraft, type NewDraft } from '../../src/store/draft-repository.ts';
import { NOW, PageClient, seedNetwork, startPageServer, visibleText, type Network, type PageServer } from './approval-harness.ts';

describe('the approval page', () => {
  let server: PageServer;
  let browser: PageClient;
  let network: Network;
  const ids: Record<'thankYou' | 'followUp' | 'checkIn' | 'outreach' | 'toReject' | 'toSnooze', number> = {} as never;

  const draft = async (key: keyof typeof ids, d: Omit<NewDraft, 'idempotencyKey'>) => {
    ids[key] = (await createDraft(server.db, { ...d, idempotencyKey: `test:${key}` })).draft.id;
  };

  beforeAll(async () => {
    server = await startPageServer();
    network = await seedNetwork(server.db, server.config);
    const jane = { contactId: network.jane, toAddress: 'jane.doe@acme.example', toName: 'Jane Doe' };
    await draft('thankYou', {
      ...jane, kind: 'thank_you', subject: 'Re: Coffee chat about structured finance?',
      body: 'Hi Jane,\n\nThank you for the coffee on Thursday.\n\nAlex\n', reason: 'Met Jane Doe on Thursday; a thank-you is due within 24 hours',
      dueAt: new Date(NOW.getTime() + 2 * 3_600_000), inReplyTo: network.janeReplyId, references: [network.janeReplyId],
    });
    await patchDraft(server.db, ids.thankYou, { remindedAt: new Date(NOW.getTime() - 3_600_000) });
    await draft('followUp', {
      kind: 'follow_up', contactId: network.eve, toAddress: 'eve@evil.example', subject: 'Re: Quick question',
      body: 'Hi [contact first name],\n\nI wanted to follow up.\n', missingFields: ['contact.firstName'], reason: 'No reply for 7 business days',
    });
    await draft('checkIn', { ...jane, kind: 'check_in', subject: 'Checking in', body: 'Hi Jane,\n\nA quick hello.\n', reason: 'No contact for 90 days' });
    await draft('outreach', { ...jane, kind: 'outreach_request', subject: 'Hello', body: 'Dear Jane,\n', reason: 'Imported target' });
    await draft('toReject', { ...jane, kind: 'check_in', subject: 'Reject me', body: 'Hi,\n', reason: 'r' });
    await draft('toSnooze', { ...jane, kind: 'check_in', subject: 'Snooze me', body: 'Hi,\n', reason: 's' });
    browser = new PageClient(server.url);
    expect((await browser.signIn(server.login.token!)).status).toBe(303);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('lists the waiting drafts with who, why, when due and a preview; a missing field and a reminder stand out', async () => {
    const page = await browser.get('/drafts');
    expect(page.status).toBe(200);
    const text = visibleText(page.text);
    expect(text).toContain('Drafts (6)');
    expect(text).toContain('Thank-you to Jane Doe <jane.doe@acme.example>, Acme');
    expect(text).toContain('Why: Met Jane Doe on Thursday; a thank-you is due within 24 hours');
    expect(text).toContain('Due 2026-03-09 15:00 (Europe/Berlin)'); // 14:00 UTC, shown in the user's zone
    expect(text).toContain('Thank you for the coffee on Thursday.');
    expect(text).toContain('Needs: contact first name');
    const thankYouCard = cardOf(page.text, ids.thankYou);
    expect(thankYouCard).toMatch(/class="card reminded"/);
    expect(visibleText(thankYouCard)).toContain('Reminder: still waiting');
    expect(cardOf(page.text, ids.followUp)).toMatch(/class="card needs-input"/);
  });

  it('saves an edit; a draft that needed input becomes pending with the user’s words', async () => {
    const unfilled = await browser.post(`/drafts/${ids.followUp}/edit`, { subject: 'Re: Quick question', body: 'Hi [contact first name],\r\n\r\nSo?\r\n' });
    expect(unfilled.status).toBe(400);
    expect(visibleText(unfilled.text)).toContain('Replace [contact first name] with your own words first; nothing was saved.');
    expect(unfilled.text).toContain('So?'); // what the user typed is still in the form
    expect((await getDraft(server.db, ids.followUp))!.status).toBe('needs_input');

    const saved = await browser.post(`/drafts/${ids.followUp}/edit`, { subject: 'Re: Quick question', body: 'Hi Eve,\r\n\r\nI wanted to follow up.\r\n' });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`/drafts/${ids.followUp}?done=saved`);
    const after = await getDraft(server.db, ids.followUp);
    expect(after).toMatchObject({ status: 'pending', body: 'Hi Eve,\n\nI wanted to follow up.\n', missingFields: [] });
    expect(visibleText((await browser.get(saved.headers.get('location')!)).text)).toContain('Saved.');
  });

  it('approves to send now, at a time in the user’s zone, or into the mailbox, and schedules each delivery', async () => {
    expect((await browser.post(`/drafts/${ids.thankYou}/approve`, { mode: 'now' })).status).toBe(303);
    expect((await browser.post(`/drafts/${ids.checkIn}/approve`, { mode: 'at', at: '2026-03-10T08:30' })).status).toBe(303);
    expect((await browser.post(`/drafts/${ids.outreach}/approve`, { mode: 'mailbox' })).status).toBe(303);

    const sendAt = new Date('2026-03-10T07:30:00Z'); // 08:30 in Berlin
    expect(server.deliveries).toEqual([
      { draftId: ids.thankYou, at: null },
      { draftId: ids.checkIn, at: sendAt },
      { draftId: ids.outreach, at: null },
    ]);
    expect(await getDraft(server.db, ids.thankYou)).toMatchObject({ status: 'approved', deliveryMode: 'send', sendAt: null });
    expect(await getDraft(server.db, ids.checkIn)).toMatchObject({ status: 'approved', deliveryMode: 'send', sendAt });
    expect(await getDraft(server.db, ids.outreach)).toMatchObject({ status: 'approved', deliveryMode: 'mailbox' });

    const scheduled = visibleText((await browser.get(`/drafts/${ids.checkIn}?done=approved`)).text);
    expect(scheduled).toContain('Approved.');
    expect(scheduled).toContain('Approved: scheduled to send at 2026-03-10 08:30 (Europe/Berlin).');
    const approvedTab = visibleText((await browser.get('/drafts?show=approved')).text);
    expect(approvedTab).toContain("Approved: it goes to your mailbox's Drafts folder, for you to send.");
  });

  it('refuses to approve what cannot be approved, says why, and schedules nothing', async () => {
    const before = server.deliveries.length;
    const again = await browser.post(`/drafts/${ids.thankYou}/approve`, { mode: 'now' });
    expect(again.status).toBe(400);
    expect(visibleText(again.text)).toContain(`Draft ${ids.thankYou} is approved; it cannot be approved now.`);
    const past = await browser.post(`/drafts/${ids.followUp}/approve`, { mode: 'at', at: '2026-03-01T08:00' });
    expect(past.status).toBe(400);
    expect(visibleText(past.text)).toContain('is in the past');
    const garbled = await browser.post(`/drafts/${ids.followUp}/approve`, { mode: 'at', at: 'next tuesday' });
    expect(visibleText(garbled.text)).toContain('Give the time to send as a date and time (Europe/Berlin).');
    expect(server.deliveries).toHaveLength(before);
    expect((await getDraft(server.db, ids.followUp))!.status).toBe('pending');
  });

  it('rejects a draft, and a snoozed one leaves the queue until its time', async () => {
    expect((await browser.post(`/drafts/${ids.toReject}/reject`, {})).status).toBe(303);
    expect((await getDraft(server.db, ids.toReject))!.status).toBe('rejected');
    const snoozed = await browser.post(`/drafts/${ids.toSnooze}/snooze`, { hours: '72' });
    expect(snoozed.headers.get('location')).toBe('/drafts?done=snoozed');
    expect((await getDraft(server.db, ids.toSnooze))!.snoozedUntil).toEqual(new Date(NOW.getTime() + 72 * 3_600_000));
    const queue = await browser.get('/drafts');
    expect(queue.text).not.toContain('Snooze me');
    expect(queue.text).not.toContain('Reject me');
    expect(visibleText((await browser.get('/drafts?show=snoozed')).text)).toContain('Snoozed until 2026-03-12 13:00');
    expect(visibleText((await browser.get('/drafts?show=closed')).text)).toContain('Reject me');
  });

  it("shows a contact's page with their timeline and drafts", async () => {
    const page = await browser.get(`/contacts/${network.jane}`);
    expect(page.status).toBe(200);
    const text = visibleText(page.text);
    expect(text).toContain('Jane Doe');
    expect(text).toContain('jane.doe@acme.example');
    expect(text).toContain('You wrote');
    expect(text).toContain('Coffee chat about structured finance?');
    expect(text).toContain('They wrote');
    expect(text).toContain('Meeting');
    expect(text).toContain('Next meeting 2026-03-12 16:00 · Coffee chat: Alex / Jane');
    expect(text).toContain('Re: Coffee chat about structured finance?'); // the thank-you draft
    expect(visibleText((await browser.get(`/contacts/${network.eve}`)).text)).not.toContain('Next meeting');
    expect((await browser.get('/contacts/999999')).status).toBe(404);
  });

  it('lists the contacts most recent first, finds one by name, address or company, and downloads the log', async () => {
    const page = await browser.get('/contacts');
    expect(page.status).toBe(200);
    const text = visibleText(page.text);
    expect(text).toContain('Contacts (2)');
    // Jane: the outreach, her reply and the meeting on the 12th, so she comes before Eve (the 5th).
    expect(text).toContain('Jane Doe jane.doe@acme.example Acme 2026-03-02 2026-03-12 3');
    expect(text.indexOf('jane.doe@acme.example')).toBeLessThan(text.indexOf('eve@evil.example'));
    expect(page.text).toContain(`href="/contacts/${network.jane}"`);

    for (const q of ['jane', 'ACME.example', 'Acme']) {
      const found = visibleText((await browser.get(`/contacts?q=${encodeURIComponent(q)}`)).text);
      expect(found, q).toContain('Contacts (1)');
      expect(found, q).toContain('jane.doe@acme.example');
      expect(found, q).not.toContain('eve@evil.example');
    }
    expect(visibleText((await browser.get('/contacts?q=%25')).text)).toContain('Nobody in the log matches “%”.');

    const csv = await browser.get('/contacts/export.csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="rapport-contacts.csv"');
    const [header, ...rows] = csv.text.trimEnd().split('\r\n');
    expect(header).toBe('id,name,emails,company,company_domain,first_contact,last_contact,interactions,referred_by,title');
    expect(rows.find((r) => r.includes('jane.doe@acme.example'))).toMatch(/^\d+,Jane Doe,jane\.doe@acme\.example,Acme,acme\.example,2026-03-02T09:00:00\.000Z,/);
    const json = JSON.parse((await browser.get('/contacts/export.json')).text) as { contacts: { addresses: string[]; interactions: unknown[] }[] };
    expect(json.contacts.find((c) => c.addresses.includes('jane.doe@acme.example'))!.interactions).toHaveLength(3);
    const vcf = await browser.get('/contacts/export.vcf');
    expect(vcf.headers.get('content-type')).toBe('text/vcard; charset=utf-8');
    expect(vcf.text).toContain('FN:Jane Doe\r\n');
  });

  it("adds a note of what was discussed to a contact's log, once however often the form is sent", async () => {
    const form = await browser.get(`/contacts/${network.jane}`);
    const key = /name="key" value="([^"]+)"/.exec(form.text)![1]!;
    expect(form.text).toContain('name="at" value="2026-03-09T13:00"'); // now, in Berlin
    const fields = { key, text: 'Talked about the securitisation desk.\r\nShe offered to introduce me to Sam.', at: '2026-03-06T18:30' };
    const sent = await browser.post(`/contacts/${network.jane}/notes`, fields);
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe(`/contacts/${network.jane}?done=noted`);
    expect((await browser.post(`/contacts/${network.jane}/notes`, fields)).status).toBe(303); // sent twice

    const page = await browser.get(`/contacts/${network.jane}?done=noted`);
    const text = visibleText(page.text);
    expect(text).toContain('Note added to the log.');
    expect(text).toContain('2026-03-06 18:30 Note Talked about the securitisation desk.');
    expect(text.split('Talked about the securitisation desk.')).toHaveLength(2);
    const notes = await server.db.query<{ summary: string; occurred_at: Date }>(
      "select summary, occurred_at from interaction where contact_id = $1 and kind = 'note'", [network.jane]);
    expect(notes).toEqual([{ summary: 'Talked about the securitisation desk.\nShe offered to introduce me to Sam.', occurred_at: new Date('2026-03-06T17:30:00Z') }]);
    // A fresh form is a new note.
    expect(/name="key" value="([^"]+)"/.exec(page.text)![1]).not.toBe(key);
  });

  it('refuses an empty note or one dated ahead, keeps what was typed, and says why', async () => {
    const form = await browser.get(`/contacts/${network.eve}`);
    const key = /name="key" value="([^"]+)"/.exec(form.text)![1]!;
    const empty = await browser.post(`/contacts/${network.eve}/notes`, { key, text: '   ', at: '2026-03-05T10:00' });
    expect(empty.status).toBe(400);
    expect(visibleText(empty.text)).toContain('Write what was discussed: the note is empty.');
    expect(empty.text).toContain('name="at" value="2026-03-05T10:00"');
    const ahead = await browser.post(`/contacts/${network.eve}/notes`, { key, text: 'Coffee next week', at: '2026-04-01T10:00' });
    expect(ahead.status).toBe(400);
    expect(visibleText(ahead.text)).toContain('A note records what already happened');
    expect(ahead.text).toContain('>Coffee next week</textarea>');
    const badTime = await browser.post(`/contacts/${network.eve}/notes`, { key, text: 'Coffee', at: '2026-02-30T10:00' });
    expect(visibleText(badTime.text)).toContain('Give when it happened as a date and time (Europe/Berlin)');
    expect((await browser.post('/contacts/999999/notes', { key, text: 'x', at: '' })).status).toBe(404);
    expect(await server.db.query("select 1 from interaction where contact_id = $1 and kind = 'note'", [network.eve])).toEqual([]);
  });

  it('keeps in touch with a contact from their page, and stops', async () => {
    const nurture = async () => (await server.db.query<{ nurture: boolean }>('select nurture from contact where id = $1', [network.eve]))[0]!.nurture;
    expect(visibleText((await browser.get(`/contacts/${network.eve}`)).text)).toContain('Keep in touch No. Keep in touch');
    const on = await browser.post(`/contacts/${network.eve}/nurture`, { on: '1' });
    expect(on.headers.get('location')).toBe(`/contacts/${network.eve}?done=nurtured`);
    expect(await nurture()).toBe(true);
    const page = visibleText((await browser.get(on.headers.get('location')!)).text);
    expect(page).toContain('Keeping in touch: rapport will draft a check-in after a quiet spell.');
    expect(page).toContain('Keep in touch Yes: rapport drafts a check-in after 90 days without contact. Stop');
    expect((await browser.post(`/contacts/${network.eve}/nurture`, { on: '0' })).status).toBe(303);
    expect(await nurture()).toBe(false);
    expect((await browser.post('/contacts/999999/nurture', { on: '1' })).status).toBe(404);
  });

  it('lists the meetings ahead, each with a brief: the person, the history, the thread, questions to ask', async () => {
    const text = visibleText((await browser.get('/meetings')).text);
    expect(text).toContain('Coffee chat: Alex / Jane');
    expect(text).toContain('2026-03-12 16:00 – 16:30');
    expect(text).toContain('Jane Doe: 2 emails (1 from them) and 1 note, since March 2.');
    expect(text).toContain('Your note from March 6: “Talked about the securitisation desk. She offered to introduce me to Sam.”');
    expect(text).toContain('“Coffee chat about structured finance?”: 2 messages.');
    expect(text).toContain('Could you send your CV beforehand?');
    expect(text).toContain('What skills or experience matter most for someone moving into structured finance?');
  });

  it('shows the accounts with their sync state and counts', async () => {
    const text = visibleText((await browser.get('/accounts')).text);
    expect(text).toMatch(/alex\.student@university\.example \(mailbox\) imported from files/);
  });

  it('says what to set where no OAuth client is configured, and connects nothing', async () => {
    const page = await browser.get('/accounts');
    expect(page.text).not.toContain('action="/accounts/connect/');
    expect(visibleText(page.text)).toContain('To connect Gmail, set RAPPORT_GOOGLE_CLIENT_ID and RAPPORT_GOOGLE_CLIENT_SECRET and restart rapport');
    expect(visibleText(page.text)).toContain('To connect Outlook, set RAPPORT_MICROSOFT_CLIENT_ID and RAPPORT_MICROSOFT_CLIENT_SECRET and restart rapport');
    const forced = await browser.post('/accounts/connect/gmail', {});
    expect(forced.status).toBe(400);
    expect(visibleText(forced.text)).toContain('No Google OAuth client is configured. Set RAPPORT_GOOGLE_CLIENT_ID and RAPPORT_GOOGLE_CLIENT_SECRET');
  });
});

describe('an approval page without delivery', () => {
  let server: PageServer;
  afterAll(async () => {
    await server?.close();
  });

  it('shows the drafts but approves nothing, and says where to approve', async () => {
    server = await startPageServer({ scheduleDelivery: null });
    const { draft } = await createDraft(server.db, { kind: 'check_in', toAddress: 'kim@example.org', subject: 'Hello', body: 'Hi Kim,\n', idempotencyKey: 'test:nodelivery' });
    const browser = new PageClient(server.url);
    await browser.signIn(server.login.token!);
    expect(visibleText((await browser.get('/drafts')).text)).toContain('Check-in to kim@example.org');
    const approve = await browser.post(`/drafts/${draft.id}/approve`, { mode: 'now' });
    expect(approve.status).toBe(400);
    expect(visibleText(approve.text)).toContain('This rapport server does not deliver mail, so nothing was approved.');
    expect((await getDraft(server.db, draft.id))!.status).toBe('pending');
  });
});

/** The markup of one draft's card in the queue. */
function cardOf(page: string, id: number): string {
  const start = page.indexOf(`data-draft="${id}"`);
  expect(start).toBeGreaterThan(-1);
  return page.slice(page.lastIndexOf('<article', start), page.indexOf('</article>', start));
}
