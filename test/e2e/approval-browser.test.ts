/**
 * The approval page in a real browser (Debian's Chromium, driven by playwright-core): sign
 * in with the printed token, edit a pending thank-you, approve it, and find it sent,
 * threaded, in the Google emulator's mailbox; fill in the takeaway another one waits for. Approving runs the deliver worker's
 * processor (`processDeliverJob`) for the draft, as the `deliver` queue would.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load-config.ts';
import { thankYouFields } from '../../src/approval/plan-fields.ts';
import { createDraft, getDraft } from '../../src/store/draft-repository.ts';
import { loadContactProfile } from '../../src/store/planner-contact-queries.ts';
import type { SecretBox } from '../../src/store/secret-box.ts';
import { createRenderer } from '../../src/templates/index.ts';
import { processDeliverJob } from '../../src/workers/deliver-worker.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google/index.ts';
import { connectSeededAccount, googleTestConfig } from '../helpers/google.ts';
import { TEST_REDIS_URL } from '../helpers/test-config.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import {
  HOSTILE_SUBJECT, JANE, networkMail, profileConfigFile, seedNetwork, startPageServer, USER, type PageServer,
} from '../integration/approval-harness.ts';

const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags Chromium keeps trying to reach Google's hosts,
// which this machine's closed network refuses.
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

describe('approving a thank-you in the browser', () => {
  let emulator: GoogleEmulator;
  let store: TestStore;
  let config: Config;
  let redis: Redis;
  let secrets: SecretBox;
  let server: PageServer;
  let context: BrowserContext;
  let page: Page;
  let draftId: number;
  let threadId: string;
  let userDataDir: string;
  const dialogs: string[] = [];

  beforeAll(async () => {
    emulator = await startGoogleEmulator();
    emulator.addUser(USER);
    const [outreach, reply] = networkMail();
    emulator.insertMessage(USER, outreach!.raw, { labelIds: ['SENT'] });
    threadId = emulator.insertMessage(USER, reply!.raw, { labelIds: ['INBOX'] }).threadId;

    config = googleTestConfig(emulator, { RAPPORT_CONFIG: profileConfigFile(), RAPPORT_ME: USER });
    store = await openTestStore('pglite');
    const network = await seedNetwork(store.db, config);
    const account = await connectSeededAccount(store.db, config, emulator, USER);
    secrets = account.secrets;
    draftId = (await createDraft(store.db, {
      kind: 'thank_you', accountId: account.accountId, contactId: network.jane, toAddress: JANE, toName: 'Jane Doe',
      subject: 'Re: Coffee chat about structured finance?', body: 'Hi Jane,\n\nThank you for your time.\n\nAlex\n',
      reason: 'Met Jane Doe on Thursday; a thank-you is due within 24 hours', dueAt: new Date('2026-03-09T14:00:00Z'),
      idempotencyKey: 'thank_you:e2e', inReplyTo: network.janeReplyId,
      references: ['outreach-1@university.example', network.janeReplyId], providerThreadId: threadId,
    })).draft.id;

    redis = await connectRedis(TEST_REDIS_URL);
    const deliverDeps = { config, db: store.db, redis, secrets, callPolicy: { baseDelayMs: 5, maxDelayMs: 50 } };
    server = await startPageServer({
      config, store,
      scheduleDelivery: async (id, at) => {
        if (at === null) await processDeliverJob(deliverDeps, { data: { draftId: id } });
      },
    });

    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  });
  afterAll(async () => {
    await context?.close();
    if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
    redis?.disconnect();
    await server?.close(); // disposes the store too
    await emulator?.close();
  });

  it('signs in, edits the draft, approves it, and the mail arrives threaded in Sent', async () => {
    await page.goto(`${server.url}/drafts`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('Token').fill(server.login.token!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${server.url}/drafts`);

    // The queue shows mail as text: the hostile subject is readable, and nothing of it ran.
    await page.goto(`${server.url}/contacts/${(await contactId('eve@evil.example'))}`);
    await expect.poll(() => page.getByText(HOSTILE_SUBJECT).count()).toBeGreaterThan(0);
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);

    await page.goto(`${server.url}/drafts`);
    await page.getByRole('link', { name: 'Re: Coffee chat about structured finance?' }).click();
    // The subject stays: Gmail keeps a reply in its conversation only while the subject matches.
    expect(await page.getByText('keep the subject as it is').count()).toBe(1);
    const points = Array.from({ length: 14 }, (_, i) => `- point ${i + 1} of what we discussed, in a line long enough to be read as one.`);
    await page.getByLabel('Message').fill(`Hi Jane,\n\nThank you for your time on Thursday. Your advice on desk reports was gold.\n\n${points.join('\n')}\n\nAlex\n`);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByText('Saved.').count()).toBe(1);
    // The saved message shows whole, down to the signature, with no scrolling inside the box.
    const box = await page.getByLabel('Message').evaluate((el) => ({ scroll: el.scrollHeight, client: el.clientHeight }));
    expect(box.scroll).toBeLessThanOrEqual(box.client);

    await page.getByLabel('Send now').check();
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.getByText('Approved.').count()).toBe(1);
    expect(await page.locator('h1 .badge').first().textContent()).toBe('delivered');

    const draft = (await getDraft(store.db, draftId))!;
    expect(draft).toMatchObject({ status: 'delivered', body: expect.stringContaining('Your advice on desk reports was gold.') });
    const sent = emulator.messages(USER).filter((m) => m.labelIds.includes('SENT') && m.raw.toString().includes(`<${draft.rfcMessageId}>`));
    expect(sent).toHaveLength(1);
    expect(sent[0]!.threadId).toBe(threadId);
    const raw = sent[0]!.raw.toString();
    expect(raw).toMatch(/^Subject: Re: Coffee chat about structured finance\?\r$/m);
    expect(raw).toMatch(/^In-Reply-To: <reply-1@acme\.example>\r$/m);
    expect(raw).toMatch(/^References: <outreach-1@university\.example> <reply-1@acme\.example>\r$/m);
    expect(raw).toMatch(/^To: Jane Doe <jane\.doe@acme\.example>\r$/m);
    expect(raw).toContain('Your advice on desk reports was gold.');
    expect(dialogs).toEqual([]);
  });

  it('fills in the takeaway a thank-you waits for, and the draft is ready to approve', async () => {
    const jane = (await loadContactProfile(store.db, await contactId(JANE)))!;
    const fields = thankYouFields({
      user: { name: 'Alex Student', role: '', field: 'structured finance', signature: '', timeZone: 'Europe/Berlin' }, userEmail: USER,
      contact: jane, now: new Date('2026-03-09T12:00:00Z'), referrals: [], thread: null,
      meeting: { start: new Date('2026-03-06T15:00:00Z'), end: new Date('2026-03-06T15:30:00Z'), summary: 'Coffee chat: Alex / Jane' },
    });
    const out = createRenderer().render('thank_you', fields);
    const { draft } = await createDraft(store.db, {
      kind: 'thank_you', contactId: jane.contactId, toAddress: JANE, toName: jane.name, subject: out.draft.subject, body: out.draft.text,
      html: out.draft.html, missingFields: out.status === 'needs_input' ? out.missing : [], fields: { ...fields }, idempotencyKey: 'thank_you:e2e-fill',
    });
    expect(draft.status).toBe('needs_input');

    await page.goto(`${server.url}/drafts/${draft.id}`);
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await page.getByLabel('What you took from the conversation').fill('Your advice to read the desk reports first is already paying off.');
    await page.getByRole('button', { name: 'Fill in the draft' }).click();
    await expect.poll(() => page.getByText('Filled in: read it over, then approve it.').count()).toBe(1);
    expect(await page.locator('h1 .badge').first().textContent()).toBe('pending');
    const message = await page.getByLabel('Message').inputValue();
    expect(message).toContain('\n\nYour advice to read the desk reports first is already paying off.\n\n');
    expect(message).not.toContain('[');
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(1);
    expect(dialogs).toEqual([]);
  });

  async function contactId(address: string): Promise<number> {
    const [row] = await store.db.query<{ contact_id: number }>('select contact_id from contact_email where address = $1', [address]);
    return row!.contact_id;
  }
});
