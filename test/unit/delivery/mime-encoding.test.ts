import { describe, expect, it } from 'vitest';
import { encodeWords, headerLine, quotedPrintable } from '../../../src/delivery/mime-encoding.ts';

/** Decodes quoted-printable strictly: an "=" must start a hex escape or end a line. */
function decodeQp(encoded: string): string {
  const bytes: number[] = [];
  const lines = encoded.split('\r\n');
  lines.forEach((line, i) => {
    const soft = line.endsWith('=');
    const body = soft ? line.slice(0, -1) : line;
    for (let j = 0; j < body.length; j++) {
      if (body[j] === '=') {
        expect(body.slice(j + 1, j + 3)).toMatch(/^[0-9A-F]{2}$/);
        bytes.push(parseInt(body.slice(j + 1, j + 3), 16));
        j += 2;
      } else bytes.push(body.charCodeAt(j));
    }
    if (!soft && i < lines.length - 1) bytes.push(10);
  });
  return Buffer.from(bytes).toString('utf8');
}

describe('quotedPrintable', () => {
  it('escapes "=", non-ASCII bytes and whitespace at a line end, and turns line breaks into CRLF', () => {
    expect(quotedPrintable('a = b \nc\td\t\r\nend ')).toBe('a =3D b=20\r\nc\td=09\r\nend=20');
    expect(quotedPrintable('é')).toBe('=C3=A9');
  });

  it('breaks long lines softly within 76 characters, never inside an escape', () => {
    const text = `${'é'.repeat(70)} ${'plain '.repeat(40)}\n${'='.repeat(90)}`;
    const encoded = quotedPrintable(text);
    for (const line of encoded.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    expect(decodeQp(encoded)).toBe(text);
  });
});

describe('encodeWords', () => {
  it('splits on whole code points, so no word holds half a character', () => {
    const text = '🙂'.repeat(30) + 'é'.repeat(30);
    const words = encodeWords(text);
    const decoded = words.map((w) => Buffer.from(/^=\?UTF-8\?B\?(.*)\?=$/.exec(w)![1]!, 'base64').toString('utf8'));
    expect(decoded.join('')).toBe(text);
    for (const part of decoded) expect(part).not.toMatch(/\uFFFD/);
    for (const word of words) expect(word.length).toBeLessThanOrEqual(64);
  });
});

describe('headerLine', () => {
  it('folds before a token that would pass 78 characters and never before the first', () => {
    const line = headerLine('References', Array.from({ length: 6 }, (_, i) => `<reference-number-${i}@mail.example.org>`));
    const lines = line.split('\r\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(78);
    expect(lines.slice(1).every((l) => l.startsWith(' '))).toBe(true);
    expect(headerLine('X', [`${'y'.repeat(100)}`])).toBe(`X: ${'y'.repeat(100)}`);
  });
});
