/**
 * Several workers write batches at once (accounts of one user share correspondents). Each
 * batch is one transaction, and two that meet the same contacts in different orders must
 * not deadlock: the store takes its row locks in one order, and one that waits on rows
 * another creates still finds them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContactObservation, MessageRecord } from '../../src/core/types.ts';
import { countNames, upsertContacts } from '../../src/store/contact-repository.ts';
import { upsertInteractions } from '../../src/store/interaction-repository.ts';
import { recordMessageBatch } from '../../src/store/message-batch.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

const PEOPLE: ContactObservation[] = Array.from({ length: 1500 }, (_, i) => ({
  address: `person${i}@firm${i % 7}.example`,
  name: `Person ${i}`,
  company: { domain: `firm${i % 7}.example`, name: `Firm ${i % 7}` },
}));

/** A new order of the same people (Fisher–Yates, seeded so a failure can be replayed). */
function shuffle<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('concurrent batches over the same contacts (PostgreSQL server)', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore('postgres');
  });
  afterAll(async () => {
    await store.dispose();
  });

  /** One batch: the contacts, one use of each name and one interaction each, in the given order. */
  const batch = (people: readonly ContactObservation[], source: string) =>
    store.db.transaction(async (tx) => {
      const ids = await upsertContacts(tx, people);
      await countNames(tx, people.map((p) => ({ contactId: ids.get(p.address)!, name: p.name! })));
      await upsertInteractions(
        tx,
        people.map((p) => ({
          contactId: ids.get(p.address)!, kind: 'email_received' as const, occurredAt: new Date('2026-01-01T00:00:00Z'),
          messageId: null, meetingId: null, summary: source, sourceKey: `shared:${p.address}`,
        })),
      );
    });

  it('never deadlock, and count every name once per batch', async () => {
    await batch(PEOPLE, 'first'); // the contacts exist; now batches only update their rows
    const rounds = 4;
    for (let round = 0; round < rounds; round++) {
      // Batches of different sizes over overlapping people, in different orders.
      const forward = PEOPLE.slice(0, 1200);
      const backward = [...PEOPLE].reverse().slice(0, 700);
      const shuffled = shuffle(PEOPLE, round + 1).slice(0, 150);
      await Promise.all([batch(forward, `f${round}`), batch(backward, `b${round}`), batch(shuffled, `s${round}`)]);
    }
    const [names] = await store.db.query<{ n: number; total: number }>('select count(*)::int as n, sum(seen_count)::int as total from contact_name');
    expect(names).toEqual({ n: PEOPLE.length, total: PEOPLE.length + (1200 + 700 + 150) * rounds });
    const [interactions] = await store.db.query<{ n: number }>('select count(*)::int as n from interaction');
    expect(interactions!.n).toBe(PEOPLE.length);
  });

  it('gives a contact the company another batch created while this one waited on it', async () => {
    const at = (address: string): ContactObservation => ({
      address, name: null, company: { domain: 'late-firm.example', name: 'Late Firm' },
    });
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstWrote!: () => void;
    const firstHasWritten = new Promise<void>((resolve) => (firstWrote = resolve));
    const first = store.db.transaction(async (tx) => {
      await upsertContacts(tx, [at('ann@late-firm.example')]);
      firstWrote();
      await firstMayCommit; // holds the new company row uncommitted
    });
    await firstHasWritten;
    // The second batch's insert of the same company waits for the first to commit.
    const second = store.db.transaction((tx) => upsertContacts(tx, [at('bob@late-firm.example')]));
    await new Promise((resolve) => setTimeout(resolve, 200));
    releaseFirst();
    await Promise.all([first, second]);
    const rows = await store.db.query<{ address: string; domain: string | null }>(
      `select e.address, co.domain from contact_email e join contact c on c.id = e.contact_id
       left join company co on co.id = c.company_id where e.address like '%@late-firm.example' order by e.address`,
    );
    expect(rows).toEqual([
      { address: 'ann@late-firm.example', domain: 'late-firm.example' },
      { address: 'bob@late-firm.example', domain: 'late-firm.example' },
    ]);
  });

  it('stores a message two batches bring at once one time, in one thread', async () => {
    const record: MessageRecord = {
      messageKey: '<both@acme.example>', messageId: '<both@acme.example>', inReplyTo: [], references: [],
      sentAt: new Date('2026-03-02T14:15:00Z'), subject: 'Coffee next week?', normalizedSubject: 'coffee next week?',
      direction: 'received', fromAddress: 'jane.doe@acme.example', participants: ['jane.doe@acme.example'],
      counterparts: ['jane.doe@acme.example'], excerpt: 'Hi Alex', isBulk: false, source: 'test',
      contacts: [{ address: 'jane.doe@acme.example', name: 'Jane Doe', company: null }],
      detection: { labels: [], scores: {} as MessageRecord['detection']['scores'], signals: [] }, referrals: [],
    };
    const options = { accountId: null, subjectWindowDays: 60 };
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstWrote!: () => void;
    const firstHasWritten = new Promise<void>((resolve) => (firstWrote = resolve));
    const first = store.db.transaction(async (tx) => {
      const outcome = await recordMessageBatch(tx, [record], options);
      firstWrote();
      await firstMayCommit;
      return outcome;
    });
    await firstHasWritten;
    // The second batch does not see the first's message yet; its insert waits for the commit.
    const second = store.db.transaction((tx) => recordMessageBatch(tx, [record], options));
    await new Promise((resolve) => setTimeout(resolve, 200));
    releaseFirst();
    const [a, b] = await Promise.all([first, second]);
    const stored = a.get(record.messageKey)!;
    expect(stored.isNew).toBe(true);
    expect(b.get(record.messageKey)).toEqual({ rowId: stored.rowId, isNew: false });
    const [counts] = await store.db.query<{ messages: number; threads: number; interactions: number }>(
      `select (select count(*)::int from message where message_key = $1) as messages,
         (select count(*)::int from thread where normalized_subject = $2) as threads,
         (select count(*)::int from interaction where source_key = $3) as interactions`,
      [record.messageKey, record.normalizedSubject, `message:${record.messageKey}`],
    );
    expect(counts).toEqual({ messages: 1, threads: 1, interactions: 1 });
  });
});
