import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load-config.ts';
import { findAccount } from '../../src/store/account-repository.ts';
import type { SecretBox } from '../../src/store/secret-box.ts';
import { listContacts } from '../../src/store/contact-queries.ts';
import { allHeldProviderIds } from '../../src/store/provider-message-repository.ts';
import { runImport } from '../../src/workers/import-runner.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';
import { runAccountSync, schedulePolling, startSyncService, type SyncService } from '../../src/workers/sync-runner.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google/index.ts';
import { connectSeededAccount, fixtureFolder, googleTestConfig, rawMessage } from '../helpers/google.ts';
import { TEST_REDIS_URL } from '../helpers/test-config.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

const USER = 'alex.student@university.example';
const ME = [USER, 'alex@gmail.com'];
const FIXTURES = path.resolve('test/fixtures/export');
const SEED_PARTS = ['maildir', 'takeout.mbox', 'calendar'].map((p) => path.join(FIXTURES, p));
// The fixtures are from March 2026: windows are measured from a fixed day after it.
const NOW = new Date('2026-06-01T12:00:00Z');
const FAST_RETRIES = { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 8 };
const EXCLUDED = ['DRAFT', 'SPAM', 'TRASH', 'CATEGORY_PROMOTIONS', 'CATEGORY_SOCIAL', 'CATEGORY_UPDATES', 'CATEGORY_FORUMS'];

/** What the account should hold: every message of the mailbox rapport syncs, by Gmail id. */
function expectedIds(emulator: GoogleEmulator): string[] {
  return emulator
    .messages(USER)
    .filter((m) => !m.labelIds.some((l) => EXCLUDED.includes(l)))
    .map((m) => m.id)
    .sort();
}

/** Contacts as `rapport contacts --json` lists them, less the internal ids (they follow arrival order). */
async function contactsWithoutIds(store: TestStore) {
  return (await listContacts(store.db)).map(({ id: _id, ...rest }) => rest).sort((a, b) => a.addresses[0]!.localeCompare(b.addresses[0]!));
}

/** How many distinct messages (by Message-ID) the synced part of the mailbox holds. */
function distinctMessages(emulator: GoogleEmulator): number {
  const held = new Set(expectedIds(emulator));
  const ids = emulator
    .messages(USER)
    .filter((m) => held.has(m.id))
    .map((m) => /^Message-ID:\s*<([^>]+)>/im.exec(m.raw.toString('latin1'))?.[1] ?? m.id);
  return new Set(ids).size;
}

async function messageRowCount(store: TestStore): Promise<number> {
  const [row] = await store.db.query<{ n: number }>('select count(*)::int as n from message');
  return row!.n;
}

