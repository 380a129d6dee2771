/**
 * What the approval page tests share: a networking log built through the real ingest
 * (an outreach, the reply, a meeting ahead, and a hostile message), rapport's web server
 * on a real port with real Redis, and a small browser (cookies, forms) over fetch.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { ApprovalDeps } from '../../src/approval/approval-actions.ts';
import { loadDetectConfig } from '../../src/config/load-detect-config.ts';
import type { Config } from '../../src/config/load-config.ts';
import { RuleClassifier } from '../../src/detect/rule-classifier.ts';
import { buildHttpServer } from '../../src/http/server.ts';
import { createWebLogin, type WebLogin } from '../../src/http/web-login.ts';
import { ensureAccount } from '../../src/store/account-repository.ts';
import type { Database } from '../../src/store/database.ts';
import { openSecretBox } from '../../src/store/secret-box.ts';
import { ingestRawItems, type RawItem } from '../../src/workers/ingest-worker.ts';
import { openQueue } from '../../src/workers/queues.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';
import { rawMessage } from '../helpers/google.ts';
import { testConfig, TEST_REDIS_URL } from '../helpers/test-config.ts';
import { openTestStore, type TestStore } from '../helpers/test-store.ts';

/** The page's clock: Monday 9 March 2026, 13:00 in Berlin. */
export const NOW = new Date('2026-03-09T12:00:00Z');
export const USER = 'alex.student@university.example';
export const JANE = 'jane.doe@acme.example';
export const EVE = 'eve@evil.example';
export const HOSTILE_NAME = `<script>alert('name')</script> <b>Eve</b>`;
export const HOSTILE_SUBJECT = '<img src=x onerror=alert(1)> Quick question <script>alert(2)</script>';

/** A config file with the user's profile, in Berlin time (RAPPORT_CONFIG). */
export function profileConfigFile(): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-approval-config-')), 'config.yaml');
  fs.writeFileSync(file, 'user:\n  name: Alex Student\n  timeZone: Europe/Berlin\n  field: structured finance\n');
  return file;
}

/** A configuration with that profile, plus any `env`. */
export function approvalConfig(env: Record<string, string> = {}): Config {
  return testConfig({ RAPPORT_CONFIG: profileConfigFile(), RAPPORT_ME: USER, ...env });
}

export interface Network {
  accountId: number;
  jane: number;
  eve: number;
  /** The Message-ID of Jane's reply, which a thank-you answers. */
  janeReplyId: string;
}

/** Mail and a calendar invitation, as raw bytes through the real ingest. */
export function networkMail(): { name: string; raw: string; format: 'raw' | 'ics' }[] {
  const at = (day: number) => new Date(Date.UTC(2026, 2, day, 9, 0));
  return [
    { name: 'outreach.eml', format: 'raw', raw: rawMessage({
      from: `Alex Student <${USER}>`, to: `Jane Doe <${JANE}>`, subject: 'Coffee chat about structured finance?', date: at(2),
      messageId: 'outreach-1@university.example',
      body: 'Dear Ms. Doe,\n\nI am an MSc student exploring structured finance. Would you have 20 minutes for a call?\n\nAlex\n' }) },
    { name: 'reply.eml', format: 'raw', raw: rawMessage({
      from: `Jane Doe <${JANE}>`, to: USER, subject: 'Re: Coffee chat about structured finance?', date: at(4),
      messageId: 'reply-1@acme.example', inReplyTo: 'outreach-1@university.example',
      body: 'Hi Alex,\n\nHappy to. Could you send your CV beforehand? Thursday afternoon works.\n\nJane\n' }) },
    { name: 'hostile.eml', format: 'raw', raw: rawMessage({
      from: `"${HOSTILE_NAME}" <${EVE}>`, to: USER, subject: HOSTILE_SUBJECT, date: at(5), messageId: 'hostile-1@evil.example',
      body: '<a href="https://evil.example">click</a>\n' }) },
    { name: 'coffee.ics', format: 'ics', raw: [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//rapport tests//EN', 'METHOD:REQUEST', 'BEGIN:VEVENT',
      'UID:coffee-jane@acme.example', 'DTSTAMP:20260305T080000Z', 'DTSTART:20260312T150000Z', 'DTEND:20260312T153000Z',
      'SUMMARY:Coffee chat: Alex / Jane', `ORGANIZER;CN=Jane Doe:mailto:${JANE}`,
      `ATTENDEE;CN=Alex Student;PARTSTAT=ACCEPTED:mailto:${USER}`, `ATTENDEE;CN=Jane Doe;PARTSTAT=ACCEPTED:mailto:${JANE}`,
      'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n') },
  ];
}

