/**
 * What an operator checks: /healthz and /readyz (503 naming Redis when it does not
 * answer), /metrics after real sync jobs through the Gmail emulator (per-queue job
 * counters, a 429 counted, drafts, accounts and sync lag read at scrape time), the
 * queue dashboard behind the approval page's login, and a log that carries job ids but
 * never a message's body or subject, nor a token.
 */
import net from 'node:net';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load-config.ts';
import { GOOGLE_SCOPES } from '../../src/integrations/google/google-auth.ts';
import { buildHttpServer } from '../../src/http/server.ts';
import { createWebLogin } from '../../src/http/web-login.ts';
import { configureLogger } from '../../src/observability/logger.ts';
import { saveConnectedAccount } from '../../src/store/account-repository.ts';
import { createDraft } from '../../src/store/draft-repository.ts';
import { openSecretBox } from '../../src/store/secret-box.ts';
import { openQueue } from '../../src/workers/queues.ts';
import { runAccountSync, startSyncService, type SyncService } from '../../src/workers/sync-runner.ts';
import { startGoogleEmulator, type GoogleEmulator } from '../emulators/google/index.ts';
import { googleTestConfig, rawMessage, TEST_CLIENT_ID } from '../helpers/google.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';
import { PageClient, startPageServer, type PageServer } from './approval-harness.ts';

const USER = 'alex.student@university.example';
const BODY_CANARY = 'body-canary-3f9c1d: my salary expectation is 123456';
const SUBJECT_CANARY = 'subject-canary-8e2b47';
const FAST_RETRIES = { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 8 };

/** The log as JSON lines, captured from the logger. */
const logLines: string[] = [];
configureLogger({
  level: 'debug',
  destination: new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  }),
});

