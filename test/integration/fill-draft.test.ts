/**
 * Filling in what a draft waited for, on its page: the thank-you's takeaway (and, for a
 * meeting rapport could not date, when it was) lands where the placeholder was, and the
 * draft is ready to approve; what cannot be filled in is refused with what to do instead.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkInFields, thankYouFields, type ContactProfile, type UserProfile } from '../../src/approval/plan-fields.ts';
import type { Database } from '../../src/store/database.ts';
import { createDraft, getDraft, patchDraft, type DraftRecord } from '../../src/store/draft-repository.ts';
import { openStore } from '../../src/store/open-store.ts';
import { loadContactProfile } from '../../src/store/planner-contact-queries.ts';
import { createRenderer, type DraftFields, type DraftKind } from '../../src/templates/index.ts';
import { approvalConfig, NOW, PageClient, profileConfigFile, seedNetwork, startPageServer, USER, visibleText, type Network, type PageServer } from './approval-harness.ts';

const ALEX: UserProfile = { name: 'Alex Student', role: 'an MSc student', field: 'structured finance', signature: '', timeZone: 'Europe/Berlin' };
const TAKEAWAY = 'Your advice to read the desk’s own reports first is the most practical thing I have heard so far.';

/** A draft rendered and stored as the planner stores one. */
async function storePlanned(db: Database, contactId: number, contact: ContactProfile, kind: DraftKind, fields: DraftFields, key: string): Promise<DraftRecord> {
  const out = createRenderer().render(kind, fields);
  return (await createDraft(db, {
    kind, contactId, toAddress: contact.address, toName: contact.name, subject: out.draft.subject, body: out.draft.text,
    html: out.draft.html, missingFields: out.status === 'needs_input' ? out.missing : [], fields: { ...fields },
    reason: 'Met Jane Doe on Thursday', idempotencyKey: key,
  })).draft;
}

function thankYouFieldsFor(contact: ContactProfile, meetingStart: Date | null): DraftFields {
  return thankYouFields({
    user: ALEX, userEmail: USER, contact, now: NOW, referrals: [], thread: { subject: 'Coffee chat about structured finance?', requestedAt: null },
    meeting: { start: meetingStart, end: null, summary: 'Coffee chat: Alex / Jane' },
  });
}

