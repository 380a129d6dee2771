/**
 * One person under two contacts (a work address and a personal one) merged into one, on
 * both engines: the log holds each message once, names and referrals follow, the merged
 * contact is gone, and later mail to either address goes to the one that stays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError, NotFoundError } from '../../src/core/errors.ts';
import { ensureAccount } from '../../src/store/account-repository.ts';
import { findContactPage } from '../../src/store/approval-queries.ts';
import { mergeContacts } from '../../src/store/contact-merge.ts';
import { contactTimeline, findContact, listContacts } from '../../src/store/contact-queries.ts';
import { listMeetings } from '../../src/store/meeting-queries.ts';
import { rawMessage } from '../helpers/google.ts';
import { testConfig } from '../helpers/test-config.ts';
import { ENGINES, openTestStore, type TestStore } from '../helpers/test-store.ts';
import { ingestMail } from './approval-harness.ts';

const USER = 'alex@university.example';
const WORK = 'dana@oldco.example';
const PERSONAL = 'dana.lee@gmail.com';
const at = (month: number, day: number) => new Date(Date.UTC(2026, month - 1, day, 9, 0));

function mail(): { name: string; raw: string; format: 'raw' | 'ics' }[] {
  const items = [
    { name: 'ask.eml', raw: rawMessage({ from: `Dana Lee <${WORK}>`, to: USER, subject: 'Coffee?', date: at(1, 5), messageId: 'ask@oldco.example' }) },
    // Written to both of her addresses: one message, one entry in her log once merged.
    { name: 'both.eml', raw: rawMessage({
      from: `Alex <${USER}>`, to: `Dana Lee <${WORK}>, Dana Lee <${PERSONAL}>`, subject: 'Re: Coffee?', date: at(1, 6),
      messageId: 'both@university.example', inReplyTo: 'ask@oldco.example' }) },
    { name: 'new-job.eml', raw: rawMessage({
      from: `Dana Lee <${PERSONAL}>`, to: USER, subject: 'New job', date: at(2, 1), messageId: 'job@gmail.com',
      body: 'Hi Alex,\n\nI moved on. You should also talk to my colleague Omar Haddad (omar@newco.example), who hires analysts.\n\nDana\n' }) },
  ].map((m) => ({ ...m, format: 'raw' as const }));
  const ics = [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//rapport tests//EN', 'BEGIN:VEVENT', 'UID:call-dana@gmail.com',
    'DTSTAMP:20260201T080000Z', 'DTSTART:20260210T150000Z', 'DTEND:20260210T153000Z', 'SUMMARY:Call with Dana',
    `ORGANIZER;CN=Dana Lee:mailto:${PERSONAL}`, `ATTENDEE;CN=Alex:mailto:${USER}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
  return [...items, { name: 'call.ics', format: 'ics', raw: ics }];
}

describe.each(ENGINES)('merging two contacts (%s)', (engine) => {
  let store: TestStore;
  const config = testConfig({ RAPPORT_ME: USER });
  let accountId: number;
  let work: number;
  let personal: number;

  const ingest = (files: Parameters<typeof ingestMail>[3]) => ingestMail(store.db, config, accountId, files);

  beforeAll(async () => {
    store = await openTestStore(engine);
    accountId = await ensureAccount(store.db, 'mailbox', USER);
    await ingest(mail());
    work = (await findContact(store.db, WORK)).id;
    personal = (await findContact(store.db, PERSONAL)).id;
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('before: the same person is two contacts', async () => {
    expect(work).not.toBe(personal);
    expect((await findContact(store.db, WORK)).interactionCount).toBe(2);
    expect((await findContact(store.db, PERSONAL)).interactionCount).toBe(3); // both.eml, new-job.eml, the call
  });

  it('after: one contact with both addresses, each message once, her name, her meeting and whom she referred', async () => {
    const result = await mergeContacts(store.db, work, personal);
    expect(result).toEqual({ kept: work, merged: personal, addresses: 2, interactions: 4 });

    const dana = await findContact(store.db, PERSONAL);
    expect(dana).toMatchObject({ id: work, name: 'Dana Lee', addresses: [PERSONAL, WORK], company: 'Oldco', interactionCount: 4 });
    expect(dana.firstContactAt?.toISOString()).toBe(at(1, 5).toISOString());
    expect(dana.lastContactAt?.toISOString()).toBe('2026-02-10T15:00:00.000Z');
    expect((await contactTimeline(store.db, work)).map((t) => t.summary)).toEqual(['Coffee?', 'Re: Coffee?', 'New job', 'Call with Dana']);

    await expect(findContact(store.db, String(personal))).rejects.toBeInstanceOf(NotFoundError);
    expect((await listContacts(store.db)).map((c) => c.id)).not.toContain(personal);
    const call = (await listMeetings(store.db)).find((m) => m.summary === 'Call with Dana')!;
    expect(call.attendees.map((a) => a.contactId)).toEqual([work]);
    const omar = await findContactPage(store.db, (await findContact(store.db, 'omar@newco.example')).id);
    expect(omar!.referrer).toMatchObject({ id: work, name: 'Dana Lee' });
  });

  it('later mail to either address goes to the contact that stays', async () => {
    await ingest([{
      name: 'later.eml', format: 'raw',
      raw: rawMessage({ from: `Dana Lee <${PERSONAL}>`, to: USER, subject: 'Lunch?', date: at(3, 1), messageId: 'lunch@gmail.com' }),
    }]);
    expect((await findContact(store.db, String(work))).interactionCount).toBe(5);
    // Importing the same mail again adds nothing to the merged contact either.
    await ingest(mail());
    expect((await findContact(store.db, String(work))).interactionCount).toBe(5);
    expect((await listContacts(store.db)).filter((c) => c.addresses.includes(PERSONAL))).toHaveLength(1);
  });

  it('refuses to merge a contact with itself, or one that is gone, and changes nothing', async () => {
    await expect(mergeContacts(store.db, work, work)).rejects.toBeInstanceOf(InvalidInputError);
    await expect(mergeContacts(store.db, work, personal)).rejects.toBeInstanceOf(NotFoundError);
    expect((await findContact(store.db, String(work))).interactionCount).toBe(5);
  });
});
