/**
 * The Graph emulator against the real, unmodified `@microsoft/microsoft-graph-client`
 * (E.5 rewrite middleware: default base URL, origin rewritten to the emulator, token
 * added) and `@azure/msal-node` (https authority on the emulator's host, requests sent
 * there over HTTP by a networkClient): token flows, folder delta, MIME, drafts and send,
 * calendarView delta, subscriptions, throttling, faults and $batch.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfidentialClientApplication,
  CryptoProvider,
  InteractionRequiredAuthError,
  ServerError,
  type Configuration,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import { Client, GraphError, ResponseType, RetryHandler, RetryHandlerOptions, type Context, type Middleware } from '@microsoft/microsoft-graph-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runGraphEmulatorFromCli, startGraphEmulator, type GraphEmulator, type GraphEmulatorOptions } from '../emulators/graph/index.ts';

const SAM = 'sam@example.com';
const ANA = 'ana@example.org';
const T0 = new Date('2024-06-10T12:00:00Z');
const DAY = 86_400_000;
const IMMUTABLE = 'IdType="ImmutableId"';

const started: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

async function start(options: GraphEmulatorOptions = {}): Promise<GraphEmulator> {
  const emu = await startGraphEmulator({ now: T0, ...options });
  started.push(emu);
  emu.addUser(SAM);
  emu.addUser(ANA);
  return emu;
}

/** The E.5 rewrite middleware: sends every request to the emulator with a bearer token. */
class ToEmulator implements Middleware {
  constructor(
    private readonly emulatorUrl: string,
    private readonly token: () => string,
  ) {}

  async execute(ctx: Context): Promise<void> {
    const u = new URL(typeof ctx.request === 'string' ? ctx.request : ctx.request.url);
    const target = new URL(this.emulatorUrl);
    u.protocol = target.protocol;
    u.host = target.host;
    const headers = { ...(ctx.options?.headers as Record<string, string>), Authorization: `Bearer ${this.token()}` };
    ctx.response = await fetch(u.toString(), { ...(ctx.options as RequestInit), headers });
  }
}

function graphClient(emu: GraphEmulator, email = SAM, retries = 0): Client {
  const token = emu.issueAccessToken(email);
  const retry = new RetryHandler(new RetryHandlerOptions(0, retries));
  retry.setNext(new ToEmulator(emu.url, () => token));
  return Client.initWithMiddleware({ middleware: retry });
}

function mail(opts: { from?: string; to?: string; subject: string; id: string; date?: string; inReplyTo?: string; body?: string }): string {
  return [
    `From: ${opts.from ?? `Ana Ruiz <${ANA}>`}`,
    `To: ${opts.to ?? SAM}`,
    `Subject: ${opts.subject}`,
    `Date: ${opts.date ?? 'Mon, 10 Jun 2024 10:00:00 +0000'}`,
    `Message-ID: <${opts.id}>`,
    ...(opts.inReplyTo ? [`In-Reply-To: <${opts.inReplyTo}>`, `References: <${opts.inReplyTo}>`] : []),
    'Content-Type: text/plain; charset=utf-8',
    '',
    opts.body ?? `Body of ${opts.subject}`,
    '',
  ].join('\r\n');
}

