/**
 * What the emulator needs to know about a stored message, read once from its raw bytes:
 * the MIME tree, decoded headers, threading ids, addresses and text for search.
 */
import { decodeCharset, decodeWords, filenameOf, headerOf, isAttachment, leavesOf, parseMime, type MimeHeader, type MimePart } from './mime.ts';

export interface MessageFacts {
  tree: MimePart;
  /** Top-level headers with RFC 2047 words decoded, in message order. */
  headers: MimeHeader[];
  /** Message-ID without brackets, or null. */
  messageId: string | null;
  /** In-Reply-To and References ids, without brackets. */
  parentIds: string[];
  subject: string;
  /** Lower-cased header texts, for from:/to: searches. */
  from: string;
  to: string;
  cc: string;
  bcc: string;
  /** The sender's address, lower-cased, or null. */
  fromAddress: string | null;
  /** Every recipient address (To, Cc, Bcc), lower-cased. */
  recipients: string[];
  /** Parsed Date: header, or null. */
  date: Date | null;
  /** Body text (text/plain, else HTML without tags), whitespace collapsed. */
  text: string;
  hasAttachment: boolean;
  filenames: string[];
}

export function readFacts(raw: Buffer): MessageFacts {
  const tree = parseMime(raw);
  const headers = tree.headers.map((h) => ({ name: h.name, value: decodeWords(h.value) }));
  const header = (name: string) => headerOf(headers, name) ?? '';
  const leaves = leavesOf(tree);
  const attachments = leaves.filter(isAttachment);
  const dateText = header('date');
  const date = dateText ? new Date(dateText.replace(/\s*\([^)]*\)\s*$/, '')) : null;
  return {
    tree,
    headers,
    messageId: messageIdsIn(header('message-id'))[0] ?? null,
    parentIds: [...new Set([...messageIdsIn(header('references')), ...messageIdsIn(header('in-reply-to'))])],
    subject: header('subject').replace(/\s+/g, ' ').trim(),
    from: header('from').toLowerCase(),
    to: header('to').toLowerCase(),
    cc: header('cc').toLowerCase(),
    bcc: header('bcc').toLowerCase(),
    fromAddress: addressesIn(header('from'))[0] ?? null,
    recipients: [...new Set(['to', 'cc', 'bcc'].flatMap((name) => addressesIn(header(name))))],
    date: date && !Number.isNaN(date.getTime()) ? date : null,
    text: bodyText(leaves.filter((l) => !isAttachment(l))),
    hasAttachment: attachments.length > 0,
    filenames: attachments.map(filenameOf),
  };
}

/** Ids inside `<…>` (or a single bare token), without brackets. */
export function messageIdsIn(text: string): string[] {
  const bracketed = [...text.matchAll(/<([^<>\s]+)>/g)].map((m) => m[1] ?? '');
  if (bracketed.length > 0) return bracketed;
  const bare = text.trim();
  return bare && !/\s/.test(bare) ? [bare] : [];
}

/** Addresses in an address-list header, lower-cased. */
export function addressesIn(text: string): string[] {
  const withoutQuoted = text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return [...withoutQuoted.matchAll(/[^\s<>(),;:"']+@[^\s<>(),;:"']+/g)].map((m) => m[0].toLowerCase());
}

function bodyText(leaves: MimePart[]): string {
  const plain = leaves.find((l) => l.mimeType === 'text/plain');
  const html = leaves.find((l) => l.mimeType === 'text/html');
  const chosen = plain ?? html;
  if (!chosen) return '';
  let text = decodeCharset(chosen.body, chosen.params['charset']);
  if (chosen === html) text = htmlToText(text);
  return text.replace(/\s+/g, ' ').trim();
}

function htmlToText(html: string): string {
  return html
    .replace(/<(style|script)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Gmail's snippet: the start of the body text, HTML-escaped as Gmail escapes it. */
export function snippetOf(facts: MessageFacts): string {
  return facts.text
    .slice(0, 200)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
