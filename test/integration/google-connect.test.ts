import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load-config.ts';
import { beginGoogleConnect } from '../../src/http/google-connect.ts';
import { buildHttpServer } from '../../src/http/server.ts';
import type { GoogleTokens } from '../../src/integrations/google/google-auth.ts';
import { findAccount } from '../../src/store/account-repository.ts';
import { allHeldProviderIds } from '../../src/store/provider-message-repository.ts';
import { openSecretBox } from '../../src/store/secret-box.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';
import { startSyncService, type SyncService } from '../../src/workers/sync-runner.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google/index.ts';
import { googleTestConfig, rawMessage } from '../helpers/google.ts';
import { TEST_REDIS_URL } from '../helpers/test-config.ts';
import { freePort, until } from '../helpers/wait.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

const USER = 'sam@example.com';



describe('connecting a Gmail account and staying current by push', () => {
  let emulator: GoogleEmulator;
  let redis: Redis;
  let store: TestStore;
  let config: Config;
  let service: SyncService;
  let http: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    emulator = await startGoogleEmulator({ pubsubPushUrl: `http://127.0.0.1:${port}/webhooks/gmail?token=push-secret` });
    emulator.addUser(USER);
    emulator.setConsentUser(USER);
    emulator.insertMessage(
      USER,
      rawMessage({ from: 'Ana Ruiz <ana@firm.example>', to: USER, subject: 'Coffee chat?', date: new Date(), messageId: 'first@firm.example' }),
      { labelIds: ['INBOX'] },
    );
    redis = await connectRedis(TEST_REDIS_URL);
    store = await openTestStore('pglite');
    config = googleTestConfig(emulator, {
      RAPPORT_HTTP_PORT: String(port),
      RAPPORT_PUSH_TOKEN: 'push-secret',
      RAPPORT_ME: USER,
    });
    const secrets = openSecretBox(config.dataDir, {});
    service = startSyncService({ config, db: store.db, redis, secrets, callPolicy: { baseDelayMs: 5, maxDelayMs: 50 } });
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

  it('the consent page sends the browser back, the tokens are stored sealed, and the log fills', async () => {
    const { url } = await beginGoogleConnect(config, redis);
    expect(url).toContain('access_type=offline');
    expect(url).toContain('code_challenge_method=S256');
    // The browser: the consent page redirects to rapport's callback.
    const consent = await fetch(url, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const callback = await fetch(consent.headers.get('location')!);
    expect(callback.status).toBe(200);
    expect(await callback.text()).toContain(`${USER} is connected`);

    const account = await findAccount(store.db, USER);
    expect(account).toMatchObject({ provider: 'gmail', syncStatus: 'active' });
    const sealed = account!.tokensSealed!;
    const tokens = openSecretBox(config.dataDir, {}).open<GoogleTokens>(sealed);
    expect(tokens.refresh_token).toBeTruthy();
    expect(sealed.includes(Buffer.from(tokens.refresh_token))).toBe(false);

    await until(async () => (await allHeldProviderIds(store.db, account!.id)).length === 1);
  });

  it('a used or unknown sign-in link is refused with what to do', async () => {
    const replay = await fetch(`http://127.0.0.1:${port}/oauth/google/callback?code=x&state=never-issued`);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('rapport accounts connect gmail');
  });

  it('push notifications, duplicated, bring new mail in once', async () => {
    const account = (await findAccount(store.db, USER))!;
    emulator.insertMessage(
      USER,
      rawMessage({ from: 'Ana Ruiz <ana@firm.example>', to: USER, subject: 'Re: Coffee chat?', date: new Date(), messageId: 'second@firm.example', inReplyTo: 'first@firm.example' }),
      { labelIds: ['INBOX'] },
    );
    await emulator.pushNow(USER, { duplicate: 3 });
    await until(async () => (await allHeldProviderIds(store.db, account.id)).length === 2);
    const [row] = await store.db.query<{ n: number }>('select count(*)::int as n from message');
    expect(row!.n).toBe(2);
  });

  it('a push without the shared token is refused', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/webhooks/gmail?token=wrong`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: { data: Buffer.from(JSON.stringify({ emailAddress: USER, historyId: '1' })).toString('base64url') } }),
    });
    expect(response.status).toBe(403);
  });
});
