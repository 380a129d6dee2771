/**
 * `rapport drafts`, `approve`, `reject` and `edit` as a user runs them: `node
 * bin/rapport.js ...` in a child process over a data folder holding a log built by the
 * real ingest and a few drafts; approving queues a `deliver` job on real Redis.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/load-config.ts';
import { formatLocalTime } from '../../src/http/local-time.ts';
import { createDraft, patchDraft } from '../../src/store/draft-repository.ts';
import { openStore } from '../../src/store/open-store.ts';
import { openQueue, type TypedQueue } from '../../src/workers/queues.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';
import { TEST_REDIS_URL } from '../helpers/test-config.ts';
import { approvalConfig, seedNetwork } from './approval-harness.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ESC = '\u001b';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

// Each command is a process opening the embedded database: seconds each, more on a busy CI machine.
describe('rapport drafts, approve, reject, edit', { timeout: 120_000 }, () => {
  let config: Config;
  let env: Record<string, string>;
  let redis: Redis;
  let deliver: TypedQueue<'deliver'>;
  const ids = { thankYou: 0, followUp: 0, checkIn: 0, outreach: 0, hostile: 0 };

  /** Runs `node bin/rapport.js ...args` from the project root; never rejects. */
  const rapport = (args: string[], extraEnv: Record<string, string> = {}): Promise<Run> =>
    new Promise((resolve) => {
      execFile(process.execPath, ['bin/rapport.js', ...args], { cwd: ROOT, env: { ...process.env, ...env, ...extraEnv }, timeout: 30_000 },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
    });
  const listed = async (...status: string[]) => {
    const run = await rapport(['drafts', '--json', ...status.flatMap((s) => ['--status', s])]);
    expect(run.code, run.stderr).toBe(0);
    return (JSON.parse(run.stdout) as { drafts: Record<string, unknown>[] }).drafts;
  };
  const one = async (id: number) => (await listed('all')).find((d) => d.id === id)!;

  beforeAll(async () => {
    config = approvalConfig({ RAPPORT_QUEUE_PREFIX: `test-dcli-${randomBytes(5).toString('hex')}` });
    const configFile = path.join(config.dataDir, 'config.yaml');
    fs.writeFileSync(configFile, 'user:\n  name: Alex Student\n  timeZone: Europe/Berlin\n');
    env = {
      RAPPORT_DATA_DIR: config.dataDir, RAPPORT_CONFIG: configFile, REDIS_URL: TEST_REDIS_URL, DATABASE_URL: '',
      RAPPORT_QUEUE_PREFIX: config.queuePrefix, RAPPORT_ME: '',
    };

    const db = await openStore({ databaseUrl: '', dataDir: config.dataDir });
    const network = await seedNetwork(db, config);
    const jane = { contactId: network.jane, toAddress: 'jane.doe@acme.example', toName: 'Jane Doe' };
    const make = async (key: keyof typeof ids, d: Omit<Parameters<typeof createDraft>[1], 'idempotencyKey'>) => {
      ids[key] = (await createDraft(db, { ...d, idempotencyKey: `test:${key}` })).draft.id;
    };
    await make('thankYou', { ...jane, kind: 'thank_you', subject: 'Thank you for the coffee', body: 'Hi Jane,\n\nThank you.\n',
      reason: 'Met Jane Doe on Thursday', dueAt: new Date('2026-03-10T15:00:00Z') });
    await patchDraft(db, ids.thankYou, { remindedAt: new Date('2026-03-10T11:00:00Z') });
    await make('followUp', { kind: 'follow_up', contactId: network.eve, toAddress: 'eve@evil.example', subject: 'Re: Quick question',
      body: 'Hi [contact first name],\n', missingFields: ['contact.firstName'], reason: 'No reply for 7 business days' });
    await make('checkIn', { ...jane, kind: 'check_in', subject: 'Checking in', body: 'Hi Jane,\n', reason: 'No contact for 90 days' });
    await make('outreach', { ...jane, kind: 'outreach_request', subject: 'Hello', body: 'Dear Jane,\n', reason: 'Imported target' });
    await make('hostile', { ...jane, kind: 'check_in', subject: `Red ${ESC}[31malert${ESC}[0m\u0007 title`, body: 'Hi,\n', reason: `line one\nline two` });
    await db.close();
    redis = await connectRedis(TEST_REDIS_URL);
    deliver = openQueue('deliver', redis, config.queuePrefix);
  });
  afterAll(async () => {
    await deliver?.obliterate({ force: true });
    await deliver?.close();
    redis?.disconnect();
  });

  it('prints the waiting drafts as a table, times in the user’s zone, a reminder marked, no escape sequences', async () => {
    const run = await rapport(['drafts']);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+KIND\s+TO\s+STATUS\s+DUE\s+SUBJECT\s+WHY$/);
    const row = lines.find((l) => l.startsWith(`${ids.thankYou} `))!;
    expect(row).toMatch(/thank_you\s+Jane Doe <jane\.doe@acme\.example>\s+pending \(REMINDED\)\s+2026-03-10 16:00\s+Thank you for the coffee\s+Met Jane Doe on Thursday$/);
    expect(lines.find((l) => l.startsWith(`${ids.followUp} `))).toMatch(/follow_up\s+eve@evil\.example\s+needs_input/);
    expect(run.stdout).not.toContain(ESC);
    expect(run.stdout).not.toContain('\u0007');
    expect(run.stdout).toContain('Red [31malert [0m title');
    expect(run.stdout).toContain('line one line two');
    expect(lines.at(-2)).toBe('1 waits for input: `rapport fill ID` says what, and fills it in.');
    expect(lines.at(-1)).toBe('5 drafts; times in Europe/Berlin (--status all shows sent, rejected and superseded ones too)');
  });

  it('--json gives each draft’s id, kind, status, recipient, text, missing fields, due time and reason; --status filters', async () => {
    const needsInput = await listed('needs_input');
    expect(needsInput).toEqual([expect.objectContaining({
      id: ids.followUp, kind: 'follow_up', status: 'needs_input', to: { name: null, address: 'eve@evil.example' },
      subject: 'Re: Quick question', body: 'Hi [contact first name],\n', missingFields: ['contact.firstName'], dueAt: null,
      reason: 'No reply for 7 business days',
    })]);
    expect((await listed('needs_input,pending')).map((d) => d.id)).toHaveLength(5);
    expect((await listed('needs_input', 'rejected')).map((d) => d.id)).toEqual([ids.followUp]);
    const wrong = await rapport(['drafts', '--status', 'sent']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('Unknown status sent; use needs_input, pending, approved, delivering, delivered, rejected, superseded or all.');
  });

  it('approve queues a deliver job: now by default, later with --at in the user’s zone, or into the mailbox', async () => {
    const now = await rapport(['approve', String(ids.thankYou)]);
    expect(now.code, now.stderr).toBe(0);
    expect(now.stdout).toContain(`Approved draft ${ids.thankYou} (thank_you to Jane Doe <jane.doe@acme.example>): queued to be sent now.`);
    const job = (await deliver.getJob(`deliver-${ids.thankYou}`))!;
    expect(job).toBeTruthy();
    expect(job.data).toEqual({ draftId: ids.thankYou });
    expect(job.opts).toMatchObject({ delay: 0, removeOnComplete: true, removeOnFail: true });

    const at = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 30 * 86_400_000); // a whole minute, a month ahead
    const wall = formatLocalTime(at, 'Europe/Berlin');
    const later = await rapport(['approve', String(ids.checkIn), '--at', wall]);
    expect(later.code, later.stderr).toBe(0);
    expect(later.stdout).toContain(`it will be sent at ${wall} (Europe/Berlin).`);
    const delayed = (await deliver.getJob(`deliver-${ids.checkIn}`))!;
    expect(await delayed.getState()).toBe('delayed');
    expect(Math.abs(delayed.timestamp + delayed.opts.delay! - at.getTime())).toBeLessThan(5_000);

    const mailbox = await rapport(['approve', String(ids.outreach), '--to-mailbox']);
    expect(mailbox.code, mailbox.stderr).toBe(0);
    expect(mailbox.stdout).toContain("it goes to your mailbox's Drafts folder; send it from there.");
    expect(await deliver.getJob(`deliver-${ids.outreach}`)).toBeTruthy();

    const approved = await listed('approved');
    expect(approved.map((d) => [d.id, d.deliveryMode, d.sendAt])).toEqual([
      [ids.thankYou, 'send', null], [ids.checkIn, 'send', at.toISOString()], [ids.outreach, 'mailbox', null],
    ]);
  });

  it('says clearly what is wrong: exit 2 for a draft in the wrong state or bad input, 1 for an unknown draft', async () => {
    const needsInput = await rapport(['approve', String(ids.followUp)]);
    expect(needsInput.code).toBe(2);
    expect(needsInput.stderr).toBe(`rapport: Draft ${ids.followUp} still needs: contact.firstName. Edit it first (\`rapport edit ${ids.followUp}\`).\n`);
    const unknown = await rapport(['approve', '999']);
    expect([unknown.code, unknown.stderr]).toEqual([1, 'rapport: No draft matches "999".\n']);
    const notAnId = await rapport(['reject', 'abc']);
    expect(notAnId.code).toBe(2);
    expect(notAnId.stderr).toContain('"abc" is not a draft id; `rapport drafts` lists them.');
    const badTime = await rapport(['approve', String(ids.hostile), '--at', 'next tuesday']);
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toContain('--at takes an ISO 8601 time (2026-03-06T09:00:00Z) or "YYYY-MM-DD HH:MM" in your time zone (Europe/Berlin)');
    expect(await deliver.getJob(`deliver-${ids.followUp}`)).toBeUndefined();
    expect(await deliver.getJob(`deliver-${ids.hostile}`)).toBeUndefined();
  });

  it('edit takes --subject and --body-file, and a needs_input draft becomes pending', async () => {
    const bodyFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-dcli-')), 'body.txt');
    fs.writeFileSync(bodyFile, 'Hi [contact first name],\n\nFollowing up.\n');
    const unfilled = await rapport(['edit', String(ids.followUp), '--body-file', bodyFile]);
    expect([unfilled.code, unfilled.stderr]).toEqual([2, 'rapport: Replace [contact first name] with your own words first; nothing was saved.\n']);

    fs.writeFileSync(bodyFile, 'Hi Eve,\n\nFollowing up on my question.\n');
    const run = await rapport(['edit', String(ids.followUp), '--subject', 'Re: Quick question\r\nBcc: spy@evil.example', '--body-file', bodyFile]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe(`Saved draft ${ids.followUp}: it is pending.\n`);
    expect(await one(ids.followUp)).toMatchObject({
      status: 'pending', subject: 'Re: Quick question Bcc: spy@evil.example', body: 'Hi Eve,\n\nFollowing up on my question.\n', missingFields: [],
    });
  });

  it('edit opens $EDITOR on the subject and body, like git commit; an approved draft goes back to pending', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-dcli-editor-'));
    const editor = path.join(dir, 'editor.sh');
    // The user changes the subject and the greeting, and saves.
    fs.writeFileSync(editor, '#!/bin/sh\nsed -i -e "s/^Subject: .*/Subject: Thank you, Jane/" -e "s/^Hi Jane,/Dear Jane,/" "$1"\n', { mode: 0o755 });
    const run = await rapport(['edit', String(ids.thankYou)], { EDITOR: editor, VISUAL: '' });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Saved draft ${ids.thankYou}: it is pending again; approve the new text with \`rapport approve ${ids.thankYou}\`.`);
    expect(await one(ids.thankYou)).toMatchObject({ status: 'pending', subject: 'Thank you, Jane', body: 'Dear Jane,\n\nThank you.\n' });

    const unchanged = await rapport(['edit', String(ids.thankYou)], { EDITOR: 'true', VISUAL: '' });
    expect([unchanged.code, unchanged.stdout]).toEqual([0, `Draft ${ids.thankYou} is unchanged.\n`]);
    const failing = await rapport(['edit', String(ids.thankYou)], { EDITOR: 'false', VISUAL: '' });
    expect(failing.code).toBe(2);
    expect(failing.stderr).toContain('The editor (false) exited with status 1; the draft was left as it was.');
  });

  it('reject marks the draft rejected; rejecting it again says why not', async () => {
    const run = await rapport(['reject', String(ids.hostile)]);
    expect([run.code, run.stdout]).toEqual([0, `Rejected draft ${ids.hostile}: nothing will be sent.\n`]);
    expect((await one(ids.hostile)).status).toBe('rejected');
    const again = await rapport(['reject', String(ids.hostile)]);
    expect([again.code, again.stderr]).toEqual([2, `rapport: Draft ${ids.hostile} is rejected; it cannot be rejected now.\n`]);
    const edit = await rapport(['edit', String(ids.hostile)], { EDITOR: 'false', VISUAL: '' }); // refused before any editor opens
    expect([edit.code, edit.stderr]).toEqual([2, `rapport: Draft ${ids.hostile} is rejected; it cannot be edited now.\n`]);
  });
});
