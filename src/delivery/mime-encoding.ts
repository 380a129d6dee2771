/**
 * The byte-level pieces of an outgoing message: RFC 2047 encoded words, folded header
 * lines, quoted-printable bodies and RFC 5322 dates. Values reaching this module are
 * already one line without control characters (see header-values.ts); this module only
 * encodes them.
 */

export const CRLF = '\r\n';

/** Longest header or body line we write, CRLF excluded (RFC 5322 §2.1.1 "should"). */
const MAX_LINE = 78;
/**
 * Bytes of text per encoded word: 39 bytes are 52 base64 characters, 64 with the
 * `=?UTF-8?B?…?=` wrapper, so even `Subject: ` and a word fit in 78.
 */
const WORD_BYTES = 39;
/** Longest quoted-printable line, the soft-break `=` included (RFC 2045 §6.7). */
const QP_LINE = 76;

/** Printable ASCII only: such a value needs no encoding. */
export function isPlainAscii(value: string): boolean {
  return /^[\x20-\x7E]*$/.test(value);
}

/**
 * `value` as RFC 2047 encoded words (UTF-8, base64), each short enough for a line of its
 * own. A word always ends on a whole code point, as RFC 2047 §5 requires.
 */
export function encodeWords(value: string): string[] {
  const words: string[] = [];
  let chunk: Buffer[] = [];
  let size = 0;
  for (const char of value) {
    const bytes = Buffer.from(char, 'utf8');
    if (size + bytes.length > WORD_BYTES && chunk.length > 0) {
      words.push(encodedWord(Buffer.concat(chunk)));
      chunk = [];
      size = 0;
    }
    chunk.push(bytes);
    size += bytes.length;
  }
  if (chunk.length > 0) words.push(encodedWord(Buffer.concat(chunk)));
  return words;
}

function encodedWord(bytes: Buffer): string {
  return `=?UTF-8?B?${bytes.toString('base64')}?=`;
}

/**
 * Tokens of unstructured text (a subject): plain words when the text is short-worded
 * ASCII, else encoded words. Joined by single spaces they read back as `value`.
 */
export function textTokens(value: string): string[] {
  if (value === '') return [];
  const words = value.split(' ');
  if (isPlainAscii(value) && words.every((w) => w.length <= MAX_LINE - 20) && !/=\?/.test(value)) return words;
  return encodeWords(value);
}

/**
 * One header field, folded before a token whenever the line would pass 78 characters.
 * Folding inserts CRLF before the space that already separates two tokens, so unfolding
 * gives back exactly the tokens joined by spaces.
 */
export function headerLine(name: string, tokens: readonly string[]): string {
  let line = `${name}:`;
  const lines: string[] = [];
  tokens.forEach((token, i) => {
    if (i > 0 && line.length + 1 + token.length > MAX_LINE) {
      lines.push(line);
      line = '';
    }
    line += ` ${token}`;
  });
  lines.push(line);
  return lines.join(CRLF);
}

/**
 * A body as quoted-printable (RFC 2045 §6.7): line breaks become CRLF, UTF-8 bytes outside
 * printable ASCII and `=` are escaped, and so is whitespace at a line end (transports may
 * strip it). Lines longer than 76 characters get soft breaks, never inside an escape.
 */
export function quotedPrintable(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, '\n')
    .split('\n')
    .map(encodeQpLine)
    .join(CRLF);
}

function encodeQpLine(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    const isLast = i === bytes.length - 1;
    const literal = (byte >= 33 && byte <= 126 && byte !== 61) || ((byte === 32 || byte === 9) && !isLast);
    const token = literal ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    // Keep room for the soft-break "=", except on the line's last token.
    const room = isLast ? QP_LINE : QP_LINE - 1;
    if (current.length + token.length > room) {
      out.push(`${current}=`);
      current = '';
    }
    current += token;
  }
  out.push(current);
  return out.join(CRLF);
}

/** An RFC 5322 date-time in UTC: `Sat, 01 Jun 2024 10:00:00 +0000`. */
export function formatDate(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}
