import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors.ts';
import type { SourceRef } from '../../../src/core/types.ts';
import { readSource, readSources } from '../../../src/integrations/mailbox/index.ts';
import { scanMbox } from '../../../src/integrations/mailbox/scan-mbox.ts';
import { collect, tempDir, toMboxrd, writeFile } from './temp-files.ts';

const dir = tempDir();

const lines = (eol: string, ...parts: string[]): Buffer => Buffer.from(parts.join(eol) + eol, 'latin1');

const MESSAGES = [
  lines('\n', 'From: Ada <ada@example.com>', 'Subject: one', '', 'Dear Bob,', '>From the mboxo days', '>>From an mboxrd quote', 'bye'),
  lines('\n', 'From: Bob <bob@example.org>', 'Subject: two', '', 'From here on, an escaped line.', '>>>From deep', '', ''),
  lines('\n', 'From: Cy <cy@example.net>', 'Subject: three', '', 'Last message.'),
];

/** ISO-8859-1 bytes that are not valid UTF-8: "café, naïve, Grüße" plus 0xff. */
const LATIN1_BODY = Buffer.from('caf\xe9, na\xefve, Gr\xfc\xdfe \xff\n', 'latin1');

async function readAll(file: string): Promise<Buffer[]> {
  return Promise.all((await collect(scanMbox(file))).map((ref) => readSource(ref)));
}

describe('readSource for mbox', () => {
  it('round-trips messages with quoted From lines (mboxrd un-escaping, mboxo ">From ")', async () => {
    const file = writeFile(dir, 'three.mbox', toMboxrd(MESSAGES));
    const read = await readAll(file);
    expect(read.map((b) => b.toString('latin1'))).toEqual(MESSAGES.map((b) => b.toString('latin1')));
  });

  it('removes exactly one ">" and only at the start of a line', async () => {
    const mbox = 'From x@example.com Mon Jan  1 00:00:00 2024\nSubject: q\n\n>From a\n>>From b\nx >From c\n>From\n\n';
    const [only] = await readAll(writeFile(dir, 'quoted.mbox', mbox));
    expect(only?.toString('latin1')).toBe('Subject: q\n\nFrom a\n>From b\nx >From c\n>From\n');
  });

  it('handles CRLF mboxes', async () => {
    const crlf = MESSAGES.map((m) => Buffer.from(m.toString('latin1').replace(/\n/g, '\r\n'), 'latin1'));
    const read = await readAll(writeFile(dir, 'crlf.mbox', toMboxrd(crlf, '\r\n')));
    expect(read.map((b) => b.toString('latin1'))).toEqual(crlf.map((b) => b.toString('latin1')));
  });

  it('keeps the last line break when the writer added no blank line after a message', async () => {
    const mbox = 'From a Mon Jan  1 00:00:00 2024\nSubject: a\n\nA\nFrom b Mon Jan  1 00:00:00 2024\nSubject: b\n\nB\n';
    const read = await readAll(writeFile(dir, 'no-blank.mbox', mbox));
    expect(read.map((b) => b.toString('latin1'))).toEqual(['Subject: a\n\nA\n', 'Subject: b\n\nB\n']);
  });

  it('preserves ISO-8859-1 bytes exactly', async () => {
    const message = Buffer.concat([
      lines('\n', 'From: a@example.com', 'Content-Type: text/plain; charset=iso-8859-1', ''),
      LATIN1_BODY,
    ]);
    const [read] = await readAll(writeFile(dir, 'latin1.mbox', toMboxrd([message])));
    expect(read?.equals(message)).toBe(true);
  });

  it('fails clearly when the file changed since the scan', async () => {
    const file = writeFile(dir, 'changing.mbox', toMboxrd(MESSAGES));
    const refs = await collect(scanMbox(file));
    const last = refs[2] as SourceRef;
    await expect(readSource({ ...last, start: last.start + 1 })).rejects.toBeInstanceOf(InvalidInputError);
    fs.truncateSync(file, last.start + 10);
    await expect(readSource(last)).rejects.toBeInstanceOf(InvalidInputError);
  });
});

describe('readSource for raw and ics', () => {
  it('returns the bytes as they are, whatever the charset', async () => {
    const bytes = Buffer.concat([lines('\r\n', 'From: a@example.com', ''), LATIN1_BODY, Buffer.from('\n\n')]);
    const file = writeFile(dir, 'latin1.eml', bytes);
    const read = await readSource({ path: file, format: 'raw', start: 0, end: bytes.length, index: 0 });
    expect(read.equals(bytes)).toBe(true);
  });

  it('reads an .ics byte range as is', async () => {
    const ics = lines('\r\n', 'BEGIN:VCALENDAR', 'VERSION:2.0', 'END:VCALENDAR');
    const file = writeFile(dir, 'invite.ics', ics);
    const read = await readSource({ path: file, format: 'ics', start: 0, end: ics.length, index: 0 });
    expect(read.equals(ics)).toBe(true);
  });

  it('rejects with the OS error for a missing file', async () => {
    const ref: SourceRef = { path: `${dir}/missing.eml`, format: 'raw', start: 0, end: 10, index: 0 };
    await expect(readSource(ref)).rejects.toThrow(/ENOENT/);
  });
});

describe('readSources', () => {
  it('reads a run of mbox messages at once, each exactly as readSource does', async () => {
    const file = writeFile(dir, 'batch.mbox', toMboxrd(MESSAGES));
    const refs = await collect(scanMbox(file));
    const one = await Promise.all(refs.map((r) => readSource(r)));
    expect(await readSources(refs)).toEqual(one);
  });

  it('gives an unreadable ref its own error and still reads the others', async () => {
    const file = writeFile(dir, 'short.mbox', toMboxrd(MESSAGES));
    const refs = await collect(scanMbox(file));
    const beyond: SourceRef = { ...refs[2]!, start: refs[2]!.end + 10, end: refs[2]!.end + 50, index: 3 };
    const read = await readSources([...refs, beyond]);
    expect(read.slice(0, 3).map((b) => (b as Buffer).toString('latin1'))).toEqual(
      MESSAGES.map((m) => m.toString('latin1')),
    );
    expect(read[3]).toBeInstanceOf(InvalidInputError);
  });
});
