/**
 * The Google emulator against the real, unmodified googleapis client and
 * google-auth-library: OAuth, Gmail reads, history, drafts and sending, push, quota,
 * faults, and Calendar sync and push. Time moves with advanceClock, not sleeps.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Auth, google } from 'googleapis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runGoogleEmulatorFromCli, startGoogleEmulator, type GoogleEmulator, type GoogleEmulatorOptions } from '../emulators/google/index.ts';

const CLIENT_ID = 'rapport-test';
const CLIENT_SECRET = 'rapport-test-secret';
const REDIRECT = 'http://127.0.0.1:3999/oauth/callback';
const SAM = 'sam@example.com';
const ANA = 'ana@example.org';
const T0 = new Date('2024-06-10T12:00:00Z');
const DAY = 86_400_000;
const G = 'https://www.googleapis.com/auth/';
/** gaxios retries GETs on 429/5xx by itself; fault and quota tests look at single answers. */
const NO_RETRY = { retry: false };

const started: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

async function start(options: GoogleEmulatorOptions = {}): Promise<GoogleEmulator> {
  const emu = await startGoogleEmulator({ now: T0, ...options });
  started.push(emu);
  emu.addUser(SAM);
  return emu;
}

function oauthClient(emu: GoogleEmulator) {
  return new google.auth.OAuth2({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: REDIRECT,
    endpoints: { oauth2TokenUrl: `${emu.url}token`, oauth2AuthBaseUrl: `${emu.url}o/oauth2/v2/auth` },
  });
}

/** Fresh clients (a fresh access token) for a user, as after a restart. */
function clientsFor(emu: GoogleEmulator, user = SAM, scopes?: string[]) {
  const auth = oauthClient(emu);
  auth.setCredentials({ refresh_token: emu.issueRefreshToken(user, undefined, scopes) });
  return {
    auth,
    gmail: google.gmail({ version: 'v1', auth, rootUrl: emu.url }),
    calendar: google.calendar({ version: 'v3', auth, rootUrl: emu.url }),
  };
}

interface MailSpec {
  from: string;
  to: string;
  subject: string;
  body?: string;
  date?: string;
  messageId?: string;
  inReplyTo?: string;
}

function mail(spec: MailSpec): string {
  const lines = [
    `From: ${spec.from}`,
    `To: ${spec.to}`,
    `Subject: ${spec.subject}`,
    ...(spec.date ? [`Date: ${spec.date}`] : []),
    ...(spec.messageId ? [`Message-ID: <${spec.messageId}>`] : []),
    ...(spec.inReplyTo ? [`In-Reply-To: <${spec.inReplyTo}>`, `References: <${spec.inReplyTo}>`] : []),
    'Content-Type: text/plain; charset="UTF-8"',
    '',
    spec.body ?? 'Hello.',
  ];
  return lines.join('\r\n');
}

const b64url = (text: string) => Buffer.from(text).toString('base64url');

interface Failure {
  status: number;
  reason: string | undefined;
  message: string;
  data: unknown;
  headers: Headers;
}

