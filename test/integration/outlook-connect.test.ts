import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load-config.ts';
import { beginOutlookConnect } from '../../src/http/outlook-connect.ts';
import { buildHttpServer } from '../../src/http/server.ts';
import { findAccount, setPushChannel } from '../../src/store/account-repository.ts';
import { allHeldProviderIds } from '../../src/store/provider-message-repository.ts';
import { openSecretBox } from '../../src/store/secret-box.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';
import { runAccountSync, startSyncService, type SyncService } from '../../src/workers/sync-runner.ts';
import { startGraphEmulator, type GraphEmulator } from '../emulators/graph/index.ts';
import { rawMessage } from '../helpers/google.ts';
import { outlookTestConfig } from '../helpers/outlook.ts';
import { TEST_REDIS_URL } from '../helpers/test-config.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { freePort, until } from '../helpers/wait.ts';

const USER = 'sam.lee@contoso.example';
const NOW = new Date('2026-06-01T12:00:00Z');

describe('connecting an Outlook account, and its change notifications', () => {
  let emulator: GraphEmulator;
  let redis: Redis;
  let store: TestStore;
  let config: Config;
  let service: SyncService;
  let http: FastifyInstance;
  let base: string;
  let accountId: number;
  const now = NOW;

  const expectedIds = () => emulator.messages(USER).filter((m) => ['inbox', 'sentitems'].includes(m.folder) && !m.isDraft).map((m) => m.immutableId).sort();
  const held = () => allHeldProviderIds(store.db, accountId);
  const insert = (n: string) =>
    emulator.insertMessage(
      USER,
      rawMessage({ from: `Ana Ruiz <ana@fabrikam.example>`, to: USER, subject: `Chat ${n}`, date: new Date('2026-05-30T10:00:00Z'), messageId: `${n}@fabrikam.example` }),
      { folder: 'inbox', receivedDateTime: new Date('2026-05-30T10:00:00Z') },
    );

  beforeAll(async () => {
    emulator = await startGraphEmulator({ now: NOW });
    emulator.addUser(USER);
    emulator.setConsentUser(USER);
    insert('first');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    redis = await connectRedis(TEST_REDIS_URL);
    store = await openTestStore('pglite');
    config = outlookTestConfig(emulator, { RAPPORT_HTTP_PORT: String(port), RAPPORT_PUBLIC_URL: base, RAPPORT_ME: USER });
    const secrets = openSecretBox(config.dataDir, {});
    service = startSyncService({ config, db: store.db, redis, secrets, callPolicy: { baseDelayMs: 5, maxDelayMs: 50 }, now: () => now });
    http = buildHttpServer({ config, db: store.db, redis, secrets, syncQueue: service.queue });
    await http.listen({ host: '127.0.0.1', port });
  });
  afterAll(async () => {
    await http.close();
    await service.close();
    redis.disconnect();
    await store.dispose();
    await emulator.close();
  });

  it('the consent page sends the browser back, the token cache is stored sealed, the log fills, a subscription opens', async () => {
    const { url } = await beginOutlookConnect(config, redis);
    expect(url).toContain('code_challenge_method=S256');
    for (const scope of ['Mail.ReadWrite', 'Mail.Send', 'Calendars.Read', 'User.Read', 'offline_access']) expect(url).toContain(scope);
    // The browser: the emulator's consent page (https on its host in MSAL's eyes) redirects to rapport's callback.
    const consent = await fetch(url.replace(/^https:/, 'http:'), { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const callback = await fetch(consent.headers.get('location')!);
    expect(await callback.text()).toContain(`${USER} is connected`);
    expect(callback.status).toBe(200);

    const account = await findAccount(store.db, USER);
    expect(account).toMatchObject({ provider: 'outlook', syncStatus: 'active' });
    accountId = account!.id;
    // Sealed: no token (JWT or refresh token) readable in the stored bytes.
    expect(account!.tokensSealed!.toString('latin1')).not.toMatch(/eyJ|secret|RefreshToken/);
    await until(async () => (await held()).length === 1);
    await until(async () => (await findAccount(store.db, accountId))?.pushChannel !== null);
    const subscription = (await findAccount(store.db, accountId))!.pushChannel!;
    expect(subscription.token).toMatch(new RegExp(`^acct=${accountId};`));
  });

  it('a change notification starts a sync; duplicated ones store nothing twice', async () => {
    insert('second');
    await until(async () => (await held()).join() === expectedIds().join());
    insert('third');
    await emulator.notifyNow(USER, { duplicate: 4 });
    await until(async () => (await held()).join() === expectedIds().join());
    expect(await held()).toHaveLength(3);
    const [row] = await store.db.query<{ n: number }>('select count(*)::int as n from message');
    expect(row!.n).toBe(3);
  });

  it('answers the validation handshake and refuses a notification with the wrong clientState', async () => {
    const echo = await fetch(`${base}/webhooks/outlook?validationToken=${encodeURIComponent('Validation: token 1')}`, { method: 'POST', headers: { 'content-type': 'text/plain' } });
    expect(echo.status).toBe(200);
    expect(echo.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await echo.text()).toBe('Validation: token 1');

    const subscription = (await findAccount(store.db, accountId))!.pushChannel!;
    const forged = await fetch(`${base}/webhooks/outlook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: [{ subscriptionId: subscription.id, clientState: `acct=${accountId};forged`, changeType: 'created' }] }),
    });
    expect(forged.status).toBe(403);
    const counts = await service.queue.getJobCounts('waiting', 'active', 'delayed');
    await emulator.notifyNow(USER, { clientState: `acct=${accountId};forged` });
    expect(await service.queue.getJobCounts('waiting', 'active', 'delayed')).toEqual(counts);
  });

  it('re-creates the subscription after subscriptionRemoved, and renews it before it lapses', async () => {
    const old = (await findAccount(store.db, accountId))!.pushChannel!;
    await emulator.fireLifecycle(USER, 'subscriptionRemoved');
    await until(async () => {
      const current = (await findAccount(store.db, accountId))!.pushChannel;
      return current !== null && current.id !== old.id;
    });
    insert('fourth');
    await until(async () => (await held()).join() === expectedIds().join());

    const current = (await findAccount(store.db, accountId))!.pushChannel!;
    await setPushChannel(store.db, accountId, { ...current, expiresAt: new Date(now.getTime() + 60_000).toISOString() });
    const before = emulator.requestLog.length;
    await runAccountSync(service, accountId);
    expect(emulator.requestLog.slice(before).some((r) => r.method === 'PATCH' && r.path.includes('/subscriptions/'))).toBe(true);
    const renewed = (await findAccount(store.db, accountId))!.pushChannel!;
    expect(renewed.id).toBe(current.id);
    expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(now.getTime() + 86_400_000);
  });
});
