import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contactTimeline, findContact, listContactPage, listContacts } from '../../src/store/contact-queries.ts';
import { listMeetings } from '../../src/store/meeting-queries.ts';
import { runImport } from '../../src/workers/import-runner.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';
import { testConfig, TEST_REDIS_URL } from '../helpers/test-config.ts';
import { ENGINES, openTestStore, type TestStore } from '../helpers/test-store.ts';

const EXPORT = path.resolve('test/fixtures/export');
const ME = ['alex.student@university.example', 'alex@gmail.com'];

describe.each(ENGINES)('importing a mailbox export (%s)', (engine) => {
  let store: TestStore;
  let redis: Redis;
  const config = testConfig({ RAPPORT_ME: '' });

  beforeAll(async () => {
    store = await openTestStore(engine);
    redis = await connectRedis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    redis.disconnect();
    await store.dispose();
  });

  const importAll = (paths = [EXPORT]) => runImport({ db: store.db, redis, config }, paths, ME);

  it('logs every person once, with names, companies and dates, and reports what it could not read', async () => {
    const summary = await importAll();
    expect(summary.found).toBe(14);
    expect(summary.stored).toBe(8); // 8 distinct messages
    expect(summary.duplicates).toBe(1); // the request is in both the maildir and the mbox
    expect(summary.meetings).toBe(4); // 3 calendar files and 1 invitation
    expect(summary.failed).toBe(2);
    expect(summary.failures.map((f) => path.basename(f.path)).sort()).toEqual(['empty.eml', 'not-mail.eml']);

    const contacts = await listContacts(store.db);
    expect(contacts.map((c) => c.addresses[0]).sort()).toEqual(['jane.doe@acme.example', 'sam.rivera@acme.example']);
    const jane = contacts.find((c) => c.addresses.includes('jane.doe@acme.example'))!;
    expect(jane).toMatchObject({ name: 'Jane Doe', company: 'Acme', companyDomain: 'acme.example' });
    // request, reply, follow-up without headers, invitation mail, and the (moved) meeting
    expect(jane.interactionCount).toBe(5);
    expect(jane.firstContactAt?.toISOString()).toBe('2026-03-02T14:15:00.000Z');
    expect(jane.lastContactAt?.toISOString()).toBe('2026-03-06T16:00:00.000Z');
    const sam = contacts.find((c) => c.addresses.includes('sam.rivera@acme.example'))!;
    // cc'd on Jane's reply, his own mail, the thank-you, and Jane's suggestion to talk to him
    expect(sam).toMatchObject({ name: 'Sam Rivera', interactionCount: 4, referredBy: 'jane.doe@acme.example' });
  });

  it('pages the contact list, and searches it by name, address or company with % and _ taken literally', async () => {
    const all = await listContacts(store.db);
    const page = (search: string, offset = 0, limit = 1) => listContactPage(store.db, { search, limit, offset });
    expect(await page('')).toEqual({ contacts: [all[0]], total: 2 });
    expect(await page('', 1)).toEqual({ contacts: [all[1]], total: 2 });
    expect((await page('', 2)).contacts).toEqual([]);
    expect((await page('RIVERA', 0, 10)).contacts.map((c) => c.name)).toEqual(['Sam Rivera']);
    expect((await page('acme', 0, 10)).total).toBe(2); // the company
    expect((await page('_')).total).toBe(0);
    expect((await page('%')).total).toBe(0);
  });

  it('threads replies by headers, and by subject when headers are missing', async () => {
    const jane = await findContact(store.db, 'jane');
    const timeline = await contactTimeline(store.db, jane.id);
    const emails = timeline.filter((t) => t.kind.startsWith('email'));
    const request = emails.find((t) => t.summary === 'Informational interview request')!;
    const threadIds = emails.filter((t) => /informational interview/i.test(t.summary)).map((t) => t.threadId);
    expect(threadIds).toHaveLength(3);
    expect(new Set(threadIds)).toEqual(new Set([request.threadId]));
    expect(emails.map((t) => t.kind)).toEqual(['email_sent', 'email_received', 'email_sent', 'email_received']);
  });

  it('keeps one meeting per calendar event, updated and cancelled in place', async () => {
    const meetings = await listMeetings(store.db);
    expect(meetings).toHaveLength(2);
    const coffee = meetings.find((m) => m.uid === 'coffee-jane-1@acme.example')!;
    expect(coffee.summary).toBe('Coffee chat: Alex / Jane (moved)');
    expect(coffee.startAt?.toISOString()).toBe('2026-03-06T16:00:00.000Z');
    expect(coffee.attendees.map((a) => a.address)).toEqual(['jane.doe@acme.example']);
    const call = meetings.find((m) => m.uid === 'call-bob-1@initech.example')!;
    expect(call.status).toBe('cancelled');
  });

  it('adds nothing when the same or an overlapping export is imported again', async () => {
    const before = await listContacts(store.db);
    const again = await importAll([EXPORT, path.join(EXPORT, 'takeout.mbox')]);
    expect(again.stored).toBe(0);
    expect(again.duplicates).toBe(6 + 3 + 3);
    expect(await listContacts(store.db)).toEqual(before);
    expect(await listMeetings(store.db)).toHaveLength(2);
  });

  it('merges threads that a later message shows to be one conversation', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-merge-'));
    const mail = (id: string, subject: string, extra = '') =>
      `Message-ID: <${id}>\nDate: Mon, 06 Apr 2026 10:00:00 +0000\nFrom: Kim Lee <kim@globex.example>\n` +
      `To: alex.student@university.example\nSubject: ${subject}\n${extra}\nbody\n`;
    fs.writeFileSync(path.join(dir, 'a.eml'), mail('a@globex.example', 'Lunch'));
    fs.writeFileSync(path.join(dir, 'b.eml'), mail('b@globex.example', 'Slides'));
    await importAll([path.join(dir, 'a.eml')]);
    await importAll([path.join(dir, 'b.eml')]);
    const kim = await findContact(store.db, 'kim@globex.example');
    const apart = await contactTimeline(store.db, kim.id);
    expect(new Set(apart.map((t) => t.threadId)).size).toBe(2);
    fs.writeFileSync(
      path.join(dir, 'c.eml'),
      mail('c@globex.example', 'Re: Lunch', 'References: <a@globex.example> <b@globex.example>\n'),
    );
    await importAll([path.join(dir, 'c.eml')]);
    const together = await contactTimeline(store.db, kim.id);
    expect(together).toHaveLength(3);
    expect(new Set(together.map((t) => t.threadId)).size).toBe(1);
  });

  it('counts a meeting still to come, but not as the first or last contact', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-ahead-'));
    const year = new Date().getUTCFullYear() + 1;
    fs.writeFileSync(path.join(dir, 'ahead.ics'), [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//rapport tests//EN', 'BEGIN:VEVENT', 'UID:ahead@acme.example',
      'DTSTAMP:20260301T080000Z', `DTSTART:${year}0115T150000Z`, `DTEND:${year}0115T153000Z`, 'SUMMARY:Call: Jane / Alex / Lee',
      'ORGANIZER;CN=Jane Doe:mailto:jane.doe@acme.example', 'ATTENDEE;CN=Lee Park:mailto:lee.park@initech.example',
      'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n'));
    const before = await findContact(store.db, 'jane.doe@acme.example');
    await importAll([dir]);
    const jane = await findContact(store.db, 'jane.doe@acme.example');
    expect(jane.interactionCount).toBe(before.interactionCount + 1);
    expect(jane.lastContactAt).toEqual(before.lastContactAt);
    const lee = await findContact(store.db, 'lee.park@initech.example');
    expect(lee).toMatchObject({ interactionCount: 1, firstContactAt: null, lastContactAt: null });
    expect((await contactTimeline(store.db, lee.id)).map((t) => t.at?.toISOString())).toEqual([`${year}-01-15T15:00:00.000Z`]);
  });
});
