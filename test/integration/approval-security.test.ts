/**
 * The safety of the approval page (issue 6, item 5): the login and its cookie, CSRF
 * tokens and foreign origins, security headers, mail rendered as text, and CR/LF that
 * cannot add a header. The webhooks and the OAuth callback stay outside the login.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeMessage } from '../../src/delivery/compose-message.ts';
import { webLoginHint } from '../../src/http/web-login.ts';
import { createDraft, getDraft } from '../../src/store/draft-repository.ts';
import {
  approvalConfig, EVE, HOSTILE_SUBJECT, PageClient, seedNetwork, startPageServer, visibleText,
  type Network, type PageServer,
} from './approval-harness.ts';

describe('the approval page keeps strangers and other sites out', () => {
  let server: PageServer;
  let network: Network;
  let draftId: number;

  beforeAll(async () => {
    server = await startPageServer();
    network = await seedNetwork(server.db, server.config);
    draftId = (await createDraft(server.db, {
      kind: 'thank_you', contactId: network.jane, toAddress: 'jane.doe@acme.example', toName: 'Jane Doe',
      subject: 'Thank you', body: 'Hi Jane,\n', idempotencyKey: 'test:security',
    })).draft.id;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('sends every page to the sign-in first and refuses changes without a session', async () => {
    const stranger = new PageClient(server.url);
    for (const path of ['/', '/drafts', `/drafts/${draftId}`, '/meetings', '/accounts', '/contacts', `/contacts/${network.jane}`, '/contacts/export.csv']) {
      const page = await stranger.get(path);
      expect(page.status, path).toBe(303);
      expect(page.headers.get('location'), path).toMatch(/^\/login\?next=/);
    }
    const approve = await fetch(`${server.url}/drafts/${draftId}/approve`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'mode=now', redirect: 'manual',
    });
    expect(approve.status).toBe(401);
    expect((await getDraft(server.db, draftId))!.status).toBe('pending');
    expect(server.deliveries).toEqual([]);
    const note = await fetch(`${server.url}/contacts/${network.jane}/notes`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'text=planted&key=abcdefgh1234', redirect: 'manual',
    });
    expect(note.status).toBe(401);
    const nurture = await fetch(`${server.url}/contacts/${network.jane}/nurture`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'on=1', redirect: 'manual',
    });
    expect(nurture.status).toBe(401);
    expect((await server.db.query<{ nurture: boolean }>('select nurture from contact where id = $1', [network.jane]))[0]!.nurture).toBe(false);
    const merge = await fetch(`${server.url}/contacts/${network.jane}/merge`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `other=${network.eve}`, redirect: 'manual',
    });
    expect(merge.status).toBe(401);
  });

  it('keeps the health check, the webhooks and the OAuth callback outside the login', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const push = await fetch(`${server.url}/webhooks/gmail`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(push.status).toBe(204);
    const callback = await fetch(`${server.url}/oauth/google/callback?error=access_denied`, { redirect: 'manual' });
    expect(callback.status).toBe(400);
    expect(visibleText(await callback.text())).toContain('Google did not grant access (access_denied)');
  });

  it('signs in with the printed token only, with an HttpOnly SameSite=Strict cookie; signing out ends the session', async () => {
    const browser = new PageClient(server.url);
    const wrong = await browser.signIn('not-the-token');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(visibleText(wrong.text)).toContain('That is not the token');

    const right = await browser.signIn(server.login.token!);
    expect(right.status).toBe(303);
    const cookie = right.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^rapport_session=[\w-]{20,}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Strict$/);
    expect((await browser.get('/drafts')).status).toBe(200);

    const session = browser.cookie;
    expect((await browser.post('/logout', {})).headers.get('location')).toBe('/login');
    const replayed = await fetch(`${server.url}/drafts`, { headers: { cookie: session }, redirect: 'manual' });
    expect(replayed.status).toBe(303); // the old cookie is worth nothing now

    // After signing in, only a path on rapport itself is followed: no open redirect.
    const elsewhere = await fetch(`${server.url}/login`, {
      method: 'POST', redirect: 'manual', body: new URLSearchParams({ secret: server.login.token!, next: '//evil.example/x' }),
      headers: { origin: server.url },
    });
    expect(elsewhere.headers.get('location')).toBe('/drafts');

    // The link `rapport start` prints signs the browser in.
    const hint = webLoginHint(server.config, server.login);
    expect(hint).toBe(`Approval page: http://127.0.0.1:${server.config.http.port}/login?token=${server.login.token} (a new sign-in token each start; keep it to yourself)`);
    const viaLink = await fetch(`${server.url}/login?token=${server.login.token}`, { redirect: 'manual' });
    expect(viaLink.status).toBe(303);
    expect(viaLink.headers.get('set-cookie')).toMatch(/^rapport_session=/);
  });

  it('accepts a change only with the session’s CSRF token, from rapport’s own page', async () => {
    const browser = new PageClient(server.url);
    await browser.signIn(server.login.token!);
    const other = new PageClient(server.url);
    await other.signIn(server.login.token!);
    const approve = `/drafts/${draftId}/approve`;

    const refused = [
      await browser.post(approve, { mode: 'now', _csrf: '' }),
      await browser.post(approve, { mode: 'now', _csrf: await other.csrfToken() }), // another session's token
      await browser.post(approve, { mode: 'now' }, { origin: 'https://evil.example' }),
      await browser.post(approve, { mode: 'now' }, { origin: 'null' }),
      await browser.post(approve, { mode: 'now' }, { 'sec-fetch-site': 'cross-site' }),
    ];
    expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403, 403]);
    expect((await getDraft(server.db, draftId))!.status).toBe('pending');
    const notes = `/contacts/${network.jane}/notes`;
    const note = { text: 'planted', key: 'abcdefgh1234' };
    const refusedNotes = [
      await browser.post(notes, { ...note, _csrf: await other.csrfToken() }),
      await browser.post(notes, note, { origin: 'https://evil.example' }),
    ];
    expect(refusedNotes.map((r) => r.status)).toEqual([403, 403]);
    expect(await server.db.query("select 1 from interaction where kind = 'note'")).toEqual([]);
    const merge = `/contacts/${network.jane}/merge`;
    const refusedMerges = [
      await browser.post(merge, { other: String(network.eve), _csrf: await other.csrfToken() }),
      await browser.post(merge, { other: String(network.eve) }, { origin: 'https://evil.example' }),
    ];
    expect(refusedMerges.map((r) => r.status)).toEqual([403, 403]);
    expect(await server.db.query('select 1 from contact where id = $1', [network.eve])).toHaveLength(1);
    expect(server.deliveries).toEqual([]);

    const signInFromElsewhere = await fetch(`${server.url}/login`, {
      method: 'POST', redirect: 'manual', body: `secret=${server.login.token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
    });
    expect(signInFromElsewhere.status).toBe(403);
    expect(signInFromElsewhere.headers.get('set-cookie')).toBeNull();

    expect((await browser.post(approve, { mode: 'now' })).status).toBe(303);
    expect(server.deliveries).toEqual([{ draftId, at: null }]);
  });

  it('sends security headers with every response, and pages without any script', async () => {
    const browser = new PageClient(server.url);
    await browser.signIn(server.login.token!);
    for (const path of ['/drafts', '/login', '/healthz', '/contacts', `/contacts/${network.jane}`]) {
      const { headers, text } = await browser.get(path);
      expect(headers.get('content-security-policy'), path).toBe(
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
      expect(headers.get('x-frame-options'), path).toBe('DENY');
      expect(headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(headers.get('referrer-policy'), path).toBe('same-origin');
      expect(text).not.toMatch(/<script|\sstyle=|\son\w+=/i);
    }
    expect((await browser.get('/drafts')).headers.get('cache-control')).toBe('no-store');
  });
});

describe('text from mail stays text', () => {
  let server: PageServer;
  let browser: PageClient;
  let network: Network;

  beforeAll(async () => {
    server = await startPageServer();
    network = await seedNetwork(server.db, server.config);
    browser = new PageClient(server.url);
    await browser.signIn(server.login.token!);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('shows script and markup from an inbound subject and display name as the characters they are', async () => {
    // The name as ingest stored it from the From header (HOSTILE_NAME, tidied).
    const storedName = (await server.db.query<{ name: string }>('select name from contact_name where contact_id = $1', [network.eve]))[0]!.name;
    expect(storedName).toContain("<script>alert('name')</script>");
    const { draft } = await createDraft(server.db, {
      kind: 'follow_up', contactId: network.eve, toAddress: EVE, toName: storedName, subject: `Re: ${HOSTILE_SUBJECT}`,
      body: `Hi,\n\n> ${HOSTILE_SUBJECT}\n</textarea><script>alert(3)</script>\n`, reason: `Asked: ${HOSTILE_SUBJECT}`,
      idempotencyKey: 'test:hostile',
    });
    for (const path of ['/drafts', `/contacts/${network.eve}`, `/drafts/${draft.id}`]) {
      const page = await browser.get(path);
      expect(page.status, path).toBe(200);
      expect(page.text, path).not.toMatch(/<script|<img|<b>|<\/textarea><script/i);
      expect(page.text, path).toContain('&lt;script&gt;alert(');
      const text = visibleText(page.text);
      expect(text, path).toContain('<img src=x onerror=alert(1)> Quick question <script>alert(2)</script>');
    }
    expect(visibleText((await browser.get(`/contacts/${network.eve}`)).text)).toContain(storedName);
    // A note pasted from mail is text too.
    const key = /name="key" value="([^"]+)"/.exec((await browser.get(`/contacts/${network.eve}`)).text)![1]!;
    expect((await browser.post(`/contacts/${network.eve}/notes`, { key, text: HOSTILE_SUBJECT, at: '' })).status).toBe(303);
    const withNote = await browser.get(`/contacts/${network.eve}`);
    expect(withNote.text).not.toMatch(/<script|<img/i);
    expect(visibleText(withNote.text)).toContain(`Note ${HOSTILE_SUBJECT}`);
    const list = await browser.get('/contacts');
    expect(list.text).not.toMatch(/<script|<b>/i);
    expect(visibleText(list.text)).toContain(storedName);
    // A search is shown back in the box and in the "nobody matches" line, as text.
    const search = await browser.get(`/contacts?q=${encodeURIComponent('"><script>alert(4)</script>')}`);
    expect(search.text).not.toMatch(/<script/i);
    expect(visibleText(search.text)).toContain('Nobody in the log matches “"><script>alert(4)</script>”.');
  });

  it('a subject typed with CR/LF, and a name or address carrying one, cannot add a header', async () => {
    const { draft } = await createDraft(server.db, {
      kind: 'thank_you', contactId: network.jane, toAddress: 'jane.doe@acme.example', toName: 'Jane Doe\r\nBcc: spy@evil.example',
      subject: 'Thank you', body: 'Hi Jane,\n', idempotencyKey: 'test:crlf',
    });
    const saved = await browser.post(`/drafts/${draft.id}/edit`, {
      subject: 'Thank you\r\nBcc: spy@evil.example\r\n\r\nInjected body', body: 'Hi Jane,\r\n\r\nThank you.\r\n',
    });
    expect(saved.status).toBe(303);
    const edited = (await getDraft(server.db, draft.id))!;
    expect(edited.subject).toBe('Thank you Bcc: spy@evil.example Injected body');

    const message = (to: { address: string; name: string | null }) => composeMessage({
      from: { address: 'alex.student@university.example', name: 'Alex Student' }, to: [to], subject: edited.subject,
      text: edited.body, messageId: 'rapport.test@university.example', date: new Date('2026-03-09T12:00:00Z'),
    }).toString('latin1');
    const header = message({ address: edited.toAddress!, name: edited.toName }).split('\r\n\r\n')[0]!;
    expect(header.split('\r\n').map((line) => line.split(':')[0])).toEqual(
      ['Date', 'From', 'To', 'Subject', 'Message-ID', 'MIME-Version', 'Content-Type', 'Content-Transfer-Encoding']);
    expect(header).toContain('To: "Jane Doe Bcc: spy@evil.example" <jane.doe@acme.example>');
    expect(() => message({ address: 'jane.doe@acme.example\r\nBcc: spy@evil.example', name: null })).toThrow(/address/i);
    expect(visibleText((await browser.get(`/drafts/${draft.id}`)).text)).toContain('Jane Doe Bcc: spy@evil.example <jane.doe@acme.example>');
  });
});

describe('a configured password, served over https', () => {
  let server: PageServer;

  beforeAll(async () => {
    server = await startPageServer({
      config: approvalConfig({ RAPPORT_WEB_PASSWORD: 'correct horse battery staple', RAPPORT_PUBLIC_URL: 'https://rapport.example' }),
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('signs in with the password, with a Secure cookie and HSTS', async () => {
    expect(server.login.token).toBeNull();
    expect(webLoginHint(server.config, server.login)).toBe('Approval page: https://rapport.example/ (sign in with the password in web.password)');
    const browser = new PageClient(server.url);
    expect(visibleText((await browser.get('/login')).text)).toContain('Enter the password set in web.password');
    const signedIn = await browser.signIn('correct horse battery staple');
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('set-cookie')).toMatch(/; HttpOnly; SameSite=Strict; Secure$/);
    expect((await browser.get('/drafts')).headers.get('strict-transport-security')).toBe('max-age=31536000');
  });

  it('after ten wrong passwords in a minute, refuses every attempt for the rest of it', async () => {
    const browser = new PageClient(server.url);
    for (let i = 0; i < 10; i++) expect((await browser.signIn(`guess ${i}`)).status).toBe(401);
    const blocked = await browser.signIn('correct horse battery staple');
    expect(blocked.status).toBe(429);
    expect(visibleText(blocked.text)).toContain('Too many wrong attempts. Wait a minute, then try again.');
  });
});