/** The value of one sample of the Prometheus text, or null when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | null {
  for (const line of text.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
  }
  return null;
}

describe('health, metrics, dashboard and logs', () => {
  let emulator: GoogleEmulator;
  let store: TestStore;
  let config: Config;
  let page: PageServer;
  let sync: SyncService;
  let accountId: number;
  let refreshToken: string;

  beforeAll(async () => {
    emulator = await startGoogleEmulator();
    emulator.addUser(USER);
    emulator.insertMessage(USER, rawMessage({
      from: 'Jane Doe <jane.doe@acme.example>', to: USER, subject: SUBJECT_CANARY,
      date: new Date(Date.now() - 86_400_000), messageId: 'canary-1@acme.example', body: `Hi Alex,\n\n${BODY_CANARY}\n\nJane\n`,
    }), { labelIds: ['INBOX'] });
    store = await openTestStore('pglite');
    config = googleTestConfig(emulator);
    const secrets = openSecretBox(config.dataDir, {});
    refreshToken = emulator.issueRefreshToken(USER, TEST_CLIENT_ID);
    accountId = await saveConnectedAccount(store.db, 'gmail', USER, secrets.seal({ refresh_token: refreshToken }), [...GOOGLE_SCOPES]);
    page = await startPageServer({ config, store });
    sync = startSyncService({ config, db: store.db, redis: page.redis, secrets, callPolicy: FAST_RETRIES });
  });
  afterAll(async () => {
    await sync?.close();
    await page?.close();
    await emulator?.close();
  });

  it('/healthz answers while the process runs, /readyz when Redis and the database answer', async () => {
    const health = await fetch(new URL('/healthz', page.url));
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    const ready = await fetch(new URL('/readyz', page.url));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, redis: 'ok', database: 'ok' });
  });

  it('/readyz is 503 and names Redis when Redis does not answer', async () => {
    const port = await closedPort();
    const deadUrl = `redis://127.0.0.1:${port}`;
    const dead = new Redis(deadUrl, { lazyConnect: true, maxRetriesPerRequest: null, retryStrategy: () => 500 });
    dead.on('error', () => undefined);
    const syncQueue = openQueue('sync', dead, config.queuePrefix);
    syncQueue.on('error', () => undefined);
    const app = buildHttpServer({ config: { ...config, redisUrl: deadUrl }, db: store.db, redis: dead, secrets: openSecretBox(config.dataDir, {}), syncQueue, login: createWebLogin(config) });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      expect((await fetch(new URL('/healthz', url))).status).toBe(200);
      const ready = await fetch(new URL('/readyz', url));
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { ok: boolean; redis: string; database: string };
      expect(body.ok).toBe(false);
      expect(body.database).toBe('ok');
      expect(body.redis).toContain(`Redis at ${deadUrl}`);
      expect(body.redis).toContain('start it, or check REDIS_URL');
    } finally {
      dead.disconnect();
      await app.close();
    }
  });

  it('/metrics counts the jobs run per queue, a provider 429, syncs, drafts, accounts and sync lag', async () => {
    await createDraft(store.db, { kind: 'thank_you', toAddress: 'jane.doe@acme.example', subject: 'Thanks', body: 'Hi Jane,\n', reason: 'r', idempotencyKey: 'test:metrics' });
    emulator.addFault({ kind: '429', count: 1, retryAfterSeconds: 0 });
    const outcome = await runAccountSync(sync, accountId);
    expect(outcome.mail).toMatchObject({ status: 'synced', mode: 'full' });

    const response = await fetch(new URL('/metrics', page.url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(sample(text, 'rapport_jobs_completed_total', { queue: 'sync' })).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'rapport_provider_throttled_total', { provider: 'gmail', status: '429' })).toBe(1);
    expect(sample(text, 'rapport_syncs_total', { provider: 'gmail', kind: 'mail', outcome: 'full' })).toBe(1);
    expect(sample(text, 'rapport_provider_wait_seconds_count', { provider: 'gmail', gate: 'quota' })).toBeGreaterThan(0);
    expect(sample(text, 'rapport_drafts', { kind: 'thank_you', status: 'pending' })).toBe(1);
    expect(sample(text, 'rapport_accounts', { provider: 'gmail', status: 'active' })).toBe(1);
    expect(sample(text, 'rapport_sync_lag_seconds', { provider: 'gmail' })).toBeGreaterThanOrEqual(0);
    for (const queue of ['sync', 'ingest', 'plan', 'deliver']) {
      expect(sample(text, 'rapport_queue_jobs', { queue, state: 'waiting' })).not.toBeNull();
    }
    expect(sample(text, 'rapport_state_scrape_ok', { source: 'database' })).toBe(1);
    expect(text).not.toContain(USER);
  });

  it('a failed sync is counted and logged with its reason', async () => {
    emulator.revokeTokens(USER);
    const outcome = await runAccountSync(sync, accountId);
    expect(outcome.mail).toBeInstanceOf(Error);
    const text = await (await fetch(new URL('/metrics', page.url))).text();
    expect(sample(text, 'rapport_jobs_failed_total', { queue: 'sync', final: 'true' })).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'rapport_syncs_total', { provider: 'gmail', kind: 'mail', outcome: 'needs_reauth' })).toBe(1);
    const failed = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r.msg === 'job failed, no attempt left' && r.jobId === `mail-${accountId}`);
    expect(failed).toMatchObject({ level: 'error', queue: 'sync', component: 'worker', err: { type: 'UnrecoverableError' } });
  });

  it('the log names the jobs it ran, as JSON, and holds no body, subject or token', () => {
    const records = logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.length).toBeGreaterThan(0);
    const completed = records.find((r) => r.msg === 'job completed' && r.jobId === `mail-${accountId}`);
    expect(completed).toMatchObject({ level: 'info', service: 'rapport', queue: 'sync', job: 'mail', data: { accountId }, result: { status: 'synced', stored: 1 } });
    const log = logLines.join('\n');
    expect(log).not.toContain('body-canary-3f9c1d');
    expect(log).not.toContain('123456');
    expect(log).not.toContain(SUBJECT_CANARY);
    expect(log).not.toContain(refreshToken);
    expect(log).not.toMatch(/ya29\.|Bearer [A-Za-z0-9]/);
  });

  it('the queue dashboard refuses an anonymous request and serves a signed-in one; its changes need the CSRF token', async () => {
    const anonymous = new PageClient(page.url);
    const toLogin = await anonymous.get('/queues');
    expect(toLogin.status).toBe(303);
    expect(toLogin.headers.get('location')).toBe('/login?next=%2Fqueues');
    expect((await anonymous.get('/queues/api/queues')).status).toBe(303);
    const anonymousRetry = await fetch(new URL('/queues/api/queues/sync/retry/failed', page.url), { method: 'PUT', headers: { origin: page.url } });
    expect(anonymousRetry.status).toBe(401);

    const browser = new PageClient(page.url);
    expect((await browser.signIn(page.login.token!)).status).toBe(303);
    const session = browser.cookie; // the client keeps one cookie; the dashboard adds its own
    const board = await browser.get('/queues');
    expect(board.status).toBe(200);
    expect(board.text).toContain('__UI_CONFIG__');
    expect(board.headers.get('content-security-policy')).toContain("script-src 'self'");
    const xsrf = /XSRF-TOKEN=([^;]+)/.exec(board.headers.get('set-cookie') ?? '')?.[1];
    expect(xsrf).toBeTruthy();
    browser.cookie = session;
    const api = await browser.get('/queues/api/queues');
    expect(api.status).toBe(200);
    const names = (JSON.parse(api.text) as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
    expect(names).toEqual(['deliver', 'ingest', 'plan', 'sync']);

    const put = (headers: Record<string, string>) =>
      fetch(new URL('/queues/api/queues/sync/retry/failed', page.url), { method: 'PUT', headers: { cookie: session, ...headers } });
    expect((await put({ origin: page.url })).status).toBe(403);
    expect((await put({ origin: 'https://evil.example', 'x-xsrf-token': xsrf! })).status).toBe(403);
    expect((await put({ origin: page.url, 'sec-fetch-site': 'same-origin', 'x-xsrf-token': xsrf! })).status).toBeLessThan(300);
  });
});

describe('who may read /metrics', () => {
  it('with a metrics token: a scraper sending it, not anyone', async () => {
    const store = await openTestStore('postgres');
    const config = googleTestConfig({ url: 'http://127.0.0.1:9' } as GoogleEmulator, { RAPPORT_METRICS_TOKEN: 'scrape-secret-1' });
    const page = await startPageServer({ config, store });
    try {
      const anonymous = await fetch(new URL('/metrics', page.url));
      expect(anonymous.status).toBe(401);
      expect(await anonymous.text()).toContain('Authorization: Bearer');
      const scraper = await fetch(new URL('/metrics', page.url), { headers: { authorization: 'Bearer scrape-secret-1' } });
      expect(scraper.status).toBe(200);
      expect(await scraper.text()).toContain('rapport_jobs_completed_total');
    } finally {
      await page.close();
    }
  });

  it('without a token on a public address: nobody but a signed-in browser', async () => {
    const store = await openTestStore('postgres');
    const config = googleTestConfig({ url: 'http://127.0.0.1:9' } as GoogleEmulator, { RAPPORT_PUBLIC_URL: 'https://rapport.example' });
    const page = await startPageServer({ config, store });
    try {
      const anonymous = await fetch(new URL('/metrics', page.url));
      expect(anonymous.status).toBe(403);
      expect(await anonymous.text()).toContain('Set RAPPORT_METRICS_TOKEN');
      const browser = new PageClient(page.url);
      expect((await browser.signIn(page.login.token!)).status).toBe(303);
      expect((await browser.get('/metrics')).status).toBe(200);
    } finally {
      await page.close();
    }
  });
});

/** A port on which nothing listens. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