describe('syncing a Gmail account through the emulator', () => {
  let emulator: GoogleEmulator;
  let redis: Redis;
  let store: TestStore;
  let config: Config;
  let service: SyncService;
  let accountId: number;
  let secrets: SecretBox;
  const startService = (cfg: Config) =>
    startSyncService({ config: cfg, db: store.db, redis, secrets, callPolicy: FAST_RETRIES, now: () => NOW });

  beforeAll(async () => {
    emulator = await startGoogleEmulator();
    emulator.addUser(USER);
    await emulator.seedFromFolder(USER, fixtureFolder(SEED_PARTS));
    redis = await connectRedis(TEST_REDIS_URL);
    store = await openTestStore('pglite');
    config = googleTestConfig(emulator);
    const connected = await connectSeededAccount(store.db, config, emulator, USER);
    accountId = connected.accountId;
    secrets = connected.secrets;
    service = startService(config);
  });
  afterEach(() => emulator.clearFaults());
  afterAll(async () => {
    await service.close();
    redis.disconnect();
    await store.dispose();
    await emulator.close();
  });

  it('the first sync fills the log exactly as importing the same folder does', async () => {
    const progress: number[] = [];
    const outcome = await runAccountSync(service, accountId, (p) => progress.push(p.done));
    expect(outcome.mail).toMatchObject({ status: 'synced', mode: 'full' });
    expect(outcome.calendar).toMatchObject({ status: 'synced', mode: 'full' });
    expect(progress.length).toBeGreaterThan(0);
    expect(await allHeldProviderIds(store.db, accountId)).toEqual(expectedIds(emulator));
    expect(await messageRowCount(store)).toBe(distinctMessages(emulator));

    const imported = await openTestStore('pglite');
    try {
      await runImport({ db: imported.db, redis, config }, [fixtureFolder(SEED_PARTS)], ME);
      expect(await contactsWithoutIds(store)).toEqual(await contactsWithoutIds(imported));
    } finally {
      await imported.dispose();
    }
    const account = await findAccount(store.db, accountId);
    expect(account).toMatchObject({ syncStatus: 'active', messageCount: expectedIds(emulator).length });
    expect(account!.mailCursor).toMatch(/^\d+$/);
    expect(account!.calendarCursor).toBeTruthy();
  });

  it('a later sync applies new, deleted and trashed mail from history, and stores nothing twice', async () => {
    const added = emulator.insertMessage(
      USER,
      rawMessage({ from: 'Jane Doe <jane.doe@acme.example>', to: USER, subject: 'Re: Platform team', date: new Date('2026-05-20T10:00:00Z'), messageId: 'later-1@acme.example' }),
      { labelIds: ['INBOX', 'UNREAD'] },
    );
    const [first, second] = expectedIds(emulator).filter((id) => id !== added.id);
    emulator.deleteMessage(USER, first!);
    emulator.modifyLabels(USER, second!, ['TRASH'], ['INBOX']);

    const outcome = await runAccountSync(service, accountId);
    expect(outcome.mail).toMatchObject({ status: 'synced', mode: 'partial', stored: 1, removed: 2 });
    expect(await allHeldProviderIds(store.db, accountId)).toEqual(expectedIds(emulator));
    expect(await messageRowCount(store)).toBe(distinctMessages(emulator));

    const again = await runAccountSync(service, accountId);
    expect(again.mail).toMatchObject({ mode: 'partial', stored: 0, removed: 0 });
  });

  it('recovers from expired history with a full sync that neither loses nor duplicates', async () => {
    emulator.insertMessage(
      USER,
      rawMessage({ from: 'Sam Rivera <sam.rivera@acme.example>', to: USER, subject: 'Coffee next week?', date: new Date('2026-05-25T09:00:00Z'), messageId: 'later-2@acme.example' }),
      { labelIds: ['INBOX'] },
    );
    emulator.expireHistory(USER);
    const outcome = await runAccountSync(service, accountId);
    expect(outcome.mail).toMatchObject({ status: 'synced', mode: 'full', stored: 1 });
    expect(await allHeldProviderIds(store.db, accountId)).toEqual(expectedIds(emulator));
    expect(await messageRowCount(store)).toBe(distinctMessages(emulator));
  });

  it('history that expires in the middle of a full sync costs another full sync, nothing lost or doubled', async () => {
    emulator.expireHistory(USER);
    let struck = false;
    const outcome = await runAccountSync(service, accountId, (p) => {
      if (struck || p.phase !== 'listing') return;
      struck = true;
      // After the listing: this message is not in it, and the history that would bring it is gone.
      emulator.insertMessage(
        USER,
        rawMessage({ from: 'Sam Rivera <sam.rivera@acme.example>', to: USER, subject: 'One more thing', date: new Date('2026-05-26T09:00:00Z'), messageId: 'midsync-1@acme.example' }),
        { labelIds: ['INBOX'] },
      );
      emulator.expireHistory(USER);
    });
    expect(struck).toBe(true);
    expect(outcome.mail).toMatchObject({ status: 'synced', mode: 'full' });
    expect(await allHeldProviderIds(store.db, accountId)).toEqual(expectedIds(emulator));
    expect(await messageRowCount(store)).toBe(distinctMessages(emulator));
  });

  it('ends with the mailbox under 10% injected 429s and 5xx', async () => {
    for (let i = 0; i < 6; i++) {
      emulator.insertMessage(
        USER,
        rawMessage({ from: `Person ${i} <person${i}@firm${i}.example>`, to: USER, subject: `Question ${i}`, date: new Date(`2026-05-2${i}T08:00:00Z`), messageId: `fault-${i}@firm.example` }),
        { labelIds: ['INBOX'] },
      );
    }
    emulator.expireHistory(USER); // a full sync: many calls
    emulator.addFault({ kind: '429', rate: 0.04, seed: 1 });
    emulator.addFault({ kind: '500', rate: 0.03, seed: 2 });
    emulator.addFault({ kind: '503', rate: 0.03, seed: 3 });
    const outcome = await runAccountSync(service, accountId);
    expect(outcome.mail).toMatchObject({ status: 'synced' });
    expect(await allHeldProviderIds(store.db, accountId)).toEqual(expectedIds(emulator));
    const failures = emulator.requestLog.filter((r) => r.status === 429 || r.status >= 500);
    expect(failures.length).toBeGreaterThan(0);
  });

  it('calendar: a new meeting, a series as occurrences, a cancellation, and a full resync after 410', async () => {
    const meetingsOf = async () =>
      store.db.query<{ summary: string; status: string; start_at: Date }>(
        `select m.summary, m.status, m.start_at from meeting m join provider_event p on p.meeting_id = m.id
         where p.account_id = $1 order by m.start_at, m.summary`,
        [accountId],
      );
    const coffee = emulator.insertEvent(USER, {
      summary: 'Coffee with Sam',
      start: { dateTime: '2026-05-12T15:00:00Z' },
      end: { dateTime: '2026-05-12T15:30:00Z' },
      attendees: [{ email: 'sam.rivera@acme.example', displayName: 'Sam Rivera', responseStatus: 'accepted' }, { email: USER, self: true }],
    });
    emulator.insertEvent(USER, {
      summary: 'Mentoring call',
      start: { dateTime: '2026-05-04T17:00:00Z' },
      end: { dateTime: '2026-05-04T17:30:00Z' },
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'],
      attendees: [{ email: 'jane.doe@acme.example', responseStatus: 'accepted' }],
    });
    const first = await runAccountSync(service, accountId);
    expect(first.calendar).toMatchObject({ status: 'synced', mode: 'partial' });
    const summaries = (await meetingsOf()).filter((m) => m.status !== 'cancelled').map((m) => m.summary);
    expect(summaries.filter((s) => s === 'Mentoring call')).toHaveLength(3);
    expect(summaries).toContain('Coffee with Sam');

    emulator.cancelEvent(USER, coffee.id);
    const second = await runAccountSync(service, accountId);
    expect(second.calendar).toMatchObject({ mode: 'partial', removed: 1 });
    expect((await meetingsOf()).find((m) => m.summary === 'Coffee with Sam')).toMatchObject({ status: 'cancelled' });

    const before = await meetingsOf();
    emulator.expireSyncTokens(USER);
    const third = await runAccountSync(service, accountId);
    expect(third.calendar).toMatchObject({ status: 'synced', mode: 'full' });
    expect(await meetingsOf()).toEqual(before);
  });

  it('renews the Gmail watch when a push topic is set, and not again until it nears its end', async () => {
    // The only worker on the queue for this test: one whose configuration names a topic.
    await service.close();
    const watched = startService({ ...config, google: { ...config.google, pubsubTopic: 'projects/rapport-test/topics/gmail' } });
    try {
      const watchCalls = () => emulator.requestLog.filter((r) => r.method === 'POST' && r.path.endsWith('/watch')).length;
      const before = watchCalls();
      await runAccountSync(watched, accountId);
      expect(watchCalls()).toBe(before + 1);
      const account = await findAccount(store.db, accountId);
      expect(account!.watchExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
      await runAccountSync(watched, accountId);
      expect(watchCalls()).toBe(before + 1);
    } finally {
      await watched.close();
      service = startService(config);
    }
  });

  it('the scheduled poll syncs every connected account by itself', async () => {
    emulator.insertMessage(
      USER,
      rawMessage({ from: 'Jane Doe <jane.doe@acme.example>', to: USER, subject: 'Checking in', date: new Date('2026-05-28T10:00:00Z'), messageId: 'poll-1@acme.example' }),
      { labelIds: ['INBOX'] },
    );
    await schedulePolling(service, 0.005); // every 300 ms
    try {
      const deadline = Date.now() + 15_000;
      while ((await allHeldProviderIds(store.db, accountId)).length < expectedIds(emulator).length) {
        if (Date.now() > deadline) throw new Error('the poll did not sync');
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await service.queue.removeJobScheduler('poll');
    }
    expect(await allHeldProviderIds(store.db, accountId)).toEqual(expectedIds(emulator));
  });

  it('a revoked grant marks the account needs_reauth and stops its syncs', async () => {
    emulator.revokeTokens(USER);
    const outcome = await runAccountSync(service, accountId);
    expect(outcome.mail).toBeInstanceOf(Error);
    const account = await findAccount(store.db, accountId);
    expect(account).toMatchObject({ syncStatus: 'needs_reauth' });
    expect(account!.lastError).toMatch(/rapport accounts connect gmail/);
    const calls = emulator.requestLog.length;
    const next = await runAccountSync(service, accountId);
    expect(next.mail).toMatchObject({ status: 'needs_reauth' });
    expect(emulator.requestLog.length).toBe(calls);
  });
});