/** The GaxiosError a call rejects with, reduced to what the sync code reads. */
async function failure(call: Promise<unknown>): Promise<Failure> {
  try {
    await call;
  } catch (err) {
    const e = err as { status?: number; message: string; response?: { data?: unknown; headers?: Headers } };
    const data = e.response?.data as { error?: { errors?: { reason?: string }[] } } | undefined;
    return {
      status: e.status ?? 0,
      reason: data?.error?.errors?.[0]?.reason,
      message: e.message,
      data: e.response?.data,
      headers: e.response?.headers ?? new Headers(),
    };
  }
  throw new Error('expected the call to fail');
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

interface Hook {
  url: string;
  received: { headers: IncomingHttpHeaders; body: string }[];
  /** Status codes to answer with, in order; 204 once used up. */
  statuses: number[];
}

/** A local HTTP endpoint standing in for the Pub/Sub push subscription or a calendar webhook. */
async function startHook(): Promise<Hook> {
  const hook: Hook = { url: '', received: [], statuses: [] };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hook.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(hook.statuses.shift() ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hook.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  started.push({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
  return hook;
}

function pushedHistoryIds(hook: Hook): string[] {
  return hook.received.map((r) => {
    const envelope = JSON.parse(r.body) as { message: { data: string } };
    return (JSON.parse(Buffer.from(envelope.message.data, 'base64url').toString('utf8')) as { historyId: string }).historyId;
  });
}

describe('OAuth', () => {
  it('consents, exchanges a PKCE code once, refreshes, and answers invalid_grant after a revoke', async () => {
    const emu = await start();
    const auth = oauthClient(emu);
    const { codeVerifier, codeChallenge } = await auth.generateCodeVerifierAsync();
    const scopes = [`${G}gmail.readonly`, `${G}gmail.compose`, `${G}calendar.events.readonly`];
    const authUrl = auth.generateAuthUrl({
      access_type: 'offline', prompt: 'consent', scope: scopes, state: 'st-1',
      code_challenge_method: Auth.CodeChallengeMethod.S256, code_challenge: codeChallenge,
    });
    expect(authUrl.startsWith(`${emu.url}o/oauth2/v2/auth?`)).toBe(true);
    const consent = await fetch(authUrl, { redirect: 'manual' });
    expect(consent.status).toBe(302);
    const back = new URL(consent.headers.get('location') ?? '');
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-1');
    expect(back.searchParams.get('scope')?.split(' ')).toEqual(scopes);
    const code = back.searchParams.get('code') ?? '';

    const { tokens } = await auth.getToken({ code, codeVerifier });
    expect(tokens).toMatchObject({ token_type: 'Bearer', scope: scopes.join(' ') });
    expect(tokens.refresh_token).toBeTruthy();
    expect((await failure(auth.getToken({ code, codeVerifier }))).message).toBe('invalid_grant'); // codes are single use

    auth.setCredentials(tokens);
    const gmail = google.gmail({ version: 'v1', auth, rootUrl: emu.url });
    expect((await gmail.users.getProfile({ userId: 'me' })).data.emailAddress).toBe(SAM);
    const refreshed = await auth.refreshAccessToken();
    expect(refreshed.credentials.access_token).not.toBe(tokens.access_token);
    expect((await gmail.users.getProfile({ userId: SAM })).status).toBe(200);

    emu.revokeTokens(SAM);
    const unauthorized = await failure(gmail.users.getProfile({ userId: 'me' }, NO_RETRY));
    expect(unauthorized).toMatchObject({ status: 401, reason: 'authError' });
    const revoked = await failure(auth.refreshAccessToken());
    expect(revoked).toMatchObject({ status: 400, message: 'invalid_grant' });
    expect(revoked.data).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
  });

  it('grants narrower scopes when told to, and checks scopes and client secrets', async () => {
    const emu = await start();
    emu.setGrantedScopes([`${G}gmail.readonly`]);
    const auth = oauthClient(emu);
    const consent = await fetch(
      auth.generateAuthUrl({ access_type: 'offline', scope: [`${G}gmail.readonly`, `${G}calendar.readonly`] }),
      { redirect: 'manual' },
    );
    const code = new URL(consent.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const { tokens } = await auth.getToken(code);
    expect(tokens.scope).toBe(`${G}gmail.readonly`);
    auth.setCredentials(tokens);
    const calendar = google.calendar({ version: 'v3', auth, rootUrl: emu.url });
    expect(await failure(calendar.events.list({ calendarId: 'primary' }, NO_RETRY))).toMatchObject({ status: 403, reason: 'insufficientPermissions' });

    const { gmail } = clientsFor(emu, SAM, [`${G}gmail.compose`]);
    expect(await failure(gmail.users.messages.list({ userId: 'me' }, NO_RETRY))).toMatchObject({ status: 403, reason: 'insufficientPermissions' });

    const wrongSecret = new google.auth.OAuth2({ clientId: CLIENT_ID, clientSecret: 'nope', endpoints: { oauth2TokenUrl: `${emu.url}token` } });
    wrongSecret.setCredentials({ refresh_token: emu.issueRefreshToken(SAM) });
    expect(await failure(wrongSecret.refreshAccessToken())).toMatchObject({ status: 401, message: 'invalid_client' });
  });
});

describe('Gmail reads', () => {
  async function seededInbox() {
    const emu = await start();
    const at = (iso: string) => ({ internalDate: new Date(iso) });
    const m1 = emu.insertMessage(SAM, mail({ from: `Ana Ruiz <${ANA}>`, to: SAM, subject: 'Coffee chat?', messageId: 'coffee-1@example.org' }), {
      labelIds: ['INBOX', 'UNREAD'], ...at('2024-06-03T16:00:00Z'),
    });
    const m2 = emu.insertMessage(SAM, mail({ from: SAM, to: ANA, subject: 'Re: Coffee chat?', inReplyTo: 'coffee-1@example.org' }), {
      labelIds: ['SENT'], ...at('2024-06-04T10:00:00Z'),
    });
    const m3 = emu.insertMessage(SAM, mail({ from: 'deals@shop.example', to: SAM, subject: 'Big sale' }), {
      labelIds: ['INBOX', 'CATEGORY_PROMOTIONS'], ...at('2024-06-09T09:00:00Z'),
    });
    const m4 = emu.insertMessage(SAM, mail({ from: 'prize@spam.example', to: SAM, subject: 'You won' }), { labelIds: ['SPAM'], ...at('2024-06-09T13:00:00Z') });
    const m5 = emu.insertMessage(SAM, mail({ from: 'bob@acme.example', to: SAM, subject: 'Project update', body: 'The quarterly numbers are attached.' }), {
      labelIds: ['INBOX'], ...at('2024-06-10T08:00:00Z'),
    });
    return { emu, ...clientsFor(emu), m1, m2, m3, m4, m5 };
  }

  it('lists with q, labelIds, spam hidden, newest first, opaque paging and no key when empty', async () => {
    const { gmail, m1, m2, m3, m4, m5 } = await seededInbox();
    const ids = async (params: Record<string, unknown>) =>
      ((await gmail.users.messages.list({ userId: 'me', ...params })).data.messages ?? []).map((m) => m.id);
    expect(await ids({ q: 'from:ana' })).toEqual([m1.id]);
    expect(await ids({ q: 'subject:coffee' })).toEqual([m2.id, m1.id]);
    expect(await ids({ q: 'in:inbox -category:promotions' })).toEqual([m5.id, m1.id]);
    expect(await ids({ q: 'newer_than:2d' })).toEqual([m5.id, m3.id]);
    // Dates are midnight Pacific time: 2024-06-10 07:00Z excludes m5.
    expect(await ids({ q: 'after:2024/06/04 before:2024/06/10' })).toEqual([m3.id, m2.id]);
    expect(await ids({ q: `after:${Date.parse('2024-06-09T10:00:00Z') / 1000}` })).toEqual([m5.id]);
    expect(await ids({ q: '"quarterly numbers"' })).toEqual([m5.id]);
    expect(await ids({ q: 'numbers quarterly' })).toEqual([m5.id]);
    expect(await ids({ q: '"numbers quarterly"' })).toEqual([]);
    expect(await ids({ q: 'is:unread' })).toEqual([m1.id]);
    expect(await ids({ q: 'rfc822msgid:<coffee-1@example.org>' })).toEqual([m1.id]);
    expect(await ids({ q: 'from:bob OR from:deals' })).toEqual([m5.id, m3.id]);
    expect(await ids({ labelIds: ['INBOX', 'UNREAD'] })).toEqual([m1.id]);
    expect(await ids({ q: 'you won' })).toEqual([]);
    expect(await ids({ q: 'you won', includeSpamTrash: true })).toEqual([m4.id]);
    expect(await ids({ q: 'in:spam' })).toEqual([m4.id]);

    const empty = await gmail.users.messages.list({ userId: 'me', q: 'subject:nothing' });
    expect(empty.data).toEqual({ resultSizeEstimate: 0 });

    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const page = await gmail.users.messages.list({ userId: 'me', maxResults: 2, ...(pageToken ? { pageToken } : {}) });
      seen.push(...(page.data.messages ?? []).map((m) => m.id ?? ''));
      pageToken = page.data.nextPageToken ?? undefined;
      pages++;
    } while (pageToken);
    expect(pages).toBe(2);
    expect(seen).toEqual([m5.id, m3.id, m2.id, m1.id]);
    expect(await failure(gmail.users.messages.list({ userId: 'me', maxResults: 501 }, NO_RETRY))).toMatchObject({ status: 400 });
  });

  it('gets a multipart message in every format, with part ids, base64url bodies and attachments', async () => {
    const emu = await start();
    const { gmail } = clientsFor(emu);
    const pdf = Buffer.from(Array.from({ length: 300 }, (_v, i) => i % 256));
    const raw = [
      `From: Ana Ruiz <${ANA}>`,
      `To: ${SAM}`,
      'Subject: =?UTF-8?B?' + Buffer.from('CV für dich').toString('base64') + '?=',
      'Message-ID: <cv-1@example.org>',
      'Date: Mon, 03 Jun 2024 16:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="outer"',
      '',
      '--outer',
      'Content-Type: multipart/alternative; boundary="inner"',
      '',
      '--inner',
      'Content-Type: text/plain; charset="UTF-8"',
      'Content-Transfer-Encoding: quoted-printable',
      '',
      'Hi Sam, here is my CV =E2=80=94 thanks!',
      '--inner',
      'Content-Type: text/html; charset="UTF-8"',
      '',
      '<p>Hi Sam, here is my CV &mdash; thanks!</p>',
      '--inner--',
      '--outer',
      'Content-Type: application/pdf; name="cv.pdf"',
      'Content-Disposition: attachment; filename="cv.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      ...(pdf.toString('base64').match(/.{1,76}/g) ?? []),
      '--outer--',
      '',
    ].join('\r\n');
    const { id } = emu.insertMessage(SAM, raw, { internalDate: new Date('2024-06-03T16:00:05Z') });

    const full = (await gmail.users.messages.get({ userId: 'me', id })).data;
    expect(full).toMatchObject({ id, threadId: id, labelIds: ['INBOX', 'UNREAD'], internalDate: '1717430405000', sizeEstimate: Buffer.byteLength(raw) });
    expect(full.snippet).toBe('Hi Sam, here is my CV — thanks!');
    const payload = full.payload!;
    expect(payload).toMatchObject({ partId: '', mimeType: 'multipart/mixed', filename: '', body: { size: 0 } });
    expect(payload.headers?.find((h) => h.name === 'Subject')?.value).toBe('CV für dich');
    const [alternative, attachment] = payload.parts!;
    expect(alternative?.partId).toBe('0');
    expect(alternative?.parts?.map((p) => [p.partId, p.mimeType])).toEqual([['0.0', 'text/plain'], ['0.1', 'text/html']]);
    const text = alternative?.parts?.[0]?.body;
    expect(text?.data).not.toMatch(/[=+/]/); // unpadded base64url
    expect(Buffer.from(text?.data ?? '', 'base64url').toString('utf8')).toBe('Hi Sam, here is my CV — thanks!');
    expect(attachment).toMatchObject({ partId: '1', mimeType: 'application/pdf', filename: 'cv.pdf', body: { size: 300 } });
    expect(attachment?.body?.data).toBeUndefined();
    const fetched = await gmail.users.messages.attachments.get({ userId: 'me', messageId: id, id: attachment?.body?.attachmentId ?? '' });
    expect(Buffer.from(fetched.data.data ?? '', 'base64url')).toEqual(pdf);

    const rawFormat = (await gmail.users.messages.get({ userId: 'me', id, format: 'raw' })).data;
    expect(rawFormat.payload).toBeUndefined();
    expect(Buffer.from(rawFormat.raw ?? '', 'base64url').toString('utf8')).toBe(raw);
    const metadata = (await gmail.users.messages.get({ userId: 'me', id, format: 'metadata', metadataHeaders: ['Subject', 'from'] })).data;
    expect(metadata.payload?.headers?.map((h) => h.name)).toEqual(['From', 'Subject']);
    expect(metadata.payload?.parts).toBeUndefined();
    const minimal = (await gmail.users.messages.get({ userId: 'me', id, format: 'minimal' })).data;
    expect(Object.keys(minimal).sort()).toEqual(['historyId', 'id', 'internalDate', 'labelIds', 'sizeEstimate', 'snippet', 'threadId']);
    expect(await failure(gmail.users.messages.get({ userId: 'me', id: '18f0000000009999' }, NO_RETRY))).toMatchObject({ status: 404, reason: 'notFound' });
  });

  it('threads replies and returns threads in order', async () => {
    const { gmail, m1, m2, m3 } = await seededInbox();
    expect(m2.threadId).toBe(m1.threadId);
    const thread = (await gmail.users.threads.get({ userId: 'me', id: m1.threadId, format: 'minimal' })).data;
    expect(thread.messages?.map((m) => m.id)).toEqual([m1.id, m2.id]);
    const threads = (await gmail.users.threads.list({ userId: 'me' })).data.threads ?? [];
    expect(threads.map((t) => t.id)).toEqual([expect.any(String), m3.threadId, m1.threadId]);
  });
});

describe('Gmail history', () => {
  it('records gapped, ascending changes with types and paging, and 404s below the retention floor', async () => {
    const emu = await start();
    const old = emu.insertMessage(SAM, mail({ from: ANA, to: SAM, subject: 'Old' }));
    const { gmail } = clientsFor(emu);
    const start0 = (await gmail.users.getProfile({ userId: 'me' })).data.historyId ?? '';
    const added = emu.insertMessage(SAM, mail({ from: ANA, to: SAM, subject: 'New' }));
    emu.modifyLabels(SAM, added.id, ['STARRED'], ['UNREAD']);
    emu.deleteMessage(SAM, old.id);
    const head = (await gmail.users.getProfile({ userId: 'me' })).data.historyId ?? '';

    const all = (await gmail.users.history.list({ userId: 'me', startHistoryId: start0 })).data;
    expect(all.historyId).toBe(head);
    const records = all.history ?? [];
    // One modify is one record, with both its additions and removals.
    expect(records.map((r) => Object.keys(r).filter((k) => k !== 'id' && k !== 'messages'))).toEqual([
      ['messagesAdded'], ['labelsAdded', 'labelsRemoved'], ['messagesDeleted'],
    ]);
    const ids = [BigInt(start0), ...records.map((r) => BigInt(r.id ?? '0'))];
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    expect(ids.some((id, i) => i > 0 && id - ids[i - 1]! > 1n)).toBe(true); // gaps
    const withLabels = { id: added.id, threadId: added.threadId, labelIds: ['INBOX', 'STARRED'] };
    expect(records[1]?.labelsAdded).toEqual([{ message: withLabels, labelIds: ['STARRED'] }]);
    expect(records[1]?.labelsRemoved).toEqual([{ message: withLabels, labelIds: ['UNREAD'] }]);

    const onlyAdded = (await gmail.users.history.list({ userId: 'me', startHistoryId: start0, historyTypes: ['messageAdded'] })).data.history ?? [];
    expect(onlyAdded.map((r) => r.messagesAdded?.[0]?.message?.id)).toEqual([added.id]);
    const removals = (await gmail.users.history.list({ userId: 'me', startHistoryId: start0, historyTypes: ['labelRemoved'] })).data.history ?? [];
    expect(removals.map((r) => Object.keys(r))).toEqual([['id', 'messages', 'labelsRemoved']]);
    const starred = (await gmail.users.history.list({ userId: 'me', startHistoryId: start0, labelId: 'STARRED' })).data.history ?? [];
    expect(starred.map((r) => r.id)).toEqual([records[1]?.id]);

    const paged: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = (await gmail.users.history.list({ userId: 'me', startHistoryId: start0, maxResults: 1, ...(pageToken ? { pageToken } : {}) })).data;
      paged.push(...(page.history ?? []).map((r) => r.id ?? ''));
      expect(page.historyId).toBe(head);
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    expect(paged).toEqual(records.map((r) => r.id));
    expect((await gmail.users.history.list({ userId: 'me', startHistoryId: head })).data).toEqual({ historyId: head });

    emu.expireHistory(SAM);
    expect(await failure(gmail.users.history.list({ userId: 'me', startHistoryId: head }, NO_RETRY))).toMatchObject({ status: 404, reason: 'notFound' });
    const fresh = (await gmail.users.getProfile({ userId: 'me' })).data.historyId ?? '';
    expect(BigInt(fresh) > BigInt(head)).toBe(true);
    expect((await gmail.users.history.list({ userId: 'me', startHistoryId: fresh })).data.history).toBeUndefined();

    // Records older than 7 days of emulator time are gone, and so are start ids before them.
    emu.insertMessage(SAM, mail({ from: ANA, to: SAM, subject: 'Later' }));
    emu.advanceClock(8 * DAY);
    const later = clientsFor(emu).gmail; // the old access token expired with the clock
    expect(await failure(later.users.history.list({ userId: 'me', startHistoryId: fresh }, NO_RETRY))).toMatchObject({ status: 404 });
  });
});

describe('Gmail drafts and sending', () => {
  it('threads by Gmail rule, gives updated drafts a new id, and sends with SENT and a Message-ID', async () => {
    const emu = await start();
    const { gmail } = clientsFor(emu);
    const original = emu.insertMessage(SAM, mail({ from: ANA, to: SAM, subject: 'Coffee chat?', messageId: 'c1@example.org' }));
    const reply = (body: string, extra: Partial<MailSpec> = {}) =>
      b64url(mail({ from: SAM, to: ANA, subject: 'Re: Coffee chat?', inReplyTo: 'c1@example.org', body, ...extra }));

    const created = (await gmail.users.drafts.create({ userId: 'me', requestBody: { message: { raw: reply('Thursday?'), threadId: original.threadId } } })).data;
    expect(created.message).toMatchObject({ threadId: original.threadId, labelIds: ['DRAFT'] });
    const head = (await gmail.users.getProfile({ userId: 'me' })).data.historyId ?? '';

    const updated = (await gmail.users.drafts.update({
      userId: 'me', id: created.id ?? '', requestBody: { message: { raw: reply('Thursday at 10?'), threadId: original.threadId } },
    })).data;
    expect(updated.id).toBe(created.id);
    expect(updated.message?.id).not.toBe(created.message?.id);
    const changes = (await gmail.users.history.list({ userId: 'me', startHistoryId: head })).data.history ?? [];
    expect(changes.map((r) => [r.messagesAdded?.[0]?.message?.id, r.messagesDeleted?.[0]?.message?.id])).toEqual([
      [updated.message?.id, undefined],
      [undefined, created.message?.id],
    ]);
    const fetched = (await gmail.users.drafts.get({ userId: 'me', id: created.id ?? '', format: 'raw' })).data;
    expect(Buffer.from(fetched.message?.raw ?? '', 'base64url').toString()).toContain('Thursday at 10?');
    expect((await gmail.users.drafts.list({ userId: 'me' })).data.drafts?.map((d) => d.id)).toEqual([created.id]);

    emu.advanceClock(1000); // sends cost 100 units of the 250 per second
    const sent = (await gmail.users.drafts.send({ userId: 'me', requestBody: { id: created.id ?? '' } })).data;
    expect(sent).toMatchObject({ id: updated.message?.id, threadId: original.threadId, labelIds: ['SENT'] });
    const sentRaw = (await gmail.users.messages.get({ userId: 'me', id: sent.id ?? '', format: 'raw' })).data.raw ?? '';
    expect(Buffer.from(sentRaw, 'base64url').toString()).toMatch(/^Message-ID: <[^>]+@mail\.gmail\.com>/m);
    expect((await gmail.users.drafts.list({ userId: 'me' })).data.drafts).toBeUndefined();

    // Without In-Reply-To, or with another subject, threadId is not enough.
    const noHeaders = (await gmail.users.drafts.create({
      userId: 'me', requestBody: { message: { raw: b64url(mail({ from: SAM, to: ANA, subject: 'Re: Coffee chat?' })), threadId: original.threadId } },
    })).data;
    expect(noHeaders.message?.threadId).not.toBe(original.threadId);
    emu.advanceClock(1000);
    const otherSubject = (await gmail.users.messages.send({
      userId: 'me', requestBody: { raw: reply('x', { subject: 'Something else' }), threadId: original.threadId },
    })).data;
    expect(otherSubject.threadId).not.toBe(original.threadId);

    emu.advanceClock(1000);
    const ownId = (await gmail.users.messages.send({ userId: 'me', requestBody: { raw: reply('Done', { messageId: 'mine-1@rapport.test' }), threadId: original.threadId } })).data;
    expect(ownId.threadId).toBe(original.threadId);
    const kept = emu.messages(SAM).find((m) => m.id === ownId.id);
    expect(kept?.raw.toString()).toContain('Message-ID: <mine-1@rapport.test>');
    expect(kept?.raw.toString()).not.toContain('@mail.gmail.com');

    // The /upload media form, with a per-call rootUrl (E.4).
    emu.advanceClock(1000);
    const uploaded = await gmail.users.messages.send(
      { userId: 'me', media: { mimeType: 'message/rfc822', body: mail({ from: SAM, to: ANA, subject: 'Uploaded' }) } },
      { rootUrl: emu.url },
    );
    expect(uploaded.data.labelIds).toEqual(['SENT']);
    expect(emu.requestLog.some((r) => r.path === '/upload/gmail/v1/users/me/messages/send' && r.status === 200)).toBe(true);
  });

  it('delivers to other emulated users', async () => {
    const emu = await start();
    emu.addUser(ANA);
    const { gmail } = clientsFor(emu);
    await gmail.users.messages.send({ userId: 'me', requestBody: { raw: b64url(mail({ from: SAM, to: ANA, subject: 'Hi Ana' })) } });
    expect(emu.messages(ANA).map((m) => m.labelIds)).toEqual([['INBOX', 'UNREAD']]);
  });
});

describe('Gmail push', () => {
  it('notifies on watch, coalesces to one per second, retries failures, and stops at expiry', async () => {
    const hook = await startHook();
    const emu = await start({ pubsubPushUrl: hook.url });
    const { gmail } = clientsFor(emu);
    const watch = (await gmail.users.watch({ userId: 'me', requestBody: { topicName: 'projects/rapport-test/topics/gmail', labelIds: ['INBOX'] } })).data;
    expect(Number(watch.expiration) - T0.getTime() - 7 * DAY).toBeGreaterThanOrEqual(0); // the clock runs on from T0
    expect(Number(watch.expiration) - T0.getTime() - 7 * DAY).toBeLessThan(5000);
    await waitFor(() => hook.received.length === 1, 'the watch notification');
    const envelope = JSON.parse(hook.received[0]!.body) as { message: { data: string; messageId: string; publishTime: string }; subscription: string };
    expect(envelope.subscription).toBe('projects/rapport-test/subscriptions/gmail-push');
    expect(JSON.parse(Buffer.from(envelope.message.data, 'base64url').toString())).toEqual({ emailAddress: SAM, historyId: watch.historyId });

    for (const subject of ['a', 'b', 'c']) emu.insertMessage(SAM, mail({ from: ANA, to: SAM, subject }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hook.received).toHaveLength(1); // still inside the second
    emu.advanceClock(1000);
    await waitFor(() => hook.received.length === 2, 'the coalesced notification');
    const head = (await gmail.users.getProfile({ userId: 'me' })).data.historyId;
    expect(pushedHistoryIds(hook)[1]).toBe(head);

    hook.statuses.push(500);
    emu.advanceClock(1000);
    emu.insertMessage(SAM, mail({ from: ANA, to: SAM, subject: 'd' }));
    await waitFor(() => hook.received.length === 3, 'the failed delivery');
    emu.advanceClock(1000); // the first retry is due
    await waitFor(() => hook.received.length === 4, 'the redelivery');
    expect(hook.received[3]!.body).toBe(hook.received[2]!.body);

    await emu.pushNow(SAM, { duplicate: 2 });
    expect(hook.received).toHaveLength(7);
    expect(new Set(hook.received.slice(4).map((r) => r.body)).size).toBe(1);

    emu.advanceClock(8 * DAY);
    emu.insertMessage(SAM, mail({ from: ANA, to: SAM, subject: 'after expiry' }));
    emu.advanceClock(2000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hook.received).toHaveLength(7);
  });
});

describe('quota and faults', () => {
  it('answers 429 once a user spends more than 250 units in a second, and charges only successes', async () => {
    const emu = await start();
    const { id } = emu.insertMessage(SAM, mail({ from: ANA, to: SAM, subject: 'Hi' }));
    const { gmail } = clientsFor(emu);
    await gmail.users.getProfile({ userId: 'me' }); // 1 unit; also fetches the access token
    emu.advanceClock(1000);
    const results = await Promise.allSettled(Array.from({ length: 60 }, () => gmail.users.messages.get({ userId: 'me', id, format: 'minimal' }, NO_RETRY)));
    const succeeded = results.filter((r) => r.status === 'fulfilled').length;
    // 50 calls of 5 units fill the second; more only if the burst outlasted a second of real time.
    expect(succeeded).toBeGreaterThanOrEqual(50);
    expect(succeeded).toBeLessThan(60);
    const limited = await failure(Promise.reject((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason));
    expect(limited).toMatchObject({ status: 429, reason: 'rateLimitExceeded' });
    expect((limited.data as { error: { message: string; status: string } }).error).toMatchObject({
      status: 'RESOURCE_EXHAUSTED', message: expect.stringMatching(/^User-rate limit exceeded\. {2}Retry after \d{4}-\d\d-\d\dT/),
    });
    expect(emu.unitsUsed(SAM)).toBe(1 + 5 * succeeded);
    const charged = emu.requestLog.filter((r) => r.units > 0);
    for (const entry of charged) {
      const inWindow = charged.filter((r) => r.at > entry.at - 1000 && r.at <= entry.at);
      expect(inWindow.reduce((sum, r) => sum + r.units, 0)).toBeLessThanOrEqual(250);
    }
    emu.advanceClock(1000);
    expect((await gmail.users.messages.get({ userId: 'me', id, format: 'minimal' }, NO_RETRY)).status).toBe(200);
    expect(emu.requestLog.filter((r) => r.status === 429).every((r) => r.units === 0 && r.user === SAM)).toBe(true);
  });

  it('injects 500, 429 with Retry-After, 403 rate limits, 503s that gaxios retries, drops, latency and seeded rates', async () => {
    const emu = await start();
    const { gmail } = clientsFor(emu);
    const profile = (options: object = NO_RETRY) => gmail.users.getProfile({ userId: 'me' }, options);
    await profile();

    emu.addFault({ kind: '500', count: 1, match: /^GET \/gmail\/v1\/users\/me\/profile$/ });
    expect(await failure(profile())).toMatchObject({ status: 500, reason: 'backendError' });
    expect((await profile()).status).toBe(200);

    emu.addFault({ kind: '429', count: 1, retryAfterSeconds: 7 });
    const tooMany = await failure(profile());
    expect(tooMany).toMatchObject({ status: 429, reason: 'rateLimitExceeded' });
    expect(tooMany.headers.get('retry-after')).toBe('7');

    emu.addFault({ kind: '403-rate', count: 1 });
    expect(await failure(profile())).toMatchObject({ status: 403, reason: 'userRateLimitExceeded' });

    emu.addFault({ kind: '503', count: 1 });
    expect((await profile({})).status).toBe(200); // gaxios retried the GET
    expect(emu.requestLog.slice(-2).map((r) => r.status)).toEqual([503, 200]);

    emu.addFault({ kind: 'drop', count: 1 });
    await expect(profile()).rejects.toThrow();
    expect(emu.requestLog.at(-1)?.status).toBe(0);

    emu.addFault({ kind: 'latency', latencyMs: 150, count: 1 });
    const before = Date.now();
    await profile();
    expect(Date.now() - before).toBeGreaterThanOrEqual(140);

    const pattern = async (target: GoogleEmulator) => {
      const g = clientsFor(target).gmail;
      await g.users.getProfile({ userId: 'me' });
      target.addFault({ kind: '500', rate: 0.5, seed: 42 });
      const outcomes: boolean[] = [];
      for (let i = 0; i < 12; i++) outcomes.push(await g.users.getProfile({ userId: 'me' }, NO_RETRY).then(() => true, () => false));
      target.clearFaults();
      return outcomes;
    };
    const first = await pattern(emu);
    expect(first.filter(Boolean).length).toBeGreaterThan(0);
    expect(first.filter((ok) => !ok).length).toBeGreaterThan(0);
    expect(await pattern(await start())).toEqual(first);
  });
});

describe('Calendar', () => {
  async function calendarWithEvents() {
    const emu = await start();
    const weekly = emu.insertEvent(SAM, {
      summary: 'Weekly sync',
      start: { dateTime: '2024-06-11T10:00:00+02:00', timeZone: 'Europe/Berlin' },
      end: { dateTime: '2024-06-11T10:30:00+02:00', timeZone: 'Europe/Berlin' },
      recurrence: ['RRULE:FREQ=WEEKLY;COUNT=4'],
      organizer: { email: ANA, displayName: 'Ana Ruiz' },
      attendees: [{ email: ANA, responseStatus: 'accepted' }, { email: SAM }],
    });
    const lunch = emu.insertEvent(SAM, { summary: 'Lunch', start: { dateTime: '2024-06-12T12:00:00Z' }, end: { dateTime: '2024-06-12T13:00:00Z' } });
    const fair = emu.insertEvent(SAM, { summary: 'Career fair', start: { date: '2024-06-14' }, end: { date: '2024-06-15' } });
    return { emu, ...clientsFor(emu), weekly, lunch, fair };
  }
  const window = { timeMin: '2024-06-10T00:00:00Z', timeMax: '2024-07-10T00:00:00Z' };

  it('expands series with singleEvents, orders, pages, and gives nextSyncToken only on the last page', async () => {
    const { calendar, weekly, lunch, fair } = await calendarWithEvents();
    const res = (await calendar.events.list({ calendarId: 'primary', singleEvents: true, orderBy: 'startTime', ...window })).data;
    expect(res.items?.map((e) => e.id)).toEqual([
      `${weekly.id}_20240611T080000Z`, lunch.id, fair.id, `${weekly.id}_20240618T080000Z`, `${weekly.id}_20240625T080000Z`, `${weekly.id}_20240702T080000Z`,
    ]);
    const first = res.items?.[0];
    expect(first).toMatchObject({
      recurringEventId: weekly.id,
      originalStartTime: { dateTime: '2024-06-11T10:00:00+02:00', timeZone: 'Europe/Berlin' },
      start: { dateTime: '2024-06-11T10:00:00+02:00', timeZone: 'Europe/Berlin' },
      iCalUID: `${weekly.id}@google.com`,
      organizer: { email: ANA, displayName: 'Ana Ruiz' },
      status: 'confirmed',
    });
    expect(first?.recurrence).toBeUndefined();
    expect(first?.attendees?.find((a) => a.email === SAM)).toMatchObject({ self: true, responseStatus: 'needsAction' });

    const masters = (await calendar.events.list({ calendarId: SAM })).data.items ?? [];
    expect(masters.find((e) => e.id === weekly.id)?.recurrence).toEqual(['RRULE:FREQ=WEEKLY;COUNT=4']);
    const narrow = (await calendar.events.list({ calendarId: 'primary', singleEvents: true, timeMin: '2024-06-12T12:30:00Z', timeMax: '2024-06-14T00:00:00Z' })).data;
    expect(narrow.items?.map((e) => e.id)).toEqual([lunch.id]); // bounds are exclusive: end > timeMin, start < timeMax

    const page1 = (await calendar.events.list({ calendarId: 'primary', singleEvents: true, maxResults: 4 })).data;
    expect(page1.items).toHaveLength(4);
    expect(page1.nextPageToken).toBeTruthy();
    expect(page1.nextSyncToken).toBeUndefined();
    const page2 = (await calendar.events.list({ calendarId: 'primary', singleEvents: true, maxResults: 4, pageToken: page1.nextPageToken ?? '' })).data;
    expect(page2.items).toHaveLength(2);
    expect(page2.nextPageToken).toBeUndefined();
    expect(page2.nextSyncToken).toBeTruthy();

    expect(await failure(calendar.events.list({ calendarId: 'primary', orderBy: 'startTime' }, NO_RETRY))).toMatchObject({ status: 400 });
    expect(await failure(calendar.events.list({ calendarId: 'other@example.com' }, NO_RETRY))).toMatchObject({ status: 404 });
  });

  it('keeps wall time across DST (Berlin moves on 31 March 2024)', async () => {
    const emu = await start();
    const { calendar } = clientsFor(emu);
    const { id } = emu.insertEvent(SAM, {
      start: { dateTime: '2024-03-26T10:00:00', timeZone: 'Europe/Berlin' },
      end: { dateTime: '2024-03-26T11:00:00', timeZone: 'Europe/Berlin' },
      recurrence: ['RRULE:FREQ=WEEKLY;UNTIL=20240403T000000Z'],
    });
    const items = (await calendar.events.list({ calendarId: 'primary', singleEvents: true })).data.items ?? [];
    expect(items.map((e) => [e.id, e.start?.dateTime])).toEqual([
      [`${id}_20240326T090000Z`, '2024-03-26T10:00:00+01:00'],
      [`${id}_20240402T080000Z`, '2024-04-02T10:00:00+02:00'],
    ]);
  });

  it('syncs incrementally with cancellations, refuses filters with a syncToken, and answers 410 when it expires', async () => {
    const { emu, calendar, weekly, lunch } = await calendarWithEvents();
    const full = (await calendar.events.list({ calendarId: 'primary', singleEvents: true })).data;
    const token = full.nextSyncToken ?? '';
    emu.updateEvent(SAM, lunch.id, { summary: 'Lunch (moved)' });
    emu.cancelEvent(SAM, `${weekly.id}_20240618T080000Z`);
    const added = emu.insertEvent(SAM, { summary: 'Coffee', start: { dateTime: '2024-06-20T09:00:00Z' }, end: { dateTime: '2024-06-20T09:30:00Z' } });

    const delta = (await calendar.events.list({ calendarId: 'primary', singleEvents: true, syncToken: token })).data;
    const byId = new Map((delta.items ?? []).map((e) => [e.id, e]));
    expect([...byId.keys()].sort()).toEqual([lunch.id, `${weekly.id}_20240618T080000Z`, added.id].sort());
    expect(byId.get(lunch.id)?.summary).toBe('Lunch (moved)');
    expect(byId.get(`${weekly.id}_20240618T080000Z`)).toEqual({
      kind: 'calendar#event', etag: expect.any(String), id: `${weekly.id}_20240618T080000Z`, status: 'cancelled',
      recurringEventId: weekly.id, originalStartTime: { dateTime: '2024-06-18T10:00:00+02:00', timeZone: 'Europe/Berlin' },
    });
    expect(delta.nextSyncToken).toBeTruthy();
    const quiet = (await calendar.events.list({ calendarId: 'primary', singleEvents: true, syncToken: delta.nextSyncToken ?? '' })).data;
    expect(quiet.items).toEqual([]);

    const afterCancel = (await calendar.events.list({ calendarId: 'primary', singleEvents: true })).data.items ?? [];
    expect(afterCancel.some((e) => e.id === `${weekly.id}_20240618T080000Z`)).toBe(false);

    for (const extra of [{ timeMin: window.timeMin }, { q: 'x' }, { orderBy: 'updated' }, { iCalUID: 'x' }]) {
      expect(await failure(calendar.events.list({ calendarId: 'primary', syncToken: token, ...extra }, NO_RETRY))).toMatchObject({ status: 400 });
    }
    emu.expireSyncTokens(SAM);
    const gone = await failure(calendar.events.list({ calendarId: 'primary', singleEvents: true, syncToken: quiet.nextSyncToken ?? '' }, NO_RETRY));
    expect(gone).toMatchObject({ status: 410, reason: 'fullSyncRequired' });

    const fresh = (await calendar.events.list({ calendarId: 'primary' })).data.nextSyncToken ?? '';
    emu.advanceClock(8 * DAY);
    const later = clientsFor(emu).calendar;
    expect(await failure(later.events.list({ calendarId: 'primary', syncToken: fresh }, NO_RETRY))).toMatchObject({ status: 410 });
  });

  it('sends header-only channel notifications: sync, then exists per change, until stopped', async () => {
    const hook = await startHook();
    const { emu, calendar, lunch } = await calendarWithEvents();
    const channel = (await calendar.events.watch({
      calendarId: 'primary',
      requestBody: { id: 'chan-1', type: 'web_hook', address: hook.url, token: 'acct=42' },
    })).data;
    expect(channel).toMatchObject({ kind: 'api#channel', id: 'chan-1', token: 'acct=42' });
    expect(Number(channel.expiration) - T0.getTime() - 7 * DAY).toBeLessThan(5000);
    await waitFor(() => hook.received.length === 1, 'the sync message');
    emu.updateEvent(SAM, lunch.id, { location: 'Cafeteria' });
    emu.cancelEvent(SAM, lunch.id);
    await waitFor(() => hook.received.length === 3, 'two exists messages');
    expect(hook.received.map((r) => [r.headers['x-goog-resource-state'], r.headers['x-goog-message-number']])).toEqual([
      ['sync', '1'], ['exists', '2'], ['exists', '3'],
    ]);
    expect(hook.received[0]?.headers).toMatchObject({
      'x-goog-channel-id': 'chan-1', 'x-goog-channel-token': 'acct=42', 'x-goog-resource-id': channel.resourceId,
      'x-goog-channel-expiration': new Date(Number(channel.expiration)).toUTCString(),
    });
    expect(hook.received.every((r) => r.body === '')).toBe(true);

    await calendar.channels.stop({ requestBody: { id: 'chan-1', resourceId: channel.resourceId ?? '' } });
    emu.insertEvent(SAM, { start: { date: '2024-06-20' }, end: { date: '2024-06-21' } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hook.received).toHaveLength(3);
  });
});

describe('seeding and the standalone start', () => {
  it('seeds mail and calendars from a folder, threading by headers then subject', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'google-emulator-'));
    started.push({ close: () => rm(dir, { recursive: true, force: true }) });
    await mkdir(join(dir, 'Maildir', 'cur'), { recursive: true });
    await writeFile(join(dir, 'request.eml'), mail({ from: `Ana <${ANA}>`, to: SAM, subject: 'Informational interview', date: 'Mon, 03 Jun 2024 09:00:00 +0000', messageId: 'a1@example.org' }));
    await writeFile(join(dir, 'reply'), mail({ from: SAM, to: ANA, subject: 'Re: Informational interview', date: 'Mon, 03 Jun 2024 10:00:00 +0000', inReplyTo: 'a1@example.org' }));
    await writeFile(join(dir, 'archive.mbox'), [
      `From ${ANA} Tue Jun  4 09:00:00 2024`,
      mail({ from: ANA, to: SAM, subject: 'RE: informational interview', date: 'Tue, 04 Jun 2024 09:00:00 +0000', body: '>From the top.' }),
      `From bob@acme.example Wed Jun  5 09:00:00 2024`,
      mail({ from: 'bob@acme.example', to: SAM, subject: 'Hello', date: 'Wed, 05 Jun 2024 09:00:00 +0000' }),
      '',
    ].join('\n'));
    await writeFile(join(dir, 'Maildir', 'cur', '1717000000.M1.host:2,S'), mail({ from: 'carol@b.example', to: SAM, subject: 'Maildir mail', date: 'Thu, 06 Jun 2024 09:00:00 +0000' }));
    await writeFile(join(dir, 'notes.txt'), 'not mail');
    await writeFile(join(dir, 'meetings.ics'), [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//EN', 'METHOD:PUBLISH',
      'BEGIN:VEVENT', 'UID:series-1@example.org', 'DTSTART;TZID=Europe/Berlin:20240611T100000', 'DTEND;TZID=Europe/Berlin:20240611T103000',
      'RRULE:FREQ=WEEKLY;COUNT=3', 'SUMMARY:Mentoring', `ORGANIZER;CN=Ana:mailto:${ANA}`,
      `ATTENDEE;PARTSTAT=ACCEPTED:mailto:${SAM}`, 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:series-1@example.org', 'RECURRENCE-ID;TZID=Europe/Berlin:20240618T100000',
      'DTSTART;TZID=Europe/Berlin:20240618T140000', 'DTEND;TZID=Europe/Berlin:20240618T143000', 'SUMMARY:Mentoring (moved)', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:gone-1@example.org', 'DTSTART;VALUE=DATE:20240620', 'STATUS:CANCELLED', 'SUMMARY:Cancelled', 'END:VEVENT',
      'END:VCALENDAR', '',
    ].join('\r\n'));

    const emu = await start();
    expect(await emu.seedFromFolder(SAM, dir)).toEqual({ messages: 5, events: 3 });
    const messages = emu.messages(SAM);
    const bySubject = (s: string) => messages.find((m) => m.raw.toString().includes(`Subject: ${s}\r\n`))!;
    const request = bySubject('Informational interview');
    expect(bySubject('Re: Informational interview')).toMatchObject({ threadId: request.threadId, labelIds: ['SENT'] });
    expect(bySubject('RE: informational interview')).toMatchObject({ threadId: request.threadId, labelIds: ['INBOX'] });
    expect(bySubject('RE: informational interview').raw.toString()).toMatch(/\nFrom the top\.$/); // mbox quoting undone
    expect(bySubject('Hello').threadId).not.toBe(request.threadId);
    expect(bySubject('Maildir mail').internalDate.toISOString()).toBe('2024-06-06T09:00:00.000Z');
    expect(request.internalDate.toISOString()).toBe('2024-06-03T09:00:00.000Z');

    const events = emu.events(SAM) as { id: string; status: string; summary?: string; recurringEventId?: string; iCalUID: string; start: unknown }[];
    const master = events.find((e) => e.iCalUID === 'series-1@example.org' && !e.recurringEventId)!;
    expect(master.start).toEqual({ dateTime: '2024-06-11T10:00:00+02:00', timeZone: 'Europe/Berlin' });
    expect(events.find((e) => e.recurringEventId === master.id)).toMatchObject({ id: `${master.id}_20240618T080000Z`, summary: 'Mentoring (moved)' });
    expect(events.find((e) => e.iCalUID === 'gone-1@example.org')?.status).toBe('cancelled');
  });

  it('starts by hand with a seeded user and prints how to connect', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'google-emulator-'));
    started.push({ close: () => rm(dir, { recursive: true, force: true }) });
    await writeFile(join(dir, '1.eml'), mail({ from: SAM, to: ANA, subject: 'One', date: 'Mon, 03 Jun 2024 09:00:00 +0000' }));
    await writeFile(join(dir, '2.eml'), mail({ from: SAM, to: ANA, subject: 'Two', date: 'Tue, 04 Jun 2024 09:00:00 +0000' }));
    await writeFile(join(dir, '3.eml'), mail({ from: ANA, to: SAM, subject: 'Three', date: 'Wed, 05 Jun 2024 09:00:00 +0000' }));
    let printed = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed += String(chunk);
      return true;
    });
    const emu = await runGoogleEmulatorFromCli({ port: 0, seed: dir }).finally(() => write.mockRestore());
    started.push(emu);
    expect(printed).toContain(`RAPPORT_GOOGLE_API_URL=${emu.url}`);
    expect(printed).toContain('RAPPORT_GOOGLE_CLIENT_ID=rapport-test');
    expect(printed).toContain('RAPPORT_GOOGLE_CLIENT_SECRET=rapport-test-secret');
    const refreshToken = /refresh token: (\S+)/.exec(printed)?.[1] ?? '';
    const auth = oauthClient(emu);
    auth.setCredentials({ refresh_token: refreshToken });
    const profile = await google.gmail({ version: 'v1', auth, rootUrl: emu.url }).users.getProfile({ userId: 'me' });
    expect(profile.data).toMatchObject({ emailAddress: SAM, messagesTotal: 3 });
  });
});

describe('batch', () => {
  it('runs the parts of /batch/gmail/v1 in order with the outer Authorization', async () => {
    const emu = await start();
    const { id } = emu.insertMessage(SAM, mail({ from: ANA, to: SAM, subject: 'Batched' }));
    const { auth } = clientsFor(emu);
    const { token } = await auth.getAccessToken();
    const part = (contentId: string, path: string) =>
      `--b1\r\nContent-Type: application/http\r\nContent-ID: <${contentId}>\r\n\r\nGET ${path}\r\n\r\n`;
    const body = part('one', `/gmail/v1/users/me/messages/${id}?format=minimal`) + part('two', '/gmail/v1/users/me/messages/nope') + '--b1--\r\n';
    const res = await fetch(`${emu.url}batch/gmail/v1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'multipart/mixed; boundary=b1' },
      body,
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.indexOf('Content-ID: <response-one>')).toBeLessThan(text.indexOf('Content-ID: <response-two>'));
    expect(text).toContain('HTTP/1.1 200 OK');
    expect(text).toContain('HTTP/1.1 404 Not Found');
    expect(text).toContain(`"id":"${id}"`);
    expect(emu.unitsUsed(SAM)).toBe(5);
  });
});
