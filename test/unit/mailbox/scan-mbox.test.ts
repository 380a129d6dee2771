import { describe, expect, it } from 'vitest';
import type { SourceRef } from '../../../src/core/types.ts';
import { InvalidInputError } from '../../../src/core/errors.ts';
import { scanMbox } from '../../../src/integrations/mailbox/scan-mbox.ts';
import { collect, tempDir, toMboxrd, writeFile } from './temp-files.ts';

const dir = tempDir();

const message = (n: number, body: string, eol = '\n'): Buffer =>
  Buffer.from(
    [`From: Person ${n} <p${n}@example.com>`, 'To: me@example.org', `Subject: message ${n}`, '', body, '']
      .join(eol),
    'latin1',
  );

const BODIES = [
  ['Hello.', '>From the mboxo days', '>>From an mboxrd quote'],
  ['From here on, a body line that needs escaping.', 'A line with From inside: x From y'],
  ['Short.'],
];
const THREE = BODIES.map((lines, i) => message(i, lines.join('\n')));

/** Offsets of every separator line ("From " at the start of the file or after "\n"). */
function separatorOffsets(bytes: Buffer): number[] {
  const offsets: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if ((i === 0 || bytes[i - 1] === 0x0a) && bytes.toString('latin1', i, i + 5) === 'From ') offsets.push(i);
  }
  return offsets;
}

function expectedRefs(path: string, bytes: Buffer): SourceRef[] {
  const starts = separatorOffsets(bytes);
  return starts.map((start, index) => ({
    path, format: 'mbox', start, end: starts[index + 1] ?? bytes.length, index,
  }));
}

describe('scanMbox', () => {
  it('yields one ref per message with separator offsets', async () => {
    const bytes = toMboxrd(THREE);
    const file = writeFile(dir, 'three.mbox', bytes);
    const refs = await collect(scanMbox(file));
    expect(refs).toHaveLength(3);
    expect(refs).toEqual(expectedRefs(file, bytes));
    expect(refs[0]?.start).toBe(0);
    expect(refs[2]?.end).toBe(bytes.length);
    for (const ref of refs) expect(bytes.toString('latin1', ref.start, ref.start + 5)).toBe('From ');
  });

  it('splits CRLF files the same way', async () => {
    const bytes = toMboxrd(BODIES.map((lines, i) => message(i, lines.join('\r\n'), '\r\n')), '\r\n');
    const file = writeFile(dir, 'crlf.mbox', bytes);
    const refs = await collect(scanMbox(file));
    expect(refs).toHaveLength(3);
    expect(refs).toEqual(expectedRefs(file, bytes));
  });

  it('finds separators that straddle chunk boundaries, whatever the chunk size', async () => {
    const messages = Array.from({ length: 12 }, (_, i) => message(i, 'x'.repeat(i * 7)));
    const bytes = toMboxrd(messages);
    const file = writeFile(dir, 'many.mbox', bytes);
    const reference = await collect(scanMbox(file));
    expect(reference).toHaveLength(12);
    expect(await collect(scanMbox(file, 64))).toEqual(reference);
    for (let chunkSize = 6; chunkSize <= 200; chunkSize++) {
      expect(await collect(scanMbox(file, chunkSize)), `chunk size ${chunkSize}`).toEqual(reference);
    }
  });

  it('tolerates blank lines before the first separator', async () => {
    const bytes = Buffer.concat([Buffer.from('\n\r\n  \n'), toMboxrd(THREE.slice(0, 2))]);
    const file = writeFile(dir, 'leading-blank.mbox', bytes);
    for (const chunkSize of [6, 7, 64, undefined]) {
      const refs = await collect(scanMbox(file, chunkSize));
      expect(refs.map((r) => r.start)).toEqual(separatorOffsets(bytes));
    }
  });

  it('yields nothing for an empty file', async () => {
    expect(await collect(scanMbox(writeFile(dir, 'empty.mbox', '')))).toEqual([]);
  });

  it.each([
    ['headers only', 'From: a@example.com\nSubject: x\n\nFrom here\n'],
    ['text before the first separator', 'hello\nFrom a@example.com Mon Jan  1 00:00:00 2024\n\nbody\n'],
    ['an indented separator', '  From a@example.com Mon Jan  1 00:00:00 2024\n'],
    ['a short file', 'Fro'],
  ])('rejects a file that is not an mbox: %s', async (_label, content) => {
    const file = writeFile(dir, `not-mbox-${content.length}.mbox`, content);
    for (const chunkSize of [6, 64, undefined]) {
      await expect(collect(scanMbox(file, chunkSize))).rejects.toBeInstanceOf(InvalidInputError);
    }
  });

  it('rejects a chunk size too small to hold a separator', async () => {
    const file = writeFile(dir, 'tiny-chunk.mbox', toMboxrd(THREE));
    await expect(collect(scanMbox(file, 5))).rejects.toBeInstanceOf(RangeError);
  });
});
