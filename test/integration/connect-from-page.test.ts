/**
 * Connecting a mailbox from the accounts page: the button sends the browser through the
 * provider's consent page (the Google and Graph emulators) and back to rapport, the
 * account is stored and synced, and an account that lost its access offers to connect
 * again. Every request goes over HTTP, as a browser would make it.
 */
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load-config.ts';
import { buildHttpServer } from '../../src/http/server.ts';
import { createWebLogin, type WebLogin } from '../../src/http/web-login.ts';
import { findAccount } from '../../src/store/account-repository.ts';
import { openSecretBox } from '../../src/store/secret-box.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';
import { startSyncService, type SyncService } from '../../src/workers/sync-runner.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google/index.ts';
import { startGraphEmulator, type GraphEmulator } from '../emulators/graph/index.ts';
import { googleTestConfig, rawMessage } from '../helpers/google.ts';
import { outlookTestConfig } from '../helpers/outlook.ts';
import { TEST_REDIS_URL } from '../helpers/test-config.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { freePort, until } from '../helpers/wait.ts';
import { PageClient, visibleText } from './approval-harness.ts';

const GMAIL_USER = 'sam@example.com';
const OUTLOOK_USER = 'sam.lee@contoso.example';

describe('connecting a mailbox from the accounts page', () => {
  let google: GoogleEmulator;
  let graph: GraphEmulator;
  let redis: Redis;
  let store: TestStore;
  let config: Config;
  let service: SyncService;
  let http: FastifyInstance;
  let login: WebLogin;
  let base: string;
  let browser: PageClient;

  /** Follows the consent page's redirect back to rapport, as the browser would; returns the page rapport shows. */
  async function consentAndReturn(consentUrl: string): Promise<{ status: number; text: string }> {
    const consent = await fetch(consentUrl, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const back = consent.headers.get('location')!;
    expect(back.startsWith(`${base}/oauth/`)).toBe(true);
    const callback = await fetch(back);
    return { status: callback.status, text: await callback.text() };
  }

  beforeAll(async () => {
    google = await startGoogleEmulator();
    google.addUser(GMAIL_USER);
    google.setConsentUser(GMAIL_USER);
    google.insertMessage(
      GMAIL_USER,
      rawMessage({ from: 'Ana Ruiz <ana@firm.example>', to: GMAIL_USER, subject: 'Coffee chat?', date: new Date(), messageId: 'first@firm.example' }),
      { labelIds: ['INBOX'] },
    );
    graph = await startGraphEmulator();
    graph.addUser(OUTLOOK_USER);
    graph.setConsentUser(OUTLOOK_USER);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const outlookEnv = outlookTestConfig(graph).microsoft;
    config = googleTestConfig(google, {
      RAPPORT_HTTP_PORT: String(port),
      RAPPORT_PUBLIC_URL: base,
      RAPPORT_ME: `${GMAIL_USER},${OUTLOOK_USER}`,
      RAPPORT_GRAPH_URL: outlookEnv.graphUrl,
      RAPPORT_MICROSOFT_AUTHORITY: outlookEnv.authority,
      RAPPORT_MICROSOFT_CLIENT_ID: outlookEnv.clientId,
      RAPPORT_MICROSOFT_CLIENT_SECRET: outlookEnv.clientSecret,
    });
    redis = await connectRedis(TEST_REDIS_URL);
    store = await openTestStore('pglite');
    const secrets = openSecretBox(config.dataDir, {});
    service = startSyncService({ config, db: store.db, redis, secrets, callPolicy: { baseDelayMs: 5, maxDelayMs: 50 } });
    login = createWebLogin(config);
    http = buildHttpServer({ config, db: store.db, redis, secrets, syncQueue: service.queue, login });
    await http.listen({ host: '127.0.0.1', port });
    browser = new PageClient(base);
    expect((await browser.signIn(login.token!)).status).toBe(303);
  });
  afterAll(async () => {
    await http?.close();
    await service?.close();
    const keys = await redis.keys(`${config.queuePrefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis?.disconnect();
    await store?.dispose();
    await google?.close();
    await graph?.close();
  });

  it('offers a button for each provider while no account is connected', async () => {
    const page = await browser.get('/accounts');
    expect(visibleText(page.text)).toContain('No account yet. Connect a mailbox');
    expect(page.text).toContain('action="/accounts/connect/gmail"');
    expect(page.text).toContain('action="/accounts/connect/outlook"');
    expect(visibleText(page.text)).toContain('Connect Gmail Connect Outlook');
  });

  it('Connect Gmail goes through Google’s consent and back; the account syncs and the page shows it', async () => {
    const start = await browser.post('/accounts/connect/gmail', {});
    expect(start.status).toBe(303);
    const consentUrl = new URL(start.headers.get('location')!);
    expect(consentUrl.origin).toBe(new URL(google.url).origin);
    expect(consentUrl.searchParams.get('redirect_uri')).toBe(`${base}/oauth/google/callback`);
    expect(consentUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(consentUrl.searchParams.get('state')).toBeTruthy();

    const back = await consentAndReturn(consentUrl.toString());
    expect(back.status).toBe(200);
    expect(visibleText(back.text)).toContain(`${GMAIL_USER} is connected. Your log is filling now: follow the sync on the accounts page`);
    expect(back.text).toContain(`href="${base}/accounts"`);

    expect(await findAccount(store.db, GMAIL_USER)).toMatchObject({ provider: 'gmail', syncStatus: 'active' });
    await until(async () => /sam@example\.com \(gmail\) up to date/.test(visibleText((await browser.get('/accounts')).text)));
    const row = visibleText((await browser.get('/accounts')).text);
    expect(row).toMatch(/sam@example\.com \(gmail\) up to date \S+ \S+ \S+ \S+ 1 0/);
  });

  it('Connect Outlook goes through Microsoft’s consent and back', async () => {
    const start = await browser.post('/accounts/connect/outlook', {});
    expect(start.status).toBe(303);
    const consentUrl = new URL(start.headers.get('location')!);
    expect(consentUrl.origin).toBe(new URL(graph.url).origin);
    expect(consentUrl.searchParams.get('redirect_uri')).toBe(`${base}/oauth/outlook/callback`);
    const back = await consentAndReturn(consentUrl.toString());
    expect(back.status).toBe(200);
    expect(visibleText(back.text)).toContain(`${OUTLOOK_USER} is connected.`);
    expect(await findAccount(store.db, OUTLOOK_USER)).toMatchObject({ provider: 'outlook', syncStatus: 'active' });
    await until(async () => /sam\.lee@contoso\.example \(outlook\) up to date/.test(visibleText((await browser.get('/accounts')).text)));
  });

  it('an account that lost its access offers to connect that same mailbox again', async () => {
    await store.db.query(`update account set sync_status = 'needs_reauth' where address = $1`, [GMAIL_USER]);
    const page = await browser.get('/accounts');
    expect(visibleText(page.text)).toMatch(/sam@example\.com \(gmail\) needs reconnecting Connect again/);
    expect(page.text).toContain(`<input type="hidden" name="address" value="${GMAIL_USER}">`);

    const again = await browser.post('/accounts/connect/gmail', { address: GMAIL_USER });
    expect(again.status).toBe(303);
    const consentUrl = new URL(again.headers.get('location')!);
    expect(consentUrl.searchParams.get('login_hint')).toBe(GMAIL_USER);
    expect((await consentAndReturn(consentUrl.toString())).status).toBe(200);
    expect(await findAccount(store.db, GMAIL_USER)).toMatchObject({ syncStatus: 'active' });
    expect(visibleText((await browser.get('/accounts')).text)).not.toContain('needs reconnecting');
  });

  it('refuses a provider it does not know, and a connect from another site or without a session', async () => {
    const unknown = await browser.post('/accounts/connect/yahoo', {});
    expect(unknown.status).toBe(400);
    expect(visibleText(unknown.text)).toContain('rapport connects Gmail and Outlook accounts, not “yahoo”.');

    const crossSite = await browser.post('/accounts/connect/gmail', {}, { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    const stranger = await fetch(`${base}/accounts/connect/gmail`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '', redirect: 'manual',
    });
    expect(stranger.status).toBe(401);
    expect(stranger.headers.get('location')).toBeNull();
  });
});
