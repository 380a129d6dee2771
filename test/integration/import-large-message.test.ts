/**
 * Mail as people really have it: a 30 MB attachment and a body of several megabytes among
 * ordinary messages. They are logged like any other message; what the log keeps of them
 * is small (an excerpt, not the attachment), and the messages around them are unaffected.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findContact, listContacts } from '../../src/store/contact-queries.ts';
import { runImport } from '../../src/workers/import-runner.ts';
import { connectRedis } from '../../src/workers/redis-connection.ts';
import { testConfig, TEST_REDIS_URL } from '../helpers/test-config.ts';
import { ENGINES, openTestStore, type TestStore } from '../helpers/test-store.ts';

const ME = 'alex.student@university.example';
const ATTACHMENT_BYTES = 30 * 1024 * 1024;

function header(id: string, from: string, subject: string, contentType: string): string {
  return [
    `From ${from.replace(/.*</, '').replace('>', '')} Mon Mar  2 14:15:00 2026`,
    `Message-ID: <${id}>`,
    'Date: Mon, 02 Mar 2026 14:15:00 +0000',
    `From: ${from}`,
    `To: Alex Student <${ME}>`,
    `Subject: ${subject}`,
    'MIME-Version: 1.0',
    `Content-Type: ${contentType}`,
    '', // the blank line that ends the header
    '',
  ].join('\n');
}

/** base64 in 76-character lines, as mail clients write it. */
function base64Lines(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\n');
}

function writeExport(dir: string): string {
  const file = path.join(dir, 'large.mbox');
  const out = fs.openSync(file, 'w');
  const write = (text: string) => fs.writeSync(out, text);
  write(header('before@acme.example', 'Jane Doe <jane.doe@acme.example>', 'Before the big one', 'text/plain'));
  write('Hi Alex, a short note before the large one.\n\n');

  write(header('deck@acme.example', 'Sam Rivera <sam.rivera@acme.example>', 'The deck from our call', 'multipart/mixed; boundary="b1"'));
  write('--b1\nContent-Type: text/plain; charset=utf-8\n\nHi Alex, here is the deck I mentioned when we spoke.\n');
  write('\n--b1\nContent-Type: application/pdf; name="deck.pdf"\nContent-Disposition: attachment; filename="deck.pdf"\n');
  write(`Content-Transfer-Encoding: base64\n\n${base64Lines(randomBytes(ATTACHMENT_BYTES))}\n--b1--\n\n`);

  write(header('minutes@initech.example', 'Kim Lee <kim.lee@initech.example>', 'Full minutes', 'text/plain; charset=utf-8'));
  const line = 'Item: the committee discussed the budget for next year and agreed to meet again.\n';
  write(`Hi Alex, the minutes follow.\n\n${line.repeat(80_000)}\n`); // about 6.5 MB

  write(header('after@acme.example', 'Jane Doe <jane.doe@acme.example>', 'After the big one', 'text/plain'));
  write('Hi Alex, and one more after it.\n\n');
  fs.closeSync(out);
  return file;
}

describe.each(ENGINES)('importing very large messages (%s)', (engine) => {
  let store: TestStore;
  let redis: Redis;
  let dir: string;
  const config = testConfig({ RAPPORT_ME: ME });

  beforeAll(async () => {
    store = await openTestStore(engine);
    redis = await connectRedis(TEST_REDIS_URL);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-large-'));
  });
  afterAll(async () => {
    redis.disconnect();
    await store.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('logs a message with a 30 MB attachment and one with a 6 MB body like any other, keeping neither whole', async () => {
    const file = writeExport(dir);
    expect(fs.statSync(file).size).toBeGreaterThan(ATTACHMENT_BYTES * 1.3);

    const summary = await runImport({ db: store.db, redis, config }, [file], [ME]);
    expect(summary).toMatchObject({ found: 4, stored: 4, failed: 0 });

    const contacts = await listContacts(store.db);
    expect(contacts.map((c) => c.addresses[0]).sort()).toEqual([
      'jane.doe@acme.example',
      'kim.lee@initech.example',
      'sam.rivera@acme.example',
    ]);
    expect((await findContact(store.db, 'jane.doe@acme.example')).interactionCount).toBe(2);
    expect((await findContact(store.db, 'sam.rivera@acme.example')).interactionCount).toBe(1);

    const rows = await store.db.query<{ subject: string; excerpt: string }>(
      'select subject, excerpt from message order by sent_at, subject',
    );
    const deck = rows.find((r) => r.subject === 'The deck from our call')!;
    expect(deck.excerpt).toContain('here is the deck I mentioned');
    const minutes = rows.find((r) => r.subject === 'Full minutes')!;
    expect(minutes.excerpt).toMatch(/^Hi Alex, the minutes follow/);
    expect(minutes.excerpt.length).toBeLessThan(1_000);

    // Nothing of the attachment or the long body is kept: the whole database stays small.
    const [size] = await store.db.query<{ bytes: string }>(
      'select sum(pg_total_relation_size(c.oid))::text as bytes from pg_class c ' +
        "join pg_namespace n on n.oid = c.relnamespace where n.nspname = current_schema() and c.relkind = 'r'",
    );
    expect(Number(size!.bytes)).toBeLessThan(5 * 1024 * 1024);
  });
});
