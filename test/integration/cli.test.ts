/**
 * The `rapport` command as a user runs it: `node bin/rapport.js ...` in a child process,
 * checked on its exit code, standard output and standard error.
 *
 * The fixture export is imported once (beforeAll) into a data folder that the read-only
 * tests share, one after the other (the embedded database is one process's folder, and
 * the commands are CPU-bound); a test that writes works on a copy of its own. The tests
 * that fail before opening any data run meanwhile.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { TEST_REDIS_URL } from '../helpers/test-config.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EXPORT = 'test/fixtures/export'; // relative, as a user types it; cwd is ROOT
const ME = ['--me', 'alex.student@university.example', '--me', 'alex@gmail.com'];
const QUEUE_PREFIX = `test-cli-${randomBytes(5).toString('hex')}`;
const JANE_KINDS = ['email_sent', 'email_received', 'email_sent', 'email_received', 'meeting'];
const STACK_LINE = /^\s+at .+[(:]/m;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `node bin/rapport.js ...args` from the project root; never rejects. */
function rapport(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['bin/rapport.js', ...args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          REDIS_URL: TEST_REDIS_URL,
          DATABASE_URL: '',
          RAPPORT_QUEUE_PREFIX: QUEUE_PREFIX,
          RAPPORT_CONFIG: '',
          RAPPORT_ME: '',
          ...env,
        },
        // A new embedded database is created on a first import; on a busy machine that alone takes a while.
        timeout: 90_000,
        maxBuffer: 10 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`rapport ${args.join(' ')} did not finish: ${error.message}\n${stderr}`));
          return;
        }
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      },
    );
  });
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-cli-'));
  tempDirs.push(dir);
  return dir;
}

let imported: string;
let firstImport: Run;

/** A data folder of the calling test's own, holding a copy of the imported fixture export. */
function importedCopy(): string {
  const dir = tempDir();
  fs.cpSync(imported, dir, { recursive: true });
  return dir;
}

/** The cells of a table row as `formatTable` prints it (columns are two or more spaces apart). */
const cells = (line: string) => line.trim().split(/ {2,}/);