export async function seedNetwork(db: Database, config: Config): Promise<Network> {
  const accountId = await ensureAccount(db, 'mailbox', USER);
  await ingestMail(db, config, accountId, networkMail());
  return { accountId, jane: await contactOf(db, JANE), eve: await contactOf(db, EVE), janeReplyId: 'reply-1@acme.example' };
}

/** Raw mail and calendar files through the real ingest into `accountId`; every one must be read. */
export async function ingestMail(
  db: Database,
  config: Config,
  accountId: number,
  files: readonly { name: string; raw: string; format: 'raw' | 'ics' }[],
): Promise<void> {
  const items: RawItem[] = files.map((m, i) => ({
    source: `test/${m.name}`, format: m.format, raw: Buffer.from(m.raw), failure: { path: `test/${m.name}`, position: i },
  }));
  const outcome = await ingestRawItems({ db, config, classifier: new RuleClassifier(loadDetectConfig()) }, accountId, items);
  if (outcome.result.failed > 0) throw new Error(`${outcome.result.failed} of the test files did not ingest`);
}

export async function contactOf(db: Database, address: string): Promise<number> {
  const [row] = await db.query<{ contact_id: number }>('select contact_id from contact_email where address = $1', [address]);
  if (!row) throw new Error(`no contact for ${address}`);
  return row.contact_id;
}

export interface PageServer {
  url: string;
  config: Config;
  db: Database;
  redis: Redis;
  login: WebLogin;
  /** The deliveries the page asked for, in order. */
  deliveries: { draftId: number; at: Date | null }[];
  close(): Promise<void>;
}

/** rapport's web server on a free port, over a fresh database and Redis prefix. */
export async function startPageServer(options: {
  config?: Config;
  store?: TestStore;
  scheduleDelivery?: ApprovalDeps['scheduleDelivery'] | null;
  now?: () => Date;
} = {}): Promise<PageServer & { store: TestStore }> {
  const config = options.config ?? approvalConfig();
  const store = options.store ?? (await openTestStore('pglite'));
  const redis = await connectRedis(TEST_REDIS_URL);
  const login = createWebLogin(config);
  const deliveries: PageServer['deliveries'] = [];
  const syncQueue = openQueue('sync', redis, config.queuePrefix);
  const record: ApprovalDeps['scheduleDelivery'] = async (draftId, at) => {
    deliveries.push({ draftId, at });
  };
  const app: FastifyInstance = buildHttpServer({
    config, db: store.db, redis, secrets: openSecretBox(config.dataDir, {}), syncQueue, login,
    scheduleDelivery: options.scheduleDelivery === null ? undefined : (options.scheduleDelivery ?? record),
    now: options.now ?? (() => NOW),
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url, config, db: store.db, redis, login, deliveries, store,
    async close() {
      await app.close();
      await syncQueue.close();
      const keys = await redis.keys(`${config.queuePrefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await store.dispose();
    },
  };
}

export interface PageResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** A browser as far as the page is concerned: it keeps the session cookie and sends forms. */
export class PageClient {
  cookie = '';

  constructor(readonly baseUrl: string) {}

  async get(pathname: string, headers: Record<string, string> = {}): Promise<PageResponse> {
    return this.request(pathname, { method: 'GET', headers });
  }

  /** Posts a form as the page would: same origin, with the CSRF token unless `fields` sets `_csrf`. */
  async post(pathname: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<PageResponse> {
    const body = new URLSearchParams({ _csrf: await this.csrfToken(), ...fields }).toString();
    return this.request(pathname, {
      method: 'POST', body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.baseUrl, ...headers },
    });
  }

  /** Signs in through the form with `secret`. */
  async signIn(secret: string): Promise<PageResponse> {
    return this.request('/login', {
      method: 'POST', body: new URLSearchParams({ secret, next: '/drafts' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.baseUrl },
    });
  }

  /** The CSRF token in the page's forms, as a browser would submit it. */
  async csrfToken(): Promise<string> {
    const page = await this.get('/drafts');
    return /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
  }

  private async request(pathname: string, init: { method: string; body?: string; headers: Record<string, string> }): Promise<PageResponse> {
    const response = await fetch(new URL(pathname, this.baseUrl), {
      ...init, redirect: 'manual', headers: { ...(this.cookie ? { cookie: this.cookie } : {}), ...init.headers },
    });
    const set = response.headers.get('set-cookie');
    if (set) this.cookie = /Max-Age=0/.test(set) ? '' : set.split(';')[0]!;
    return { status: response.status, headers: response.headers, text: await response.text() };
  }
}

/** The text of a page as a person reads it: tags gone, entities decoded, spaces collapsed. */
export function visibleText(htmlText: string): string {
  return htmlText
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/gi, '')
    // Inline elements run on with their neighbours; every other tag breaks the text.
    .replace(/<\/?(a|span|strong|b|em|code)\b[^>]*>/gi, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
