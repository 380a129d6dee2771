/**
 * Decides what a file of a mailbox export is from its first bytes, its name only breaking
 * ties: exports name files carelessly (raw mail as `.txt`, maildir files with no extension,
 * single messages with an mbox "From " line as `.eml`).
 */
import { basename, extname } from 'node:path';
import type { FileHead } from './read-range.ts';

/** Bytes of a file's start that are enough to classify it. */
export const SNIFF_BYTES = 8 * 1024;

/** What a file is: one calendar, an mbox, one raw message, noise to ignore, or a problem. */
export type FileKind =
  | { kind: 'ics' | 'mbox' | 'raw' | 'skip' }
  | { kind: 'failure'; reason: string };

const MBOX_EXTENSIONS = new Set(['.mbox', '.mbx', '.mbs']);

/** Extensions that are never mail: skipped without a word. */
const NOT_MAIL_EXTENSIONS = new Set([
  '.json', '.md', '.markdown', '.html', '.htm', '.css', '.js', '.ts', '.py', '.xml', '.plist',
  '.yml', '.yaml', '.toml', '.ini', '.csv', '.tsv', '.log', '.pdf', '.doc', '.docx', '.xls',
  '.xlsx', '.ppt', '.pptx', '.png', '.jpg', '.jpeg', '.gif', '.bmp', '.webp', '.svg', '.ico',
  '.tif', '.tiff', '.heic', '.mp3', '.mp4', '.mov', '.wav', '.db', '.sqlite', '.exe', '.dll',
  '.msf', // Thunderbird's index next to each mbox
]);

/** Base names (before any extension) of files that come with folders but are not mail. */
const NOT_MAIL_NAMES = new Set([
  'readme', 'license', 'licence', 'copying', 'changelog', 'notice', 'authors', 'contributing',
  'maildirfolder', 'subscriptions', 'table_of_contents', // maildir and Apple Mail bookkeeping
]);
/** Mail servers' index files inside maildirs (`dovecot-uidlist`, `courierimapkeywords`…). */
const NOT_MAIL_PREFIXES = ['dovecot', 'courierimap'];

const ARCHIVE_EXTENSIONS = new Set(['.zip', '.gz', '.tgz', '.bz2', '.xz', '.7z', '.rar', '.tar']);

/** A header field line, e.g. `Subject: x`; obsolete syntax allows blanks before the colon. */
const HEADER_LINE = /^[!-9;-~]+[ \t]*:/;
/** Field names that only mail has: a block of `Name: value` lines needs one of them. */
const MAIL_FIELD = new RegExp(
  '^(from|to|cc|bcc|subject|date|sender|reply-to|message-id|in-reply-to|references|received|' +
    'return-path|delivered-to|envelope-to|mime-version|dkim-signature|authentication-results|' +
    '(x|content|list|resent|arc)-[!-9;-~]+)[ \\t]*:',
  'i',
);

/**
 * Classifies a file from its name and first bytes ({@link SNIFF_BYTES} of them suffice).
 * Order matters: content wins over the name, except that a file named like an mbox must be one.
 */
export function classifyFile(path: string, { head, size }: FileHead): FileKind {
  const name = basename(path).toLowerCase();
  const ext = extname(name);
  if (size === 0) return isNotMailByName(name) ? { kind: 'skip' } : failure('empty file');
  const text = head.toString('latin1').replace(/^\xef\xbb\xbf/, ''); // latin1: one char per byte
  if (ext === '.ics' || /^\s*BEGIN:VCALENDAR/i.test(text)) return { kind: 'ics' };
  const lines = visibleLines(text, head.length < size);
  const first = lines[0] ?? '';
  if (first.startsWith('From ') && !/^From[ \t]*:/.test(first)) return { kind: 'mbox' };
  if (MBOX_EXTENSIONS.has(ext)) return failure('named like an mbox file but does not start with a "From " line');
  if (looksLikeHeaders(lines)) return { kind: 'raw' };
  if (isNotMailByName(name)) return { kind: 'skip' };
  return failure(whyNotMail(head, ext));
}

/**
 * The lines of the sniffed text from the first one that is not blank, without line breaks.
 * When the file goes on past the sniffed bytes the last, cut-off line is left out.
 */
function visibleLines(text: string, truncated: boolean): string[] {
  const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
  if (truncated && lines.length > 1) lines.pop();
  const firstContent = lines.findIndex((line) => line.trim() !== '');
  return firstContent === -1 ? [] : lines.slice(firstContent);
}

/**
 * True when the file starts with an RFC 822 header block: the first line is a header, one
 * field of the block (up to the first blank line, or as far as was read) is a mail field,
 * and most lines are headers or folded continuations. Real mail has the odd broken line.
 */
function looksLikeHeaders(lines: string[]): boolean {
  if (!HEADER_LINE.test(lines[0] ?? '')) return false;
  let mailField = false;
  let good = 0;
  let total = 0;
  for (const line of lines) {
    if (line === '') break;
    total++;
    if (line.startsWith(' ') || line.startsWith('\t') || HEADER_LINE.test(line)) good++;
    mailField ||= MAIL_FIELD.test(line);
  }
  return mailField && good * 2 > total;
}

function isNotMailByName(name: string): boolean {
  const ext = extname(name);
  const stem = ext === '' ? name : name.slice(0, -ext.length);
  return NOT_MAIL_EXTENSIONS.has(ext) || NOT_MAIL_NAMES.has(stem) ||
    NOT_MAIL_PREFIXES.some((prefix) => name.startsWith(prefix));
}

/** A reason a person can act on, from magic numbers and the name; no content is quoted. */
function whyNotMail(head: Buffer, ext: string): string {
  if (head.subarray(0, 8).equals(Buffer.from('d0cf11e0a1b11ae1', 'hex'))) {
    return 'Outlook .msg (binary) files are not supported; export the mail as .eml or mbox';
  }
  const zipped = head.subarray(0, 4).equals(Buffer.from('504b0304', 'hex')) ||
    head.subarray(0, 2).equals(Buffer.from('1f8b', 'hex'));
  if (zipped || ARCHIVE_EXTENSIONS.has(ext)) return 'compressed archive; extract it and import the files inside';
  if (isBinary(head)) return 'binary file, not a mail message, mbox or calendar file';
  return 'not a mail message, mbox or calendar file (no mail headers or "From " line at the start)';
}

/** NUL bytes or many control characters: text formats have neither. */
function isBinary(head: Buffer): boolean {
  let control = 0;
  for (const byte of head) {
    if (byte === 0) return true;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) control++;
  }
  return control > head.length / 10;
}

function failure(reason: string): FileKind {
  return { kind: 'failure', reason };
}