type Page = { value: Record<string, unknown>[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };

/** Follows nextLinks to the deltaLink; returns all items and the deltaLink. */
async function drain(client: Client, first: string, prefer: string[]): Promise<{ items: Record<string, unknown>[]; deltaLink: string; pages: number }> {
  const items: Record<string, unknown>[] = [];
  let url = first;
  for (let pages = 1; ; pages++) {
    const page = (await client.api(url).header('Prefer', prefer.join(', ')).get()) as Page;
    items.push(...page.value);
    if (page['@odata.deltaLink']) return { items, deltaLink: page['@odata.deltaLink'], pages };
    url = page['@odata.nextLink'] ?? '';
    expect(url.startsWith('https://graph.microsoft.com/v1.0/')).toBe(true);
  }
}

/** MSAL aimed at the emulator: https authority on its host, requests rewritten to http. */
function msalClient(emu: GraphEmulator, withMetadata: boolean): ConfidentialClientApplication {
  const emuUrl = new URL(emu.url);
  const secure = `https://${emuUrl.host}`;
  const send = async <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    const target = url.startsWith(secure) ? emuUrl.origin + url.slice(secure.length) : url;
    const response = await fetch(target, { method, headers: options?.headers, body: method === 'POST' ? options?.body : undefined });
    const text = await response.text();
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => (headers[name] = value));
    return { status: response.status, headers, body: (text ? JSON.parse(text) : {}) as T };
  };
  const networkClient: INetworkModule = { sendGetRequestAsync: (u, o) => send('GET', u, o), sendPostRequestAsync: (u, o) => send('POST', u, o) };
  const base = `${secure}/common`;
  const metadata = {
    token_endpoint: `${base}/oauth2/v2.0/token`, authorization_endpoint: `${base}/oauth2/v2.0/authorize`, issuer: `${base}/v2.0`,
    jwks_uri: `${base}/discovery/v2.0/keys`, end_session_endpoint: `${base}/oauth2/v2.0/logout`,
  };
  const config: Configuration = {
    auth: {
      clientId: 'rapport-test', clientSecret: 'rapport-test-secret', authority: `${secure}/common/`, knownAuthorities: [emuUrl.host],
      ...(withMetadata ? { authorityMetadata: JSON.stringify(metadata) } : {}),
    },
    system: { networkClient },
  };
  return new ConfidentialClientApplication(config);
}

