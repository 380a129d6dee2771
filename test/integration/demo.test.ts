/**
 * `rapport demo` as a newcomer runs it: within a minute the page it prints shows a
 * thank-you for the coffee that ended an hour ago, a follow-up to the unanswered request,
 * both mailboxes (Gmail and Outlook) connected, and the upcoming call with its brief.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { demoEvents } from '../../src/demo/demo-mailbox.ts';
import { TEST_REDIS_URL } from '../helpers/test-config.ts';
import { freePort, until } from '../helpers/wait.ts';
import { PageClient, visibleText } from './approval-harness.ts';

describe('rapport demo', () => {
  let demo: ChildProcess | undefined;
  afterAll(() => {
    demo?.kill('SIGTERM');
  });

  it('prints a sign-in link; the page soon shows a thank-you for the coffee and a follow-up draft', async () => {
    const port = await freePort();
    const startedAfter = new Date();
    demo = spawn(process.execPath, ['bin/rapport.js', 'demo'], {
      env: { ...process.env, REDIS_URL: TEST_REDIS_URL, RAPPORT_HTTP_PORT: String(port), RAPPORT_QUEUE_PREFIX: `test-demo-${randomBytes(4).toString('hex')}`, DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    demo.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    demo.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    await until(async () => /login\?token=/.test(output), 45_000);
    const startedBefore = new Date();
    const link = /(http:\/\/\S+\/login\?token=\S+)/.exec(output)![1]!;
    const user = new PageClient(`http://127.0.0.1:${port}`);
    const token = new URL(link).searchParams.get('token')!;
    expect((await user.signIn(token)).status).toBe(303);

    await until(async () => {
      const page = visibleText((await user.get('/drafts')).text);
      return page.includes('Thank-you to Priya Natarajan') && page.includes('Follow-up to Marcus Webb');
    }, 45_000, 500);
    // The coffee ended an hour before the demo began: "today", or "yesterday" when run just after midnight (UTC).
    const days = new Set([startedAfter, startedBefore].map(coffeeDayWord));
    const queue = visibleText((await user.get('/drafts')).text);
    expect(queue).toMatch(new RegExp(`Thank you for our coffee (${[...days].join('|')})`));
    // Both mailboxes were connected through their sign-in flows and synced.
    await until(async () => /\(outlook\) up to date/.test(visibleText((await user.get('/accounts')).text)), 30_000, 500);
    const accounts = visibleText((await user.get('/accounts')).text);
    expect(accounts).toMatch(/sam\.student@university\.example \(gmail\) up to date/);
    expect(accounts).toMatch(/sam\.student@outlook\.example \(outlook\) up to date/);
    // The call on the Outlook calendar is an upcoming informational interview, with a brief from its thread.
    await until(async () => visibleText((await user.get('/meetings')).text).includes('Dana Lee'), 30_000, 500);
    const meetings = visibleText((await user.get('/meetings')).text);
    expect(meetings).toMatch(/Call: Dana Lee \/ Sam Student ?informational interview/);
    expect(meetings).toContain('Ridgeline Consulting');
    expect(meetings).toMatch(/Fellow alum: advice on energy consulting.{0,3}: 3 messages/);
    expect(meetings).toContain('Dana Lee suggested you talk to Omar Haddad, whom you have not contacted yet.');
    // The thank-you thanks Priya for the colleague she suggested.
    const thankYouId = /href="\/drafts\/(\d+)">Re: Informational interview request/.exec((await user.get('/drafts')).text)![1];
    expect(visibleText((await user.get(`/drafts/${thankYouId}`)).text)).toContain('Thank you also for suggesting that I speak with Elena Garcia.');
    // The people Priya and Dana suggested are in the log, by name, referred by them.
    const contacts = visibleText((await user.get('/contacts')).text);
    expect(contacts).toContain('Elena Garcia elena.garcia@helio-energy.example Helio Energy');
    expect(contacts).toContain('Omar Haddad omar.haddad@gridworks.example Gridworks');
    expect(output).not.toMatch(/Error|rapport:/);
  });
});

/** How a thank-you names the day of the demo's coffee, for a demo begun at `now` (the demo's zone is UTC). */
function coffeeDayWord(now: Date): 'today' | 'yesterday' {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return day(demoEvents(now)[0]!.end) === day(now) ? 'today' : 'yesterday';
}
