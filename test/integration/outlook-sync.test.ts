import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load-config.ts';
import type { MailSink } from '../../src/integrations/google/gmail-mail-sync.ts';
import { syncOutlookMail } from '../../src/integrations/outlook/outlook-mail-sync.ts';
import { findAccount, saveMailCursor } from '../../src/store/account-repository.ts';
import { openOutlookAccountSession } from '../../src/workers/account-session.ts';
import { mailSinkFor } from '../../src/workers/account-sinks.ts';
import { listContacts } from '../../src/store/contact-queries.ts';
import { allHeldProviderIds } from '../../src/store/provider-message-repository.ts';
import type { SecretBox } from '../../src/store/secret-box.ts';
import { runImport } from '../../src/workers/import-runner.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';
import { runAccountSync, startSyncService, type SyncService } from '../../src/workers/sync-runner.ts';
import { startGoogleEmulator } from '../emulators/google/index.ts';
import { startGraphEmulator, type GraphEmulator } from '../emulators/graph/index.ts';
import { connectSeededAccount, fixtureFolder, googleTestConfig, rawMessage } from '../helpers/google.ts';
import { connectSeededOutlookAccount, outlookTestConfig } from '../helpers/outlook.ts';
import { TEST_REDIS_URL } from '../helpers/test-config.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

const USER = 'alex.student@university.example';
const ME = [USER, 'alex@gmail.com'];
const FIXTURES = path.resolve('test/fixtures/export');
const SEED_PARTS = ['maildir', 'takeout.mbox', 'calendar'].map((p) => path.join(FIXTURES, p));
// The fixtures are from March 2026: windows are measured from a fixed day after it.
const NOW = new Date('2026-06-01T12:00:00Z');
const FAST_RETRIES = { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 8 };
const SYNCED_FOLDERS = new Set(['inbox', 'sentitems']);

/** What the account should hold: every non-draft message of Inbox and Sent Items, by immutable id. */
function expectedIds(emulator: GraphEmulator): string[] {
  return emulator
    .messages(USER)
    .filter((m) => SYNCED_FOLDERS.has(m.folder) && !m.isDraft)
    .map((m) => m.immutableId)
    .sort();
}

/** Contacts as `rapport contacts --json` lists them, less the internal ids (they follow arrival order). */
async function contactsWithoutIds(store: TestStore) {
  return (await listContacts(store.db)).map(({ id: _id, ...rest }) => rest).sort((a, b) => a.addresses[0]!.localeCompare(b.addresses[0]!));
}

async function messageRowCount(store: TestStore): Promise<number> {
  const [row] = await store.db.query<{ n: number }>('select count(*)::int as n from message');
  return row!.n;
}

/** Distinct messages (by Message-ID) in the synced folders. */
function distinctMessages(emulator: GraphEmulator): number {
  const held = new Set(expectedIds(emulator));
  return new Set(emulator.messages(USER).filter((m) => held.has(m.immutableId)).map((m) => m.internetMessageId ?? m.immutableId)).size;
}