describe('identity platform with MSAL', () => {
  for (const withMetadata of [false, true]) {
    it(`code with PKCE, rotating refresh, invalid_grant after revoke (authorityMetadata: ${withMetadata})`, async () => {
      const emu = await start();
      const msal = msalClient(emu, withMetadata);
      const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
      const redirectUri = 'http://127.0.0.1:3999/callback';
      const scopes = ['Mail.ReadWrite', 'User.Read'];
      const authUrl = await msal.getAuthCodeUrl({ scopes, redirectUri, state: 's1', codeChallenge: challenge, codeChallengeMethod: 'S256' });
      const consent = await fetch(authUrl.replace(/^https:/, 'http:'), { redirect: 'manual' });
      expect(consent.status).toBe(302);
      const back = new URL(consent.headers.get('location') ?? '');
      expect(back.searchParams.get('state')).toBe('s1');
      // A wrong verifier is refused.
      await expect(msal.acquireTokenByCode({ code: back.searchParams.get('code') ?? '', scopes, redirectUri, codeVerifier: 'x'.repeat(43) })).rejects.toMatchObject({ errorCode: 'invalid_grant' });
      const again = new URL((await fetch(authUrl.replace(/^https:/, 'http:'), { redirect: 'manual' })).headers.get('location') ?? '');
      const result = await msal.acquireTokenByCode({ code: again.searchParams.get('code') ?? '', scopes, redirectUri, codeVerifier: verifier });
      expect(result.account?.username).toBe(SAM);
      expect(result.account?.tenantId).toBeTruthy();
      const me = (await fetch(`${emu.url}v1.0/me`, { headers: { authorization: `Bearer ${result.accessToken}` } }).then((r) => r.json())) as { mail: string };
      expect(me.mail).toBe(SAM);

      const refreshTokens = () => Object.values(JSON.parse(msal.getTokenCache().serialize()).RefreshToken as Record<string, { secret: string }>).map((t) => t.secret);
      const before = refreshTokens();
      const silent = await msal.acquireTokenSilent({ account: result.account!, scopes, forceRefresh: true });
      expect(silent.accessToken).not.toBe(result.accessToken);
      expect(refreshTokens()).not.toEqual(before);

      emu.setTokenError('interaction_required');
      await expect(msal.acquireTokenSilent({ account: result.account!, scopes, forceRefresh: true })).rejects.toBeInstanceOf(InteractionRequiredAuthError);
      emu.setTokenError(null);
      emu.revokeTokens(SAM);
      const err = await msal.acquireTokenSilent({ account: result.account!, scopes, forceRefresh: true }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ServerError);
      expect((err as ServerError).errorCode).toBe('invalid_grant');
      expect((err as ServerError).errorMessage).toContain('700082');
      const revoked = await fetch(`${emu.url}v1.0/me`, { headers: { authorization: `Bearer ${silent.accessToken}` } });
      expect(revoked.status).toBe(401);
      expect(((await revoked.json()) as { error: { code: string } }).error.code).toBe('InvalidAuthenticationToken');
    });
  }

  it('accepts issued refresh tokens at the token endpoint and expires access tokens after an hour', async () => {
    const emu = await start();
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: emu.issueRefreshToken(SAM), client_id: 'rapport-test', client_secret: 'rapport-test-secret', scope: 'Mail.Read offline_access' });
    const body = (await fetch(`${emu.url}common/oauth2/v2.0/token`, { method: 'POST', body: form }).then((r) => r.json())) as Record<string, string>;
    expect(body['token_type']).toBe('Bearer');
    expect(body['refresh_token']).toBeTruthy();
    const claims = JSON.parse(Buffer.from((body['id_token'] ?? '').split('.')[1] ?? '', 'base64url').toString()) as Record<string, string>;
    expect(claims['preferred_username']).toBe(SAM);
    expect(JSON.parse(Buffer.from(body['client_info'] ?? '', 'base64url').toString())).toMatchObject({ uid: claims['oid'], utid: claims['tid'] });
    emu.advanceClock(3601_000);
    expect((await fetch(`${emu.url}v1.0/me`, { headers: { authorization: `Bearer ${body['access_token']}` } })).status).toBe(401);
    const bad = await fetch(`${emu.url}common/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams({ ...Object.fromEntries(form), refresh_token: 'nope' }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_grant', error_codes: [700082] });
  });
});

describe('mail', () => {
  it('pages a folder delta to a deltaLink, then reports additions, moves and deletions', async () => {
    const emu = await start();
    const ids = [1, 2, 3, 4, 5].map((n) => emu.insertMessage(SAM, mail({ subject: `Hello ${n}`, id: `m${n}@example.org` }), { receivedDateTime: new Date(T0.getTime() - n * 60_000) }));
    const client = graphClient(emu);
    const prefer = ['odata.maxpagesize=2', IMMUTABLE];
    const first = await drain(client, "/me/mailFolders('inbox')/messages/delta?$select=subject,internetMessageId,conversationId", prefer);
    expect(first.pages).toBe(3);
    expect(first.items.map((m) => m['subject'])).toEqual(['Hello 1', 'Hello 2', 'Hello 3', 'Hello 4', 'Hello 5']);
    expect(first.items[0]).not.toHaveProperty('body');
    expect(first.deltaLink).toMatch(/^https:\/\/graph\.microsoft\.com\/v1\.0\/me\/mailFolders\('inbox'\)\/messages\/delta\?\$deltatoken=/);

    const added = emu.insertMessage(SAM, mail({ subject: 'New one', id: 'm6@example.org' }));
    emu.deleteMessage(SAM, ids[0]!.id);
    emu.moveMessage(SAM, ids[1]!.immutableId, 'archive');
    const second = await drain(client, first.deltaLink, prefer);
    const removed = second.items.filter((i) => i['@removed']).map((i) => i['id']);
    expect(removed.sort()).toEqual([ids[0]!.immutableId, ids[1]!.immutableId].sort());
    expect(second.items.filter((i) => !i['@removed']).map((i) => i['id'])).toEqual([added.immutableId]);
    // Replaying the same deltaLink gives the same changes.
    expect((await drain(client, first.deltaLink, prefer)).items.length).toBe(second.items.length);
    // The archive delta sees the moved message under the same immutable id.
    const archive = await drain(client, '/me/mailFolders/archive/messages/delta', prefer);
    expect(archive.items.map((i) => i['id'])).toEqual([ids[1]!.immutableId]);
    // Without ImmutableId, the REST id changed with the move.
    const moved = emu.messages(SAM).find((m) => m.immutableId === ids[1]!.immutableId);
    expect(moved?.id).not.toBe(ids[1]!.id);
  });

  it('answers 410 SyncStateNotFound after expireDeltaTokens and after the retention', async () => {
    const emu = await start({ deltaRetentionMs: 7 * DAY });
    emu.insertMessage(SAM, mail({ subject: 'One', id: 'one@example.org' }));
    const client = graphClient(emu);
    const { deltaLink } = await drain(client, '/me/mailFolders/inbox/messages/delta', []);
    emu.expireDeltaTokens(SAM);
    const err = (await client.api(deltaLink).get().catch((e: unknown) => e)) as GraphError;
    expect(err).toBeInstanceOf(GraphError);
    expect(err.statusCode).toBe(410);
    expect(err.code).toBe('SyncStateNotFound');
    const fresh = await drain(client, '/me/mailFolders/inbox/messages/delta', []);
    emu.advanceClock(8 * DAY);
    const late = await fetch(`${emu.url}v1.0${new URL(fresh.deltaLink).pathname.slice(5)}${new URL(fresh.deltaLink).search}`, { headers: { authorization: `Bearer ${emu.issueAccessToken(SAM)}` } });
    expect(late.status).toBe(410);
    emu.expireDeltaTokens(SAM, { withLocation: true });
    const { deltaLink: third } = await drain(graphClient(emu), '/me/mailFolders/inbox/messages/delta', []);
    emu.expireDeltaTokens(SAM, { withLocation: true });
    const located = await fetch(third.replace('https://graph.microsoft.com/', emu.url), { headers: { authorization: `Bearer ${emu.issueAccessToken(SAM)}` } });
    expect(located.status).toBe(410);
    expect(located.headers.get('location')).toMatch(/^https:\/\/graph\.microsoft\.com\/v1\.0\/me\/mailFolders/);
  });

  it('lists with $filter, $top and nextLink, and serves the MIME through $value', async () => {
    const emu = await start();
    for (let n = 1; n <= 4; n++) emu.insertMessage(SAM, mail({ subject: `S${n}`, id: `s${n}@example.org` }), { receivedDateTime: new Date(T0.getTime() - n * DAY) });
    const client = graphClient(emu);
    const page = (await client.api('/me/mailFolders/inbox/messages').filter('receivedDateTime ge 2024-06-07T00:00:00Z').top(2).select('subject').orderby('receivedDateTime desc').get()) as Page;
    expect(page.value.map((m) => m['subject'])).toEqual(['S1', 'S2']);
    const next = (await client.api(page['@odata.nextLink'] ?? '').get()) as Page;
    expect(next.value.map((m) => m['subject'])).toEqual(['S3']);
    const id = emu.messages(SAM)[0]!.id;
    const raw = (await client.api(`/me/messages/${id}/$value`).responseType(ResponseType.TEXT).get()) as string;
    expect(raw).toContain('Message-ID: <s1@example.org>');
    const one = (await client.api(`/me/messages/${id}`).get()) as Record<string, unknown>;
    expect(one).toMatchObject({ internetMessageId: '<s1@example.org>', isDraft: false, from: { emailAddress: { address: ANA } } });
  });

  it('keeps the immutable id and internetMessageId through send, and threads createReply', async () => {
    const emu = await start();
    const original = emu.insertMessage(SAM, mail({ subject: 'Coffee chat?', id: 'orig@example.org' }));
    const client = graphClient(emu);
    const reply = (await client.api(`/me/messages/${original.immutableId}/createReply`).header('Prefer', IMMUTABLE).post({ comment: 'Sure!' })) as Record<string, unknown>;
    expect(reply).toMatchObject({ subject: 'RE: Coffee chat?', conversationId: original.conversationId, isDraft: true, toRecipients: [{ emailAddress: { address: ANA } }] });
    const draftRaw = emu.messages(SAM).find((m) => m.immutableId === reply['id'])!.raw.toString();
    expect(draftRaw).toContain('In-Reply-To: <orig@example.org>');
    expect(draftRaw).toContain('References: <orig@example.org>');
    await client.api(`/me/messages/${String(reply['id'])}`).header('Prefer', IMMUTABLE).patch({ body: { contentType: 'text', content: 'Sure, Tuesday?' } });
    await client.api(`/me/messages/${String(reply['id'])}/send`).header('Prefer', IMMUTABLE).post(null);
    const sent = emu.messages(SAM).find((m) => m.immutableId === reply['id']);
    expect(sent).toMatchObject({ folder: 'sentitems', isDraft: false, internetMessageId: reply['internetMessageId'] });
    expect(sent?.raw.toString()).toContain('In-Reply-To: <orig@example.org>');
    // Delivered to the other local user, in the same conversation there.
    expect(emu.messages(ANA).map((m) => m.internetMessageId)).toEqual([reply['internetMessageId']]);
    // A MIME draft keeps its own Message-ID.
    const mime = Buffer.from(mail({ from: SAM, to: ANA, subject: 'Own id', id: 'rapport-1@rapport.test' })).toString('base64');
    const draft = (await client.api('/me/messages').header('Content-Type', 'text/plain').post(mime)) as Record<string, unknown>;
    expect(draft).toMatchObject({ internetMessageId: '<rapport-1@rapport.test>', isDraft: true });
    await client.api('/me/sendMail').post({ message: { subject: 'Hi', body: { contentType: 'text', content: 'x' }, toRecipients: [{ emailAddress: { address: ANA } }] } });
    expect(emu.messages(ANA)).toHaveLength(2);
    const err = (await client.api('/me/messages').post({ subject: 'x', internetMessageHeaders: [{ name: 'In-Reply-To', value: '<a@b>' }] }).catch((e: unknown) => e)) as GraphError;
    expect(err.statusCode).toBe(400);
  });
});

describe('calendar', () => {
  it('pages calendarView delta with occurrences, then reports a cancelled occurrence and a change', async () => {
    const emu = await start();
    const single = emu.insertEvent(SAM, { subject: 'Intro call', start: { dateTime: '2024-06-11T09:00:00', timeZone: 'UTC' }, end: { dateTime: '2024-06-11T09:30:00', timeZone: 'UTC' }, organizer: { address: ANA }, attendees: [{ address: SAM, response: 'accepted' }] });
    const series = emu.insertEvent(SAM, {
      subject: 'Weekly', start: { dateTime: '2024-06-12T10:00:00', timeZone: 'Europe/Berlin' }, end: { dateTime: '2024-06-12T10:30:00', timeZone: 'Europe/Berlin' },
      recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['wednesday'] }, range: { type: 'numbered', startDate: '2024-06-12', numberOfOccurrences: 3 } },
    });
    const client = graphClient(emu);
    const first = await drain(client, '/me/calendarView/delta?startDateTime=2024-06-10T00:00:00Z&endDateTime=2024-07-10T00:00:00Z', ['odata.maxpagesize=2']);
    expect(first.pages).toBe(2);
    expect(first.items.map((e) => e['type'])).toEqual(['singleInstance', 'occurrence', 'occurrence', 'occurrence']);
    expect(first.items[1]).toMatchObject({ seriesMasterId: series.id, start: { dateTime: '2024-06-12T08:00:00.0000000', timeZone: 'UTC' } });
    expect(first.items[0]).toMatchObject({ responseStatus: { response: 'accepted' }, attendees: [{ status: { response: 'accepted' } }] });
    const occurrence = String(first.items[2]!['id']);
    emu.cancelEvent(SAM, occurrence);
    emu.updateEvent(SAM, single.id, { subject: 'Intro call (moved)' });
    const second = await drain(client, first.deltaLink, []);
    expect(second.items).toEqual(expect.arrayContaining([expect.objectContaining({ id: occurrence, '@removed': { reason: 'deleted' } }), expect.objectContaining({ id: single.id, subject: 'Intro call (moved)' })]));
    expect(second.items).toHaveLength(2);
    emu.expireDeltaTokens(SAM);
    expect(((await client.api(second.deltaLink).get().catch((e: unknown) => e)) as GraphError).statusCode).toBe(410);
  });
});

describe('invitations and seeding', () => {
  const ics = (method: string, status = 'CONFIRMED') => [
    'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//rapport test//EN', `METHOD:${method}`, 'BEGIN:VEVENT', 'UID:invite-1@example.org', 'SEQUENCE:0',
    'DTSTART:20240614T090000Z', 'DTEND:20240614T093000Z', 'SUMMARY:Informational interview', `STATUS:${status}`,
    `ORGANIZER;CN=Ana Ruiz:mailto:${ANA}`, `ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:${SAM}`, 'END:VEVENT', 'END:VCALENDAR', '',
  ].join('\r\n');
  const invitation = (method: string, id: string) => [
    `From: Ana Ruiz <${ANA}>`, `To: ${SAM}`, 'Subject: Invitation: Informational interview', 'Date: Mon, 10 Jun 2024 10:00:00 +0000', `Message-ID: <${id}>`,
    'MIME-Version: 1.0', `Content-Type: text/calendar; charset=utf-8; method=${method}`, '', ics(method, method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'),
  ].join('\r\n');

  it('serves invitations as eventMessageRequest and puts them on the calendar', async () => {
    const emu = await start();
    const { id } = emu.insertMessage(SAM, invitation('REQUEST', 'inv1@example.org'));
    const client = graphClient(emu);
    expect(await client.api(`/me/messages/${id}`).get()).toMatchObject({ '@odata.type': '#microsoft.graph.eventMessageRequest', meetingMessageType: 'meetingRequest' });
    const view = '/me/calendarView/delta?startDateTime=2024-06-10T00:00:00Z&endDateTime=2024-06-20T00:00:00Z';
    const first = await drain(client, view, []);
    expect(first.items).toEqual([expect.objectContaining({ iCalUId: 'invite-1@example.org', subject: 'Informational interview', type: 'singleInstance', organizer: { emailAddress: { name: 'Ana Ruiz', address: ANA } } })]);
    emu.insertMessage(SAM, invitation('CANCEL', 'inv2@example.org'));
    const second = await drain(client, first.deltaLink, []);
    expect(second.items).toEqual([expect.objectContaining({ id: first.items[0]!['id'], '@removed': { reason: 'deleted' } })]);
  });

  it('seeds from a folder: mail from the user to sentitems, the rest to inbox, .ics to the calendar', async () => {
    const emu = await start();
    const dir = await mkdtemp(join(tmpdir(), 'graph-seed-'));
    try {
      await writeFile(join(dir, '1.eml'), mail({ subject: 'Question', id: 'q@example.org', date: 'Mon, 3 Jun 2024 09:00:00 +0000' }));
      await writeFile(join(dir, '2.eml'), mail({ from: SAM, to: ANA, subject: 'Re: Question', id: 'a@example.com', inReplyTo: 'q@example.org', date: 'Mon, 3 Jun 2024 10:00:00 +0000' }));
      await writeFile(join(dir, 'cal.ics'), ics('PUBLISH'));
      expect(await emu.seedFromFolder(SAM, dir)).toEqual({ messages: 2, events: 1 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const [question, answer] = emu.messages(SAM);
    expect(question).toMatchObject({ folder: 'inbox', internetMessageId: '<q@example.org>' });
    expect(answer).toMatchObject({ folder: 'sentitems', conversationId: question!.conversationId });
    expect(emu.events(SAM)).toEqual([expect.objectContaining({ iCalUId: 'invite-1@example.org' })]);
  });
});

describe('cli', () => {
  it('prints how to point rapport at it, with a refresh token the token endpoint takes', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const emu = await runGraphEmulatorFromCli({ port: 0, user: 'me@rapport.test' });
      started.push(emu);
      const text = write.mock.calls.map((c) => String(c[0])).join('');
      expect(text).toContain(`RAPPORT_GRAPH_URL=${emu.url}`);
      expect(text).toContain(`RAPPORT_MICROSOFT_AUTHORITY=${emu.url}common`);
      expect(text).toContain('RAPPORT_MICROSOFT_CLIENT_ID=rapport-test');
      const refreshToken = /refresh token: (\S+)/.exec(text)?.[1] ?? '';
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'rapport-test', client_secret: 'rapport-test-secret' });
      expect((await fetch(`${emu.url}common/oauth2/v2.0/token`, { method: 'POST', body: form })).status).toBe(200);
    } finally {
      write.mockRestore();
    }
  });
});

describe('subscriptions', () => {
  it('validates, then delivers notifications with clientState, and lifecycle events', async () => {
    const emu = await start();
    const received: { path: string; body: { value: Record<string, unknown>[] } }[] = [];
    const receiver = await listen((req, body, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const token = url.searchParams.get('validationToken');
      if (token !== null) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
        return;
      }
      received.push({ path: url.pathname, body: JSON.parse(body) as { value: Record<string, unknown>[] } });
      res.writeHead(202).end();
    });
    const client = graphClient(emu);
    const expirationDateTime = new Date(T0.getTime() + 2 * DAY).toISOString();
    const sub = (await client.api('/subscriptions').post({
      changeType: 'created,updated,deleted', notificationUrl: `${receiver.url}notify`, lifecycleNotificationUrl: `${receiver.url}lifecycle`,
      resource: "me/mailFolders('inbox')/messages", expirationDateTime, clientState: 'secret-1',
    })) as Record<string, unknown>;
    expect(sub['id']).toBeTruthy();
    emu.insertMessage(SAM, mail({ subject: 'Ping', id: 'ping@example.org' }));
    await waitFor(() => received.length >= 1);
    expect(received[0]!.body.value[0]).toMatchObject({ subscriptionId: sub['id'], clientState: 'secret-1', changeType: 'created' });
    await emu.notifyNow(SAM, { duplicate: 1, clientState: 'forged' });
    expect(received.filter((r) => r.body.value[0]!['clientState'] === 'forged')).toHaveLength(2);
    await emu.fireLifecycle(SAM, 'reauthorizationRequired');
    expect(received.at(-1)).toMatchObject({ path: '/lifecycle', body: { value: [{ lifecycleEvent: 'reauthorizationRequired' }] } });
    // A too-long expiry and an endpoint that does not echo fail the create.
    const tooLong = (await client.api('/subscriptions').post({ changeType: 'created', notificationUrl: `${receiver.url}notify`, resource: 'me/messages', expirationDateTime: new Date(T0.getTime() + 8 * DAY).toISOString() }).catch((e: unknown) => e)) as GraphError;
    expect(tooLong.statusCode).toBe(400);
    const silent = await listen((_req, _body, res) => res.writeHead(200).end('nope'));
    const failed = (await client.api('/subscriptions').post({ changeType: 'created', notificationUrl: `${silent.url}n`, resource: 'me/messages', expirationDateTime }).catch((e: unknown) => e)) as GraphError;
    expect(failed.statusCode).toBe(400);
    await client.api(`/subscriptions/${String(sub['id'])}`).patch({ expirationDateTime: new Date(T0.getTime() + 3 * DAY).toISOString() });
    emu.advanceClock(4 * DAY);
    expect(((await graphClient(emu).api(`/subscriptions/${String(sub['id'])}`).get().catch((e: unknown) => e)) as GraphError).statusCode).toBe(404);
  });
});

describe('notification retries', () => {
  it('retries a notification answered with 5xx, on the emulator clock', async () => {
    const emu = await start({ notificationTimeoutMs: 200 });
    let calls = 0;
    const receiver = await listen((req, _body, res) => {
      const token = new URL(req.url ?? '/', 'http://x').searchParams.get('validationToken');
      if (token !== null) return void res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
      calls += 1;
      res.writeHead(calls === 1 ? 503 : 202).end();
    });
    await graphClient(emu).api('/subscriptions').post({
      changeType: 'created', notificationUrl: `${receiver.url}n`, resource: 'me/messages', expirationDateTime: new Date(T0.getTime() + DAY).toISOString(), clientState: 'c',
    });
    emu.insertMessage(SAM, mail({ subject: 'Retry me', id: 'r@example.org' }));
    await waitFor(() => calls === 1);
    expect(calls).toBe(1);
    // The retry is scheduled once the 503 is read; each jump runs whatever became due.
    await waitFor(() => {
      emu.advanceClock(10_000);
      return calls === 2;
    });
  });
});

describe('throttling, faults and $batch', () => {
  it('answers the 5th concurrent request of a mailbox with 429 ApplicationThrottled', async () => {
    const emu = await start();
    emu.addFault({ match: /GET \/v1\.0\/me$/, kind: 'latency', latencyMs: 300 });
    const token = emu.issueAccessToken(SAM);
    const results = await Promise.all(Array.from({ length: 5 }, () => fetch(`${emu.url}v1.0/me`, { headers: { authorization: `Bearer ${token}` } })));
    const throttled = results.filter((r) => r.status === 429);
    expect(throttled).toHaveLength(1);
    expect(throttled[0]!.headers.get('retry-after')).toBe('1');
    expect(((await throttled[0]!.json()) as { error: { code: string } }).error.code).toBe('ApplicationThrottled');
    expect(emu.maxConcurrentSeen(SAM)).toBe(4);
    expect(Math.max(...emu.requestLog.map((e) => e.concurrent))).toBe(5);
    // Another mailbox is not affected.
    expect((await fetch(`${emu.url}v1.0/me`, { headers: { authorization: `Bearer ${emu.issueAccessToken(ANA)}` } })).status).toBe(200);
  });

  it('enforces the 10-minute budget', async () => {
    const emu = await start({ requestsPer10Minutes: 3 });
    const client = graphClient(emu);
    for (let i = 0; i < 3; i++) await client.api('/me').get();
    const err = (await client.api('/me').get().catch((e: unknown) => e)) as GraphError;
    expect(err.statusCode).toBe(429);
    emu.advanceClock(10 * 60_000 + 1);
    await expect(client.api('/me').get()).resolves.toMatchObject({ mail: SAM });
  });

  it('injects faults that the client retries or surfaces', async () => {
    const emu = await start();
    const retrying = graphClient(emu, SAM, 3);
    emu.addFault({ match: /\/me$/, kind: '429', retryAfterSeconds: 0, count: 2 });
    await expect(retrying.api('/me').get()).resolves.toMatchObject({ mail: SAM });
    expect(emu.requestLog.filter((e) => e.path === '/v1.0/me').map((e) => e.status)).toEqual([429, 429, 200]);
    emu.addFault({ match: /\/me$/, kind: '500', count: 1 });
    const err = (await graphClient(emu).api('/me').get().catch((e: unknown) => e)) as GraphError;
    expect(err).toMatchObject({ statusCode: 500, code: 'InternalServerError' });
    emu.addFault({ match: /\/me$/, kind: 'drop', count: 1 });
    await expect(graphClient(emu).api('/me').get()).rejects.toBeTruthy();
  });

  it('runs $batch items with dependsOn and per-item errors', async () => {
    const emu = await start();
    const id = emu.insertMessage(SAM, mail({ subject: 'Batch me', id: 'b@example.org' })).id;
    const client = graphClient(emu);
    emu.addFault({ match: /GET \/v1\.0\/me$/, kind: '429', retryAfterSeconds: 7, count: 1 });
    const result = (await client.api('/$batch').post({
      requests: [
        { id: '1', method: 'GET', url: '/me' },
        { id: '2', method: 'GET', url: `/me/messages/${id}?$select=subject` },
        { id: '3', method: 'GET', url: '/me/messages/missing' },
        { id: '4', method: 'POST', url: `/me/messages/${id}/createReply`, headers: { 'Content-Type': 'application/json' }, body: {}, dependsOn: ['3'] },
      ],
    })) as { responses: { id: string; status: number; headers: Record<string, string>; body: Record<string, unknown> }[] };
    const byId = new Map(result.responses.map((r) => [r.id, r]));
    expect(byId.get('1')).toMatchObject({ status: 429, headers: { 'retry-after': '7' } });
    expect(byId.get('2')).toMatchObject({ status: 200, body: { subject: 'Batch me' } });
    expect(byId.get('3')?.status).toBe(404);
    expect(byId.get('4')?.status).toBe(424);
    const tooMany = (await client.api('/$batch').post({ requests: Array.from({ length: 21 }, (_v, i) => ({ id: String(i), method: 'GET', url: '/me' })) }).catch((e: unknown) => e)) as GraphError;
    expect(tooMany.statusCode).toBe(400);
  });
});

async function listen(handler: (req: import('node:http').IncomingMessage, body: string, res: import('node:http').ServerResponse) => void): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  started.push({ close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

async function waitFor(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
