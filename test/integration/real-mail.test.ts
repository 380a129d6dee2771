import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listContacts, type ContactSummary } from '../../src/store/contact-queries.ts';
import { listMeetings } from '../../src/store/meeting-queries.ts';
import { duplicatesOf, listDuplicateGroups } from '../../src/store/possible-duplicates.ts';
import { runImport } from '../../src/workers/import-runner.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';
import { hasSharedData, SHARED_DATA, testConfig, TEST_REDIS_URL } from '../helpers/test-config.ts';
import { ENGINES, openTestStore, type TestStore } from '../helpers/test-store.ts';

// Vince Kaminski's own addresses, as found in his mailbox (typos included: he received mail at them).
const KAMINSKI = [
  'vince.kaminski@enron.com', 'vince.j.kaminski@enron.com', 'vkamins@enron.com', 'vkaminski@aol.com',
  'vkamins@ect.enron.com', 'vince_j_kaminski@enron.com', 'j.kaminski@enron.com', 'j..kaminski@enron.com',
  'vkaminski@palm.net', 'vince.kaminsky@enron.com', 'vkamins@ennron.com',
];

// Checked by reading the files: the messages whose From/To/Cc (and Bcc on his sent mail)
// name the person, their earliest and latest Date, and the name in their X-From header.
const FACTS = [
  { address: 'castro@rice.edu', name: 'Pamela Vande Krol Castro', company: 'Rice', count: 37,
    first: '2001-01-11T10:51:00.000Z', last: '2001-05-05T09:19:00.000Z' },
  { address: 'j_martin@baylor.edu', name: 'John D. Martin', company: 'Baylor', count: 70,
    first: '1999-12-28T20:35:00.000Z', last: '2001-04-16T14:20:00.000Z' },
  { address: 'christie.patrick@enron.com', name: 'Christie Patrick', company: 'Enron', count: 93,
    first: '2000-10-10T15:40:00.000Z', last: '2001-05-05T02:23:00.000Z' },
  { address: 'shirley.crenshaw@enron.com', name: 'Shirley Crenshaw', company: 'Enron', count: 389,
    first: '1999-12-10T14:43:00.000Z', last: '2001-05-21T14:17:42.000Z' },
];

describe.runIf(hasSharedData)('real mail from ../shared/data', () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = await connectRedis(TEST_REDIS_URL);
  });
  afterAll(() => redis.disconnect());

  const results = new Map<string, ContactSummary[]>();

  describe.each(ENGINES)('Vince Kaminski’s mailbox (%s)', (engine) => {
    let store: TestStore;
    beforeAll(async () => {
      store = await openTestStore(engine);
    });
    afterAll(() => store.dispose());

    it('gives every correspondent the names, dates and counts the files show', async () => {
      const summary = await runImport(
        { db: store.db, redis, config: testConfig() },
        [path.join(SHARED_DATA, 'enron/kaminski-v')],
        KAMINSKI,
      );
      expect(summary).toMatchObject({ found: 2013, stored: 2013, failed: 0 });
      const contacts = await listContacts(store.db);
      for (const fact of FACTS) {
        const contact = contacts.find((c) => c.addresses.includes(fact.address));
        expect(contact, fact.address).toMatchObject({
          name: fact.name,
          company: fact.company,
          interactionCount: fact.count,
          firstContactAt: new Date(fact.first),
          lastContactAt: new Date(fact.last),
        });
      }
      // He is the user, never his own contact; no role or no-reply mailbox is a contact.
      const everyAddress = contacts.flatMap((c) => c.addresses);
      expect(everyAddress.filter((a) => KAMINSKI.includes(a))).toEqual([]);
      expect(everyAddress.filter((a) => /^(no-?reply|postmaster|mailer-daemon)@/.test(a))).toEqual([]);
      results.set(engine, contacts);
    });

    it('suggests as one person the correspondents who wrote from two addresses, and not two numbered lists', async () => {
      const groups = await listDuplicateGroups(store.db);
      const groupOf = (address: string) => groups.find((g) => g.contacts.some((c) => c.addresses.includes(address)));
      // christie.patrick@ and christie_patrick@: one name, one address but for the dot.
      expect(groupOf('christie_patrick@enron.com')).toMatchObject({
        reasons: ['same address', 'same name'],
        contacts: [{ addresses: ['christie.patrick@enron.com'], interactionCount: 93 }, { addresses: ['christie_patrick@enron.com'] }],
      });
      const christie = groupOf('christie_patrick@enron.com')!.contacts[0]!;
      expect((await duplicatesOf(store.db, christie.id)).map((d) => [d.contact.addresses, d.reasons])).toEqual([
        [['christie_patrick@enron.com'], ['same address', 'same name']],
      ]);
      // His colleague also wrote once from a Yahoo address, under the same name.
      expect(groupOf('vshanbh@yahoo.com')?.contacts.map((c) => [c.name, c.addresses[0]])).toEqual([
        ['Vasant Shanbhogue', 'vasant.shanbhogue@enron.com'], ['Vasant Shanbhogue', 'vshanbh@yahoo.com'],
      ]);
      // "Enron VPs and MDs 1" and "… 2" differ in their number: two lists, not one person.
      expect(groupOf('enron.1@enron.com')).toBeUndefined();
      expect(groups.every((g) => g.contacts.every((c) => c.interactionCount > 0))).toBe(true);
    });
  });

  it('gives the same contact list on the embedded database and on a PostgreSQL server', () => {
    const strip = (cs: ContactSummary[] | undefined) =>
      (cs ?? [])
        .map(({ id: _id, ...rest }) => rest)
        .sort((a, b) => `${a.addresses.join()}|${a.name}`.localeCompare(`${b.addresses.join()}|${b.name}`));
    expect(results.size).toBe(2);
    expect(strip(results.get('postgres'))).toEqual(strip(results.get('pglite')));
  });

  it('reads every MIME and calendar sample without crashing, and reports each failure', async () => {
    const store = await openTestStore('pglite');
    try {
      const summary = await runImport(
        { db: store.db, redis, config: testConfig() },
        [path.join(SHARED_DATA, 'eml'), path.join(SHARED_DATA, 'ics')],
        [],
      );
      expect(summary.done).toBe(summary.found);
      // 229 messages: all but the ~30 header-less MIME fragments and one empty file are stored
      // (some samples share a Message-ID, so they count as duplicates).
      expect(summary.stored + summary.duplicates).toBeGreaterThan(190);
      expect(summary.failures).toHaveLength(summary.failed);
      for (const failure of summary.failures) {
        expect(failure.path.startsWith(SHARED_DATA)).toBe(true);
        expect(failure.reason.length).toBeGreaterThan(0);
      }
      expect((await listMeetings(store.db)).length).toBeGreaterThan(300);
    } finally {
      await store.dispose();
    }
  });
});