describe('syncing an Outlook account through the Graph emulator', () => {
  let emulator: GraphEmulator;
  let redis: Redis;
  let store: TestStore;
  let config: Config;
  let service: SyncService;
  let accountId: number;
  let secrets: SecretBox;

  beforeAll(async () => {
    emulator = await startGraphEmulator({ now: NOW, maxPageSize: 5 });
    emulator.addUser(USER);
    await emulator.seedFromFolder(USER, fixtureFolder(SEED_PARTS));
    redis = await connectRedis(TEST_REDIS_URL);
    store = await openTestStore('pglite');
    config = outlookTestConfig(emulator, { RAPPORT_ME: ME.join(',') });
    const connected = await connectSeededOutlookAccount(store.db, config, emulator, USER);
    accountId = connected.accountId;
    secrets = connected.secrets;
    service = startSyncService({ config, db: store.db, redis, secrets, callPolicy: FAST_RETRIES, now: () => NOW });
  });
  afterEach(() => emulator.clearFaults());
  afterAll(async () => {
    await service.close();
    redis.disconnect();
    await store.dispose();
    await emulator.close();
  });

  it('the first sync fills the log exactly as importing the same folder, or syncing it from Gmail, does', async () => {
    const outcome = await runAccountSync(service, accountId);
    expect(outcome.mail).toMatchObject({ status: 'synced', mode: 'full' });
    expect(outcome.calendar).toMatchObject({ status: 'synced', mode: 'full' });
    expect(await allHeldProviderIds(store.db, accountId)).toEqual(expectedIds(emulator));
    expect(await messageRowCount(store)).toBe(distinctMessages(emulator));
    expect(emulator.maxConcurrentSeen(USER)).toBeLessThanOrEqual(4);
    const account = await findAccount(store.db, accountId);
    expect(account).toMatchObject({ syncStatus: 'active', messageCount: expectedIds(emulator).length });
    expect(JSON.parse(account!.mailCursor!).deltaLinks).toHaveProperty('inbox');

    // One log whatever the source: a file import and a Gmail sync of the same folder.
    const imported = await openTestStore('pglite');
    const google = await startGoogleEmulator();
    const viaGmail = await openTestStore('pglite');
    try {
      await runImport({ db: imported.db, redis, config }, [fixtureFolder(SEED_PARTS)], ME);
      expect(await contactsWithoutIds(store)).toEqual(await contactsWithoutIds(imported));

      google.addUser(USER);
      await google.seedFromFolder(USER, fixtureFolder(SEED_PARTS));
      const gmailConfig = googleTestConfig(google);
      const gmail = await connectSeededAccount(viaGmail.db, gmailConfig, google, USER);
      const gmailService = startSyncService({ config: gmailConfig, db: viaGmail.db, redis, secrets: gmail.secrets, callPolicy: FAST_RETRIES, now: () => NOW });
      try {
        await runAccountSync(gmailService, gmail.accountId);
      } finally {
        await gmailService.close();
      }
      expect(await contactsWithoutIds(store)).toEqual(await contactsWithoutIds(viaGmail));
    } finally {
      await imported.dispose();
      await viaGmail.dispose();
      await google.close();
    }
  });

  it('a later sync applies new, deleted and moved mail by delta, and stores nothing twice', async () => {
    emulator.insertMessage(
      USER,
      rawMessage({ from: 'Jane Doe <jane.doe@acme.example>', to: USER, subject: 'Re: Platform team', date: new Date('2026-05-20T10:00:00Z'), messageId: 'later-1@acme.example' }),
      { folder: 'inbox', receivedDateTime: new Date('2026-05-20T10:00:00Z') },
    );
    const inbox = emulator.messages(USER).filter((m) => m.folder === 'inbox' && m.internetMessageId !== '<later-1@acme.example>');
    emulator.deleteMessage(USER, inbox[0]!.id);
    emulator.moveMessage(USER, inbox[1]!.id, 'deleteditems');

    const outcome = await runAccountSync(service, accountId);
    expect(outcome.mail).toMatchObject({ status: 'synced', mode: 'partial', stored: 1, removed: 2 });
    expect(await allHeldProviderIds(store.db, accountId)).toEqual(expectedIds(emulator));
    expect(await messageRowCount(store)).toBe(distinctMessages(emulator));

    const again = await runAccountSync(service, accountId);
    expect(again.mail).toMatchObject({ mode: 'partial', stored: 0, removed: 0 });
  });

  it('an expired delta token leads to a full resync that neither loses nor duplicates', async () => {
    emulator.insertMessage(
      USER,
      rawMessage({ from: 'Sam Rivera <sam.rivera@acme.example>', to: USER, subject: 'Coffee next week?', date: new Date('2026-05-25T09:00:00Z'), messageId: 'later-2@acme.example' }),
      { folder: 'inbox', receivedDateTime: new Date('2026-05-25T09:00:00Z') },
    );
    const gone = emulator.messages(USER).find((m) => m.folder === 'sentitems')!;
    emulator.deleteMessage(USER, gone.id);
    emulator.expireDeltaTokens(USER);
    const outcome = await runAccountSync(service, accountId);
    expect(outcome.mail).toMatchObject({ status: 'synced', mode: 'full', stored: 1, removed: 1 });
    expect(await allHeldProviderIds(store.db, accountId)).toEqual(expectedIds(emulator));
    expect(await messageRowCount(store)).toBe(distinctMessages(emulator));
  });

  it('a delta token that expires in the middle of a round costs a full resync, nothing lost or doubled', async () => {
    const account = (await findAccount(store.db, accountId))!;
    const before = emulator.requestLog.length;
    let struck = false;
    const sink = mailSinkFor(service.deps, account);
    const strikingSink: MailSink = {
      ...sink,
      async progress(update) {
        await sink.progress(update);
        if (struck || update.phase !== 'history') return;
        struck = true;
        // After the first page of the first folder: the next link is refused, and this message is new.
        emulator.insertMessage(
          USER,
          rawMessage({ from: 'Sam Rivera <sam.rivera@acme.example>', to: USER, subject: 'One more thing', date: new Date('2026-05-26T09:00:00Z'), messageId: 'midsync-1@acme.example' }),
          { folder: 'inbox', receivedDateTime: new Date('2026-05-26T09:00:00Z') },
        );
        emulator.expireDeltaTokens(USER);
      },
    };
    // Enough changes that the delta round has several pages.
    for (let i = 0; i < 12; i++) {
      emulator.insertMessage(
        USER,
        rawMessage({ from: `Kai ${i} <kai${i}@studio.example>`, to: USER, subject: `Portfolio ${i}`, date: new Date(`2026-05-1${i % 10}T07:00:00Z`), messageId: `round-${i}@studio.example` }),
        { folder: 'inbox', receivedDateTime: new Date(`2026-05-1${i % 10}T07:00:00Z`) },
      );
    }
    const windowStart = new Date('2025-06-01T12:00:00Z');
    const result = await syncOutlookMail(
      openOutlookAccountSession(service.deps, account),
      account.mailCursor,
      { windowStart, folders: [], concurrency: 4, pageSize: 5 },
      strikingSink,
    );
    await saveMailCursor(store.db, accountId, result.cursor);
    expect(struck).toBe(true);
    expect(emulator.requestLog.slice(before).some((r) => r.status === 410)).toBe(true);
    expect(result).toMatchObject({ mode: 'full', fullReason: 'delta_expired' });
    expect(await allHeldProviderIds(store.db, accountId)).toEqual(expectedIds(emulator));
    expect(await messageRowCount(store)).toBe(distinctMessages(emulator));
  });

  it('ends with the mailbox under injected 429 (with Retry-After) and 503, never over 4 in flight', async () => {
    for (let i = 0; i < 6; i++) {
      emulator.insertMessage(
        USER,
        rawMessage({ from: `Person ${i} <person${i}@firm${i}.example>`, to: USER, subject: `Question ${i}`, date: new Date(`2026-05-2${i}T08:00:00Z`), messageId: `fault-${i}@firm.example` }),
        { folder: 'inbox', receivedDateTime: new Date(`2026-05-2${i}T08:00:00Z`) },
      );
    }
    emulator.expireDeltaTokens(USER); // a full sync: many calls
    const before = emulator.requestLog.length;
    emulator.addFault({ kind: '429', rate: 0.08, seed: 1, retryAfterSeconds: 0 });
    emulator.addFault({ kind: '503', rate: 0.06, seed: 3 });
    const outcome = await runAccountSync(service, accountId);
    expect(outcome.mail).toMatchObject({ status: 'synced' });
    expect(await allHeldProviderIds(store.db, accountId)).toEqual(expectedIds(emulator));
    expect(await messageRowCount(store)).toBe(distinctMessages(emulator));
    const log = emulator.requestLog.slice(before);
    expect(log.filter((r) => r.status === 429 || r.status === 503).length).toBeGreaterThan(0);
    expect(Math.max(...log.map((r) => r.concurrent))).toBeLessThanOrEqual(4);
    expect(emulator.maxConcurrentSeen(USER)).toBeLessThanOrEqual(4);
  });

  it('calendar: a new meeting, a series as occurrences, a cancellation, and a full resync after 410', async () => {
    const meetingsOf = async () =>
      store.db.query<{ summary: string; status: string; start_at: Date }>(
        `select m.summary, m.status, m.start_at from meeting m join provider_event p on p.meeting_id = m.id
         where p.account_id = $1 and m.summary in ('Coffee with Sam', 'Mentoring call') order by m.start_at, m.summary`,
        [accountId],
      );
    const coffee = emulator.insertEvent(USER, {
      subject: 'Coffee with Sam',
      start: { dateTime: '2026-05-12T15:00:00', timeZone: 'UTC' },
      end: { dateTime: '2026-05-12T15:30:00', timeZone: 'UTC' },
      organizer: { address: USER },
      attendees: [{ address: 'sam.rivera@acme.example', name: 'Sam Rivera', response: 'accepted' }],
    });
    emulator.insertEvent(USER, {
      subject: 'Mentoring call',
      start: { dateTime: '2026-05-04T10:00:00', timeZone: 'America/Chicago' },
      end: { dateTime: '2026-05-04T10:30:00', timeZone: 'America/Chicago' },
      organizer: { address: 'jane.doe@acme.example', name: 'Jane Doe' },
      attendees: [{ address: USER, response: 'accepted' }],
      recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] }, range: { type: 'numbered', startDate: '2026-05-04', numberOfOccurrences: 3 } },
    });
    const first = await runAccountSync(service, accountId);
    expect(first.calendar).toMatchObject({ status: 'synced', mode: 'partial' });
    expect((await meetingsOf()).map((m) => [m.summary, m.status, m.start_at.toISOString()])).toEqual([
      ['Mentoring call', 'confirmed', '2026-05-04T15:00:00.000Z'],
      ['Coffee with Sam', 'confirmed', '2026-05-12T15:00:00.000Z'],
      ['Mentoring call', 'confirmed', '2026-05-11T15:00:00.000Z'],
      ['Mentoring call', 'confirmed', '2026-05-18T15:00:00.000Z'],
    ].sort((a, b) => a[2]!.localeCompare(b[2]!) || a[0]!.localeCompare(b[0]!)));

    emulator.cancelEvent(USER, coffee.id);
    const second = await runAccountSync(service, accountId);
    expect(second.calendar).toMatchObject({ status: 'synced', mode: 'partial', removed: 1 });
    expect((await meetingsOf()).find((m) => m.summary === 'Coffee with Sam')?.status).toBe('cancelled');

    emulator.expireDeltaTokens(USER);
    const third = await runAccountSync(service, accountId);
    expect(third.calendar).toMatchObject({ status: 'synced', mode: 'full' });
    expect((await meetingsOf()).filter((m) => m.status === 'confirmed')).toHaveLength(3);
  });

  it('invalid_grant marks the account needs_reauth and stops syncing it', async () => {
    emulator.revokeTokens(USER);
    const outcome = await runAccountSync(service, accountId);
    expect(outcome.mail).toBeInstanceOf(Error);
    expect((outcome.mail as Error).message).toMatch(/rapport accounts connect outlook/);
    expect(await findAccount(store.db, accountId)).toMatchObject({ syncStatus: 'needs_reauth' });
  });
});