describe('filling in a draft that waits for input', () => {
  let server: PageServer;
  let browser: PageClient;
  let network: Network;
  let jane: ContactProfile;
  let serial = 0;

  const planned = (kind: DraftKind, fields: DraftFields) => storePlanned(server.db, network.jane, jane, kind, fields, `test:fill:${serial++}`);
  const thankYou = (meetingStart: Date | null) => planned('thank_you', thankYouFieldsFor(jane, meetingStart));

  beforeAll(async () => {
    server = await startPageServer();
    network = await seedNetwork(server.db, server.config);
    jane = (await loadContactProfile(server.db, network.jane))!;
    browser = new PageClient(server.url);
    expect((await browser.signIn(server.login.token!)).status).toBe(303);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('asks for the takeaway; once given, the thank-you says it in its own paragraph and can be approved', async () => {
    const draft = await thankYou(new Date('2026-03-05T15:00:00Z'));
    expect(draft).toMatchObject({ status: 'needs_input', missingFields: ['takeaway'] });
    expect(draft.body).toContain('[what you took from the conversation]');

    const page = await browser.get(`/drafts/${draft.id}`);
    const text = visibleText(page.text);
    expect(text).toContain('This draft needs: what you took from the conversation. Fill it in below, or replace');
    expect(text).toContain('Fill in What you took from the conversation');
    expect(page.text).toContain('name="takeaway"');
    expect(text).not.toContain('Approve');

    const filled = await browser.post(`/drafts/${draft.id}/fill`, { takeaway: `  ${TAKEAWAY}\r\n` });
    expect(filled.status).toBe(303);
    expect(filled.headers.get('location')).toBe(`/drafts/${draft.id}?done=filled`);
    const after = (await getDraft(server.db, draft.id))!;
    expect(after).toMatchObject({ status: 'pending', missingFields: [], subject: draft.subject });
    expect(after.body).toContain(`\n\n${TAKEAWAY}\n\n`);
    expect(after.body).not.toContain('[');
    expect(after.html).toContain('the most practical thing I have heard so far.');
    expect(after.fields).toMatchObject({ takeaway: TAKEAWAY });
    // The user's touch: planning the draft again would not replace it.
    expect(after.updatedAt.getTime()).toBeGreaterThan(after.createdAt.getTime());

    const shown = visibleText((await browser.get(`/drafts/${draft.id}?done=filled`)).text);
    expect(shown).toContain('Filled in: read it over, then approve it.');
    expect(shown).toContain('Approve');
    expect(shown).not.toContain('Fill in the draft');

    const again = await browser.post(`/drafts/${draft.id}/fill`, { takeaway: 'Something else.' });
    expect(again.status).toBe(400);
    expect(visibleText(again.text)).toContain(`Draft ${draft.id} is pending: it needs nothing filled in.`);
    expect((await getDraft(server.db, draft.id))!.body).toBe(after.body);
  });

  it('fills a meeting time and the takeaway together, or one now and the other later', async () => {
    const draft = await thankYou(null);
    expect(draft.missingFields).toEqual(['meeting.start', 'takeaway']);
    const form = await browser.get(`/drafts/${draft.id}`);
    expect(form.text).toMatch(/<input id="fill-meeting-start" type="datetime-local" name="meeting\.start"/);
    expect(visibleText(form.text)).toContain('When you met (Europe/Berlin).');

    const first = await browser.post(`/drafts/${draft.id}/fill`, { 'meeting.start': '2026-03-06T16:00', takeaway: '' });
    expect(first.headers.get('location')).toBe(`/drafts/${draft.id}?done=filled_partly`);
    expect(visibleText((await browser.get(first.headers.get('location')!)).text))
      .toMatch(/Filled in; it still needs what is named below\..*This draft needs: what you took from the conversation\./);
    const half = (await getDraft(server.db, draft.id))!;
    expect(half).toMatchObject({ status: 'needs_input', missingFields: ['takeaway'] });
    expect(half.body).not.toContain('[meeting date]');
    expect(half.fields).toMatchObject({ meeting: { start: '2026-03-06T15:00:00.000Z' } }); // 16:00 in Berlin

    expect((await browser.post(`/drafts/${draft.id}/fill`, { takeaway: TAKEAWAY })).status).toBe(303);
    expect((await getDraft(server.db, draft.id))!).toMatchObject({ status: 'pending', missingFields: [] });
  });

  it('refuses nothing given, an overlong or unreadable value, and a draft no longer as rapport wrote it', async () => {
    const draft = await planned('check_in', checkInFields({ user: ALEX, userEmail: USER, contact: jane, now: NOW, lastMeeting: null }));
    expect(draft.missingFields).toEqual(['update']);

    const empty = await browser.post(`/drafts/${draft.id}/fill`, { update: '   ' });
    expect(empty.status).toBe(400);
    expect(visibleText(empty.text)).toContain('Nothing was filled in: give your news since you last spoke.');

    const long = 'So much happened. '.repeat(120);
    const tooLong = await browser.post(`/drafts/${draft.id}/fill`, { update: long });
    expect(tooLong.status).toBe(400);
    expect(visibleText(tooLong.text)).toMatch(/Your news since you last spoke holds up to 2000 characters; this has 21\d\d\./);
    expect(tooLong.text).toContain('So much happened. So much happened.'); // what the user typed is still in the form

    const badTime = await thankYou(null);
    const unreadable = await browser.post(`/drafts/${badTime.id}/fill`, { 'meeting.start': 'last Thursday' });
    expect(unreadable.status).toBe(400);
    expect(visibleText(unreadable.text)).toContain('Give when you met as a date and time (Europe/Berlin).');

    // Its text changed behind rapport's back (a template edited since, say): the placeholders are the user's to replace.
    await patchDraft(server.db, draft.id, { body: draft.body.replace('Hi Jane,', 'Hello Jane,') });
    const changed = await browser.post(`/drafts/${draft.id}/fill`, { update: 'I started at Acme.' });
    expect(changed.status).toBe(400);
    expect(visibleText(changed.text)).toContain('is no longer the text rapport wrote, so it cannot be filled in: replace the [bracketed] placeholders');
    expect((await getDraft(server.db, draft.id))!.status).toBe('needs_input');
  });

  it('changes nothing without a session', async () => {
    const draft = await thankYou(new Date('2026-03-05T15:00:00Z'));
    const stranger = await fetch(`${server.url}/drafts/${draft.id}/fill`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'takeaway=planted', redirect: 'manual',
    });
    expect(stranger.status).toBe(401);
    expect((await getDraft(server.db, draft.id))!).toMatchObject({ status: 'needs_input', body: draft.body });
  });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

// Each command is a process opening the embedded database: seconds each, more on a busy CI machine.
describe('rapport fill', { timeout: 120_000 }, () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  let env: Record<string, string>;
  let draftId = 0;
  const rapport = (args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(process.execPath, ['bin/rapport.js', ...args], { cwd: root, env: { ...process.env, ...env }, timeout: 30_000 },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
    });

  beforeAll(async () => {
    const configFile = profileConfigFile();
    const config = approvalConfig({ RAPPORT_CONFIG: configFile });
    env = { RAPPORT_DATA_DIR: config.dataDir, RAPPORT_CONFIG: configFile, DATABASE_URL: '', RAPPORT_ME: '' };
    const db = await openStore({ databaseUrl: '', dataDir: config.dataDir });
    const network = await seedNetwork(db, config);
    const jane = (await loadContactProfile(db, network.jane))!;
    draftId = (await storePlanned(db, network.jane, jane, 'thank_you', thankYouFieldsFor(jane, null), 'test:fill-cli')).id;
    await db.close();
  });

  it('says what a draft needs and which option gives it; filling it in step by step makes it ready', async () => {
    const asked = await rapport(['fill', String(draftId)]);
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.stdout).toBe(`Draft ${draftId} needs meeting date (--met-at) and what you took from the conversation (--takeaway).\n`);

    const half = await rapport(['fill', String(draftId), '--met-at', '2026-03-06 16:00']);
    expect(half.code, half.stderr).toBe(0);
    expect(half.stdout).toBe(`Draft ${draftId} is filled in; it still needs what you took from the conversation (--takeaway).\n`);

    const bad = await rapport(['fill', String(draftId), '--met-at', 'soon']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--met-at takes "YYYY-MM-DD HH:MM" in your time zone');

    const done = await rapport(['fill', String(draftId), '--takeaway', TAKEAWAY]);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toBe(`Draft ${draftId} is filled in and ready: \`rapport approve ${draftId}\` sends it.\n`);
    const listed = JSON.parse((await rapport(['drafts', '--json'])).stdout) as { drafts: { id: number; status: string; body: string }[] };
    const draft = listed.drafts.find((d) => d.id === draftId)!;
    expect(draft.status).toBe('pending');
    expect(draft.body).toContain(TAKEAWAY);
    expect(draft.body).not.toContain('[');

    const again = await rapport(['fill', String(draftId), '--takeaway', 'More.']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain(`Draft ${draftId} is pending: it needs nothing filled in.`);
  });
});