afterAll(async () => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const keys = await redis.keys(`${QUEUE_PREFIX}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
});

describe.concurrent('rapport', () => {
  describe('before it reaches the data', () => {
    it('gives up on a Redis it cannot reach (no endless retrying), names it and how to fix it, without a stack trace', async ({ expect }) => {
      const run = await rapport(['import', EXPORT, ...ME, '--data-dir', tempDir()], {
        REDIS_URL: 'redis://127.0.0.1:1',
      });
      // It finished within the run's time limit: rapport stops trying rather than waiting for Redis forever.
      expect(run.code).not.toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain('redis://127.0.0.1:1');
      expect(run.stderr).toMatch(/Start Redis/);
      expect(run.stderr).toMatch(/set REDIS_URL/);
      expect(run.stderr).not.toMatch(STACK_LINE);
    });

    it('reports a bad configuration by key with what it expects, and exits 2', async ({ expect }) => {
      const run = await rapport(['import', EXPORT, '--data-dir', tempDir()], { REDIS_URL: 'localhost:6379' });
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/Invalid configuration/);
      expect(run.stderr).toMatch(/redisUrl: a URL starting with redis:\/\/ or rediss:\/\//);
      expect(run.stderr).not.toMatch(STACK_LINE);
    });
  });

  describe.sequential('on an imported export', () => {
    beforeAll(async () => {
      imported = tempDir();
      firstImport = await rapport(['import', EXPORT, ...ME, '--data-dir', imported]);
    }, 120_000);

    it('rapport import: a summary on stdout naming what it could not read, exit code 3', ({ expect }) => {
      const { code, stdout, stderr } = firstImport;
      expect(code, stderr).toBe(3);
      expect(stdout).toMatch(/^Read 14 items in [\d.]+ s/);
      expect(stdout).toMatch(/\b8 new, 1 already in the log, 4 calendar events, 2 could not be read\./);
      expect(stdout).toMatch(/^Could not read:$/m);
      expect(stdout).toMatch(/^ {2}test\/fixtures\/export\/broken\/empty\.eml: empty file$/m);
      expect(stdout).toMatch(/^ {2}test\/fixtures\/export\/broken\/not-mail\.eml: .*not a mail message/m);
      // the progress bar is on stderr only, and nothing there looks like a crash
      expect(stdout).not.toContain('importing |');
      expect(stderr).toMatch(/importing \|.*\| 14\/14 messages \| \d+\/s \| 2 errors/);
      // before the scan has counted anything, the bar is empty, not full
      expect(stderr).not.toMatch(/importing \|[^|]*\u2588[^|]*\| 0\/0 /);
      expect(stderr).not.toMatch(STACK_LINE);
    });

    it('rapport import again: 0 new (and --me is remembered)', async ({ expect }) => {
      const again = await rapport(['import', EXPORT, '--data-dir', importedCopy()]);
      expect(again.code, again.stderr).toBe(3); // the two broken files are still broken
      expect(again.stdout).toMatch(/\b0 new, 9 already in the log, .* 2 could not be read\./);
    });

    it('rapport contacts --json: every contact with company, dates and count', async ({ expect }) => {
      const run = await rapport(['contacts', '--json', '--data-dir', imported]);
      expect(run.code, run.stderr).toBe(0);
      const { contacts } = JSON.parse(run.stdout) as { contacts: Record<string, unknown>[] };
      expect(contacts.map((c) => c.name).sort()).toEqual(['Jane Doe', 'Sam Rivera']);
      expect(contacts.find((c) => c.name === 'Jane Doe')).toMatchObject({
        addresses: ['jane.doe@acme.example'],
        company: 'Acme',
        companyDomain: 'acme.example',
        interactionCount: 5,
        firstContactAt: '2026-03-02T14:15:00.000Z',
        lastContactAt: '2026-03-06T16:00:00.000Z',
      });
      expect(contacts.find((c) => c.name === 'Sam Rivera')).toMatchObject({
        addresses: ['sam.rivera@acme.example'],
        interactionCount: 4,
        referredBy: 'jane.doe@acme.example',
      });
    });

    it('rapport nurture: marks a contact for check-ins, --off stops them', async ({ expect }) => {
      const dir = importedCopy();
      const on = await rapport(['nurture', 'jane', '--data-dir', dir]);
      expect(on.code, on.stderr).toBe(0);
      expect(on.stdout).toMatch(/^Jane Doe: rapport will draft a check-in after 90 days without contact\./);
      const nurtured = (run: Run) =>
        (JSON.parse(run.stdout) as { contacts: { name: string; nurture: boolean }[] }).contacts.filter((c) => c.nurture).map((c) => c.name);
      expect(nurtured(await rapport(['contacts', '--json', '--data-dir', dir]))).toEqual(['Jane Doe']);
      expect((await rapport(['nurture', 'jane', '--off', '--data-dir', dir])).code).toBe(0);
      expect(nurtured(await rapport(['contacts', '--json', '--data-dir', dir]))).toEqual([]);
    });

    it('rapport merge: the second contact joins the first; run again, it finds one contact', async ({ expect }) => {
      const dir = importedCopy();
      const first = await rapport(['merge', 'jane', 'sam.rivera@acme.example', '--data-dir', dir]);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/^Merged Sam Rivera <sam\.rivera@acme\.example> into Jane Doe <jane\.doe@acme\.example, sam\.rivera@acme\.example>: 2 addresses, \d+ interactions\.\n$/);
      const { contacts } = JSON.parse((await rapport(['contacts', '--json', '--data-dir', dir])).stdout) as { contacts: { name: string; addresses: string[] }[] };
      expect(contacts.map((c) => [c.name, c.addresses])).toEqual([['Jane Doe', ['jane.doe@acme.example', 'sam.rivera@acme.example']]]);
      const again = await rapport(['merge', 'jane', 'sam.rivera@acme.example', '--data-dir', dir]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toBe('Jane Doe <jane.doe@acme.example, sam.rivera@acme.example> is already one contact: nothing to merge.\n');
      const unknown = await rapport(['merge', 'jane', 'nobody@nowhere.example', '--data-dir', dir]);
      expect(unknown.code).not.toBe(0);
      expect(unknown.stderr).toMatch(/^rapport: .*nobody@nowhere\.example/);
      expect(unknown.stderr).not.toMatch(STACK_LINE);
    });

    it('rapport duplicates: none in the export; a second Jane Doe address is shown with the merge that joins it', async ({ expect }) => {
      const dir = importedCopy();
      const none = await rapport(['duplicates', '--data-dir', dir]);
      expect(none.code, none.stderr).toBe(0);
      expect(none.stdout).toBe('No two contacts look like one person.\n');

      const extra = path.join(tempDir(), 'personal.eml');
      fs.writeFileSync(extra, [
        'From: Jane Doe <jane.doe.home@gmail.com>', 'To: alex.student@university.example', 'Subject: From my own address',
        'Date: Sat, 07 Mar 2026 10:00:00 +0000', 'Message-ID: <home-1@gmail.com>', '', 'Hi Alex, my personal address.', '',
      ].join('\r\n'));
      expect((await rapport(['import', extra, '--data-dir', dir])).code).toBe(0);
      const found = await rapport(['duplicates', '--data-dir', dir]);
      expect(found.code, found.stderr).toBe(0);
      const lines = found.stdout.split('\n');
      expect(cells(lines[0]!)).toEqual(['GROUP', 'ID', 'NAME', 'ADDRESSES', 'INTERACTIONS', 'WHY / TO MERGE']);
      const [kept, other] = [cells(lines[2]!), cells(lines[3]!)];
      expect(kept).toEqual(['1', expect.stringMatching(/^\d+$/), 'Jane Doe', 'jane.doe@acme.example', '5', 'same name']);
      expect(other).toEqual([expect.stringMatching(/^\d+$/), 'Jane Doe', 'jane.doe.home@gmail.com', '1', `rapport merge ${kept[1]} ${other[0]}`]);
      expect(found.stdout).toContain('1 group of 2 contacts that may be one person.');

      const json = JSON.parse((await rapport(['duplicates', '--json', '--data-dir', dir])).stdout) as unknown;
      expect(json).toEqual([{
        reasons: ['same name'],
        contacts: [
          { id: Number(kept[1]), name: 'Jane Doe', addresses: ['jane.doe@acme.example'], interactionCount: 5 },
          { id: Number(other[0]), name: 'Jane Doe', addresses: ['jane.doe.home@gmail.com'], interactionCount: 1 },
        ],
        merge: [`rapport merge ${kept[1]} ${other[0]}`],
      }]);
      expect((await rapport(['merge', kept[1]!, other[0]!, '--data-dir', dir])).code).toBe(0);
      expect((await rapport(['duplicates', '--data-dir', dir])).stdout).toBe('No two contacts look like one person.\n');
    });

    it('rapport details: shows the name and title; --name and --title correct them, "" goes back to the mail', async ({ expect }) => {
      const dir = importedCopy();
      const shown = await rapport(['details', 'jane', '--data-dir', dir]);
      expect(shown.code, shown.stderr).toBe(0);
      expect(shown.stdout).toMatch(/^Contact \d+ <jane\.doe@acme\.example>\n {2}name: {2}Jane Doe\n {2}title: \(none\)\n$/);
      const set = await rapport(['details', 'jane', '--name', 'Janet Doe', '--title', 'Director', '--data-dir', dir]);
      expect(set.code, set.stderr).toBe(0);
      expect(set.stdout).toContain('  name:  Janet Doe (their mail says “Jane Doe”)\n  title: Director\n');
      const { contacts } = JSON.parse((await rapport(['contacts', '--json', '--data-dir', dir])).stdout) as { contacts: { name: string; title: string | null }[] };
      expect(contacts.map((c) => [c.name, c.title]).sort()).toEqual([['Janet Doe', 'Director'], ['Sam Rivera', null]]);
      const back = await rapport(['details', 'jane', '--name', '', '--data-dir', dir]);
      expect(back.stdout).toContain('  name:  Jane Doe\n  title: Director\n');
      const source = await rapport(['details', 'jane', '--source', 'the finance society mixer', '--data-dir', dir]);
      expect(source.stdout).toMatch(/ {2}title: Director\n {2}source: the finance society mixer \(how you got their name\)\n$/);
      expect((await rapport(['details', 'jane', '--source', '', '--data-dir', dir])).stdout).not.toContain('source:');
      const bad = await rapport(['details', 'jane', '--title', 'x'.repeat(300), '--data-dir', dir]);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toContain('A title holds up to 200 characters; this one has 300.');
      expect(bad.stderr).not.toMatch(STACK_LINE);
    });

    it('rapport request drafts a first request to someone not written to; rapport fill gives it what it needs', async ({ expect }) => {
      const dir = importedCopy();
      const extra = path.join(tempDir(), 'priya.eml');
      fs.writeFileSync(extra, [
        'From: Priya Natarajan <priya@helio.example>', 'To: alex.student@university.example', 'Subject: Slides from the energy panel',
        'Date: Sat, 07 Mar 2026 10:00:00 +0000', 'Message-ID: <slides-1@helio.example>', '', 'Hi Alex, here are the slides.', '',
      ].join('\r\n'));
      expect((await rapport(['import', extra, '--data-dir', dir])).code).toBe(0);
      const asked = await rapport(['request', 'priya', '--data-dir', dir]);
      expect(asked.code, asked.stderr).toBe(0);
      const id = /draft (\d+),/.exec(asked.stdout)?.[1];
      // No profile is configured here, so the draft also waits for the user's name and field.
      expect(asked.stdout).toBe(`Drafted a first request to Priya Natarajan <priya@helio.example>: draft ${id}, “Request for a brief conversation about [the field you are exploring]”.\n`
        + `It needs your name, the field you are exploring, and how you got their name: \`rapport fill ${id}\` says how to give it.\n`);
      expect((await rapport(['fill', id!, '--data-dir', dir])).stdout)
        .toBe(`Draft ${id} needs your name (--your-name), the field you are exploring (--field), and how you got their name (--source).\n`);
      const filled = await rapport(['fill', id!, '--your-name', 'Alex Student', '--field', 'energy finance', '--source', 'the energy panel at school', '--data-dir', dir]);
      expect(filled.stdout).toBe(`Draft ${id} is filled in and ready: \`rapport approve ${id}\` sends it.\n`);
      const drafts = JSON.parse((await rapport(['drafts', '--json', '--data-dir', dir])).stdout) as { drafts: { subject: string; body: string }[] };
      expect(drafts.drafts[0]!.subject).toBe('Request for a brief conversation about energy finance');
      expect(drafts.drafts[0]!.body).toContain('I came across your name through the energy panel at school');
      const written = await rapport(['request', 'jane', '--data-dir', dir]);
      expect(written.code).not.toBe(0);
      expect(written.stderr).toContain('You have written to Jane Doe already');
      expect(written.stderr).not.toMatch(STACK_LINE);
    });

    it('rapport note: writes what was discussed into the log once, and refuses an empty or future note', async ({ expect }) => {
      const dir = importedCopy();
      const args = ['note', 'jane', 'Talked about the rotation programme.\nShe suggested I read the 2025 outlook.', '--at', '2026-03-06 18:30', '--data-dir', dir];
      const first = await rapport(args);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toBe('Jane Doe: note added at 2026-03-06 18:30 (UTC).\n');
      const again = await rapport(args);
      expect(again.stdout).toBe('Jane Doe: that note is in the log already (2026-03-06 18:30 (UTC)).\n');
      const log = JSON.parse((await rapport(['log', 'jane', '--json', '--data-dir', dir])).stdout) as { interactions: { at: string; kind: string; summary: string }[] };
      expect(log.interactions.map((i) => i.kind)).toEqual([...JANE_KINDS, 'note']);
      expect(log.interactions.at(-1)).toEqual(expect.objectContaining({
        at: '2026-03-06T18:30:00.000Z', summary: 'Talked about the rotation programme.\nShe suggested I read the 2025 outlook.',
      }));

      const empty = await rapport(['note', 'jane', '  ', '--data-dir', dir]);
      expect(empty.code).not.toBe(0);
      expect(empty.stderr).toBe('rapport: Write what was discussed: the note is empty.\n');
      const future = await rapport(['note', 'jane', 'Lunch', '--at', '2099-01-01 12:00', '--data-dir', dir]);
      expect(future.stderr).toBe('rapport: A note records what already happened: give a time that has passed.\n');
      const badTime = await rapport(['note', 'jane', 'Lunch', '--at', 'tuesday', '--data-dir', dir]);
      expect(badTime.stderr).toMatch(/^rapport: --at takes an ISO 8601 time .* got "tuesday"\.\n$/);
      const log2 = JSON.parse((await rapport(['log', 'jane', '--json', '--data-dir', dir])).stdout) as { interactions: unknown[] };
      expect(log2.interactions).toHaveLength(JANE_KINDS.length + 1);
    });

    it('rapport contacts: a table with one row per contact', async ({ expect }) => {
      const run = await rapport(['contacts', '--data-dir', imported]);
      expect(run.code, run.stderr).toBe(0);
      const lines = run.stdout.trimEnd().split('\n');
      expect(cells(lines[0]!)).toEqual(['ID', 'NAME', 'EMAIL', 'COMPANY', 'FIRST', 'LAST', 'COUNT', 'REFERRED BY']);
      const jane = lines.find((l) => l.includes('Jane Doe'));
      expect(cells(jane!).slice(1)).toEqual(['Jane Doe', 'jane.doe@acme.example', 'Acme', '2026-03-02', '2026-03-06', '5']);
      const sam = lines.find((l) => l.includes('Sam Rivera'));
      expect(cells(sam!).at(-1)).toBe('jane.doe@acme.example');
      expect(lines.at(-1)).toBe('2 contacts');
    });

    it('rapport log jane: the timeline in time order, as a table and as JSON', async ({ expect }) => {
      const table = await rapport(['log', 'jane', '--data-dir', imported]);
      expect(table.code, table.stderr).toBe(0);
      const lines = table.stdout.trimEnd().split('\n');
      expect(lines[0]).toBe('Jane Doe <jane.doe@acme.example>, Acme');
      expect(cells(lines[1]!)).toEqual(['WHEN', 'KIND', 'STATE', 'LABELS', 'SUMMARY']);
      // The request's row shows its outreach thread's state and what detection saw in it.
      expect(cells(lines[3]!).slice(1, 4)).toEqual(['email_sent', 'met', 'outreach_request']);
      const rows = lines.slice(3);
      const whens = rows.map((r) => r.slice(0, 16));
      expect(whens).toEqual([...whens].sort());
      expect(whens[0]).toBe('2026-03-02 14:15');
      expect(rows.map((r) => cells(r)[1])).toEqual(JANE_KINDS);

      const json = await rapport(['log', 'jane', '--json', '--data-dir', imported]);
      expect(json.code, json.stderr).toBe(0);
      const { contact, interactions } = JSON.parse(json.stdout) as {
        contact: { name: string };
        interactions: { at: string; kind: string; summary: string }[];
      };
      expect(contact.name).toBe('Jane Doe');
      expect(interactions.map((i) => i.kind)).toEqual(JANE_KINDS);
      const times = interactions.map((i) => Date.parse(i.at));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(interactions[0]).toMatchObject({ at: '2026-03-02T14:15:00.000Z', summary: 'Informational interview request' });
    });

    it('rapport log with no match: a clear message, a non-zero exit', async ({ expect }) => {
      const run = await rapport(['log', 'nobody-matches-this', '--data-dir', imported]);
      expect(run.code).not.toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe('rapport: No contact matches "nobody-matches-this".\n');
    });

    it('rapport meetings --json: both meetings, the cancelled one marked', async ({ expect }) => {
      const run = await rapport(['meetings', '--json', '--data-dir', imported]);
      expect(run.code, run.stderr).toBe(0);
      const { meetings } = JSON.parse(run.stdout) as { meetings: { summary: string; status: string }[] };
      expect(meetings).toHaveLength(2);
      expect(meetings.filter((m) => m.status === 'cancelled').map((m) => m.summary)).toEqual(['Call with Bob']);
      expect(meetings.find((m) => m.status !== 'cancelled')).toMatchObject({
        summary: 'Coffee chat: Alex / Jane (moved)',
        status: 'confirmed',
      });
    });

    /** `rapport export --format FORMAT --out FILE`: the run and the file's text. */
    const exportTo = async (format: string) => {
      const out = path.join(tempDir(), `contacts.${format}`);
      const run = await rapport(['export', '--format', format, '--out', out, '--data-dir', imported]);
      return { run, out, text: run.code === 0 ? fs.readFileSync(out, 'utf8') : '' };
    };

    it('rapport export --format csv: a header row and one row per contact, to a file or stdout', async ({ expect }) => {
      const { run, out, text: csv } = await exportTo('csv');
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(`Wrote 2 contacts to ${out}\n`);
      expect(csv.endsWith('\r\n')).toBe(true);
      const rows = csv.slice(0, -2).split('\r\n').map((r) => r.split(','));
      expect(rows[0]).toEqual([
        'id', 'name', 'emails', 'company', 'company_domain', 'first_contact', 'last_contact', 'interactions', 'referred_by', 'title',
      ]);
      expect(rows).toHaveLength(3);
      expect(rows.find((r) => r[1] === 'Jane Doe')!.slice(1)).toEqual([
        'Jane Doe', 'jane.doe@acme.example', 'Acme', 'acme.example',
        '2026-03-02T14:15:00.000Z', '2026-03-06T16:00:00.000Z', '5', '', '',
      ]);
      expect(rows.find((r) => r[1] === 'Sam Rivera')).toBeDefined();

      const toStdout = await rapport(['export', '--format', 'csv', '--data-dir', imported]);
      expect(toStdout.code, toStdout.stderr).toBe(0);
      expect(toStdout.stdout).toBe(csv);
    });

    it('rapport export --format json: each contact with their interactions', async ({ expect }) => {
      const { run, text } = await exportTo('json');
      expect(run.code, run.stderr).toBe(0);
      const { contacts } = JSON.parse(text) as {
        contacts: { name: string; interactions: { at: string; kind: string }[] }[];
      };
      expect(contacts.map((c) => c.name).sort()).toEqual(['Jane Doe', 'Sam Rivera']);
      const jane = contacts.find((c) => c.name === 'Jane Doe')!;
      expect(jane.interactions.map((i) => i.kind)).toEqual(JANE_KINDS);
      expect(jane.interactions[0]!.at).toBe('2026-03-02T14:15:00.000Z');
    });

    it('rapport export --format vcf: one vCard per contact, CRLF line ends', async ({ expect }) => {
      const { run, text: vcf } = await exportTo('vcf');
      expect(run.code, run.stderr).toBe(0);
      expect(vcf.endsWith('\r\n')).toBe(true);
      expect(vcf).not.toMatch(/[^\r]\n/);
      const lines = vcf.split('\r\n');
      expect(lines.filter((l) => l === 'BEGIN:VCARD')).toHaveLength(2);
      expect(lines.filter((l) => l === 'END:VCARD')).toHaveLength(2);
      expect(lines).toContain('FN:Jane Doe');
      expect(lines).toContain('N:Doe;Jane;;;');
      expect(lines).toContain('EMAIL;TYPE=INTERNET:jane.doe@acme.example');
      expect(lines).toContain('ORG:Acme');
      expect(lines).toContain('FN:Sam Rivera');
    });

    it('rapport export --out into a folder that does not exist: a clear message, no stack trace', async ({ expect }) => {
      const out = path.join(tempDir(), 'missing', 'contacts.csv');
      const run = await rapport(['export', '--format', 'csv', '--out', out, '--data-dir', imported]);
      expect(run.code).not.toBe(0);
      expect(run.stderr).toContain(`Cannot write ${out}`);
      expect(run.stderr).not.toMatch(STACK_LINE);
    });
  });
});
