/**
 * A small MIME parser: headers, content types, multipart trees and transfer decoding.
 * Bodies are handled as latin1 strings, which map bytes one to one, so binary parts
 * survive the boundary search unchanged.
 */

export interface MimeHeader {
  name: string;
  /** Unfolded; raw bytes read as UTF-8; RFC 2047 words not yet decoded. */
  value: string;
}

export interface MimePart {
  headers: MimeHeader[];
  /** Lower-case `type/subtype`; text/plain when absent. */
  mimeType: string;
  /** Content-Type parameters, lower-case names, RFC 2231 values joined and decoded. */
  params: Record<string, string>;
  /** 'attachment', 'inline' or null. */
  disposition: string | null;
  dispositionParams: Record<string, string>;
  /** The content with its transfer encoding removed (empty for multiparts). */
  body: Buffer;
  children: MimePart[];
}

const MAX_DEPTH = 30;

export function parseMime(raw: Buffer): MimePart {
  return parsePart(raw.toString('latin1'), 0);
}

function parsePart(text: string, depth: number): MimePart {
  const { head, body } = splitHeadBody(text);
  const headers = parseHeaders(head);
  const [mimeType, params] = parseValueWithParams(headerOf(headers, 'content-type') ?? 'text/plain');
  const [disposition, dispositionParams] = parseValueWithParams(headerOf(headers, 'content-disposition') ?? '');
  const part: MimePart = {
    headers,
    mimeType: mimeType.includes('/') ? mimeType : 'text/plain',
    params,
    disposition: disposition || null,
    dispositionParams,
    body: Buffer.alloc(0),
    children: [],
  };
  const boundary = params['boundary'];
  if (part.mimeType.startsWith('multipart/') && boundary && depth < MAX_DEPTH) {
    part.children = splitMultipart(body, boundary).map((p) => parsePart(p, depth + 1));
  } else {
    part.body = decodeTransfer(body, headerOf(headers, 'content-transfer-encoding'));
  }
  return part;
}

function splitHeadBody(text: string): { head: string; body: string } {
  if (/^\r?\n/.test(text)) return { head: '', body: text.replace(/^\r?\n/, '') };
  const end = /\r?\n\r?\n/.exec(text);
  if (!end) return { head: text, body: '' };
  return { head: text.slice(0, end.index), body: text.slice(end.index + end[0].length) };
}

function parseHeaders(head: string): MimeHeader[] {
  const headers: MimeHeader[] = [];
  for (const line of head.split(/\r?\n/)) {
    const last = headers[headers.length - 1];
    if (/^[ \t]/.test(line) && last) {
      last.value += line;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1) });
  }
  for (const h of headers) h.value = Buffer.from(h.value, 'latin1').toString('utf8').trim();
  return headers;
}

/** The first header with that name (case-insensitive). */
export function headerOf(headers: MimeHeader[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === lower)?.value;
}

/** Splits a multipart body at its delimiter lines; the preamble and epilogue are dropped. */
function splitMultipart(body: string, boundary: string): string[] {
  const escaped = boundary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const delimiter = new RegExp(`(?:^|\\r?\\n)--${escaped}(--)?[ \\t]*(?=\\r?\\n|$)`, 'g');
  const parts: string[] = [];
  let start: number | null = null;
  for (const match of body.matchAll(delimiter)) {
    if (start !== null) parts.push(body.slice(start, match.index).replace(/^\r?\n/, ''));
    if (match[1]) return parts;
    start = match.index + match[0].length;
  }
  // No closing delimiter: keep what follows the last one.
  if (start !== null) parts.push(body.slice(start).replace(/^\r?\n/, ''));
  return parts;
}

/** `type/sub; a=1; b="x y"` into the lower-cased value and its parameters (RFC 2231 aware). */
export function parseValueWithParams(text: string): [string, Record<string, string>] {
  const pieces = splitOutsideQuotes(text, ';');
  const value = (pieces.shift() ?? '').trim().toLowerCase();
  const simple: Record<string, string> = {};
  const extended = new Map<string, { index: number; text: string; encoded: boolean }[]>();
  for (const piece of pieces) {
    const eq = piece.indexOf('=');
    if (eq <= 0) continue;
    const key = piece.slice(0, eq).trim().toLowerCase();
    const raw = unquote(piece.slice(eq + 1).trim());
    const star = /^([^*]+)\*(?:(\d+)\*?)?$/.exec(key);
    if (!star) {
      simple[key] = raw;
      continue;
    }
    const name = star[1] ?? key;
    const list = extended.get(name) ?? [];
    list.push({ index: Number(star[2] ?? 0), text: raw, encoded: key.endsWith('*') });
    extended.set(name, list);
  }
  for (const [name, list] of extended) simple[name] = joinRfc2231(list.sort((a, b) => a.index - b.index));
  return [value, simple];
}

function joinRfc2231(segments: { text: string; encoded: boolean }[]): string {
  let charset = 'utf-8';
  const bytes: Buffer[] = [];
  segments.forEach((segment, i) => {
    let text = segment.text;
    if (i === 0 && segment.encoded) {
      const m = /^([^']*)'[^']*'(.*)$/.exec(text);
      if (m) {
        charset = m[1] || charset;
        text = m[2] ?? '';
      }
    }
    bytes.push(segment.encoded ? percentDecode(text) : Buffer.from(text, 'utf8'));
  });
  return decodeCharset(Buffer.concat(bytes), charset);
}

function percentDecode(text: string): Buffer {
  return Buffer.from(text.replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\' && quoted) {
      current += c + (text[i + 1] ?? '');
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      current += c;
    } else if (c === separator && !quoted) {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}

function unquote(text: string): string {
  return /^".*"$/s.test(text) ? text.slice(1, -1).replace(/\\(.)/g, '$1') : text;
}

function decodeTransfer(body: string, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/[^A-Za-z0-9+/]/g, ''), 'base64');
    case 'quoted-printable':
      return Buffer.from(
        body.replace(/[ \t]+(?=\r?\n)/g, '').replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) =>
          String.fromCharCode(parseInt(hex, 16)),
        ),
        'latin1',
      );
    default:
      return Buffer.from(body, 'latin1');
  }
}

/** Bytes in a named charset to text; unknown charsets fall back to UTF-8. */
export function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder(charset || 'utf-8').decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

/** Decodes RFC 2047 encoded words (`=?UTF-8?B?…?=`) in a header value. */
export function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)/g, '$1')
    .replace(/=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g, (_m, charset: string, kind: string, text: string) => {
      const bytes =
        kind.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(
              text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_q, hex: string) => String.fromCharCode(parseInt(hex, 16))),
              'latin1',
            );
      return decodeCharset(bytes, charset.split('*')[0]);
    });
}

/** The leaves of a part tree in document order. */
export function leavesOf(part: MimePart): MimePart[] {
  return part.children.length === 0 && !part.mimeType.startsWith('multipart/')
    ? [part]
    : part.children.flatMap(leavesOf);
}

/** A part's file name (Content-Disposition filename, else Content-Type name), '' when none. */
export function filenameOf(part: MimePart): string {
  return decodeWords(part.dispositionParams['filename'] ?? part.params['name'] ?? '');
}

/** Gmail serves a part as an attachment when it has a file name or is marked as one. */
export function isAttachment(part: MimePart): boolean {
  return filenameOf(part) !== '' || part.disposition === 'attachment';
}
