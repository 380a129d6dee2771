/**
 * Contacts that may be one person, on both engines: the same full name, or addresses that
 * differ only in punctuation, are suggested together; a first name alone or names that
 * differ in a number are not; a pair the user calls two people is not suggested again;
 * after a merge the group is gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAccount } from '../../src/store/account-repository.ts';
import { mergeContacts } from '../../src/store/contact-merge.ts';
import { findContact } from '../../src/store/contact-queries.ts';
import { duplicatesOf, listDuplicateGroups, markDistinct } from '../../src/store/possible-duplicates.ts';
import { rawMessage } from '../helpers/google.ts';
import { testConfig } from '../helpers/test-config.ts';
import { ENGINES, openTestStore, type TestStore } from '../helpers/test-store.ts';
import { ingestMail } from './approval-harness.ts';

const USER = 'alex@university.example';
const at = (day: number) => new Date(Date.UTC(2026, 0, day, 9, 0));

/** One message from each sender, in order; the first of a pair writes more often. */
const SENDERS = [
  'Dana Lee <dana.lee@oldco.example>', 'Dana Lee <dana.lee@oldco.example>', 'dana lee <dana.lee@gmail.com>',
  'Christie Patrick <christie.patrick@firm.example>', 'christie Patrick <christie_patrick@firm.example>',
  'Pierre-Philippe Ste-Marie <pp@school.example>', 'Pierre Philippe  Ste Marie <stemarie@lab.example>',
  'Sam <sam@one.example>', 'Sam <sam@two.example>',
  'Board Members 1 <board.1@corp.example>', 'Board Members 2 <board.2@corp.example>',
  'Omar Haddad <omar@newco.example>',
];

describe.each(ENGINES)('contacts that may be one person (%s)', (engine) => {
  let store: TestStore;
  const config = testConfig({ RAPPORT_ME: USER });
  const id = async (address: string) => (await findContact(store.db, address)).id;
  const addressesOfGroups = async () =>
    (await listDuplicateGroups(store.db)).map((g) => ({ addresses: g.contacts.map((c) => c.addresses.join()), reasons: g.reasons }));

  beforeAll(async () => {
    store = await openTestStore(engine);
    const accountId = await ensureAccount(store.db, 'mailbox', USER);
    await ingestMail(store.db, config, accountId, SENDERS.map((from, i) => ({
      name: `m${i}.eml`, format: 'raw' as const,
      raw: rawMessage({ from, to: USER, subject: `Hello ${i}`, date: at(i + 1), messageId: `m${i}@test.example` }),
    })));
  });
  afterAll(async () => {
    await store?.dispose();
  });

  it('groups the same full name and addresses that differ in punctuation, the most active contact first', async () => {
    expect(await addressesOfGroups()).toEqual([
      { addresses: ['dana.lee@oldco.example', 'dana.lee@gmail.com'], reasons: ['same name'] },
      { addresses: ['christie.patrick@firm.example', 'christie_patrick@firm.example'], reasons: ['same address', 'same name'] },
      { addresses: ['pp@school.example', 'stemarie@lab.example'], reasons: ['same name'] },
    ]);
  });

  it("lists a contact's possible duplicates, with why, and none for someone unlike anybody", async () => {
    const found = await duplicatesOf(store.db, await id('dana.lee@gmail.com'));
    expect(found.map((d) => ({ address: d.contact.addresses[0], reasons: d.reasons, count: d.contact.interactionCount })))
      .toEqual([{ address: 'dana.lee@oldco.example', reasons: ['same name'], count: 2 }]);
    const christie = await duplicatesOf(store.db, await id('christie.patrick@firm.example'));
    expect(christie.map((d) => [d.contact.addresses[0], d.reasons])).toEqual([['christie_patrick@firm.example', ['same address', 'same name']]]);
    expect(await duplicatesOf(store.db, await id('omar@newco.example'))).toEqual([]);
    expect(await duplicatesOf(store.db, await id('sam@one.example'))).toEqual([]);
  });

  it('does not suggest again a pair the user called two people; saying so twice changes nothing', async () => {
    const pp = await id('pp@school.example');
    const stemarie = await id('stemarie@lab.example');
    await markDistinct(store.db, stemarie, pp);
    await markDistinct(store.db, pp, stemarie);
    expect(await duplicatesOf(store.db, pp)).toEqual([]);
    expect((await addressesOfGroups()).map((g) => g.addresses[0])).toEqual(['dana.lee@oldco.example', 'christie.patrick@firm.example']);
    const [row] = await store.db.query<{ n: number }>('select count(*)::int as n from contact_distinct');
    expect(row!.n).toBe(1);
  });

  it('after a merge the two are one contact and no longer a suggestion', async () => {
    await mergeContacts(store.db, await id('christie.patrick@firm.example'), await id('christie_patrick@firm.example'));
    expect((await addressesOfGroups()).map((g) => g.addresses[0])).toEqual(['dana.lee@oldco.example']);
    expect(await duplicatesOf(store.db, await id('christie.patrick@firm.example'))).toEqual([]);
  });
});
