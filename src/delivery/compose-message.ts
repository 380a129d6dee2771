/**
 * Outgoing mail as RFC 5322 bytes, ready for a provider's "raw" upload. Pure: no I/O,
 * and the same input (with a `date`) gives the same bytes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { InvalidInputError } from '../core/errors.ts';
import { checkAddress, checkMessageId, domainOf, toHeaderText } from './header-values.ts';
import { CRLF, encodeWords, formatDate, headerLine, isPlainAscii, quotedPrintable, textTokens } from './mime-encoding.ts';

/** A mailbox: an address with an optional display name. */
export interface MailAddress {
  address: string;
  name?: string | null;
}

/** A message rapport is about to put in a draft or send. */
export interface OutgoingMessage {
  from: MailAddress;
  to: readonly MailAddress[];
  cc?: readonly MailAddress[];
  /** Free text; line breaks and control characters become spaces. */
  subject: string;
  text: string;
  /** When given, the message is multipart/alternative: `text`, then this HTML. */
  html?: string | null;
  /** Our own Message-ID, generated before any provider call and stored on the draft. */
  messageId: string; // without angle brackets, e.g. 'rapport.8f3…@university.example'
  /** When replying: the answered message's Message-ID and References (from its headers). */
  inReplyTo?: string | null;
  references?: readonly string[];
  /** Defaults to now. */
  date?: Date;
}

/**
 * Most References a reply carries: the thread's first id and the latest ones, as news
 * and mail clients trim long threads (RFC 5537 §3.4.4), so the header stays small.
 */
const MAX_REFERENCES = 50;

/**
 * A new, random Message-ID in the sender's domain (`rapport.<32 hex>@domain`), without
 * angle brackets. Generate it once per draft and store it before the first provider
 * call: it is how a retried delivery finds out whether the message already went out.
 *
 * @throws InvalidInputError when `fromAddress` is not one valid address.
 */
export function newMessageId(fromAddress: string): string {
  const domain = domainOf(checkAddress(fromAddress, 'From address'));
  return `rapport.${randomBytes(16).toString('hex')}@${domain}`;
}

/**
 * The message as RFC 5322 bytes: Date, From, To, Cc, Subject, Message-ID, threading
 * headers and MIME-Version, then a UTF-8 quoted-printable body (text/plain, or
 * multipart/alternative with the HTML). Non-ASCII header text is RFC 2047 encoded and
 * every line stays within 78 characters.
 *
 * Free text (subject, display names) is cleaned of line breaks and control characters;
 * addresses and Message-IDs must each be one well-formed value. Either way no input can
 * add a header.
 *
 * @throws InvalidInputError for a bad address or Message-ID, no recipient, or a bad date.
 */
export function composeMessage(m: OutgoingMessage): Buffer {
  const to = m.to.map((a, i) => mailbox(a, `To address ${i + 1}`));
  const cc = (m.cc ?? []).map((a, i) => mailbox(a, `Cc address ${i + 1}`));
  if (to.length === 0) throw new InvalidInputError('A message needs at least one To recipient.');
  const date = m.date ?? new Date();
  if (Number.isNaN(date.getTime())) throw new InvalidInputError('The message date is not a valid date.');
  const messageId = checkMessageId(m.messageId, 'Message-ID', true);
  const inReplyTo = m.inReplyTo ? checkMessageId(m.inReplyTo, 'In-Reply-To') : null;
  const references = referencesFor(m.references ?? [], inReplyTo);

  const headers = [
    headerLine('Date', [formatDate(date)]),
    headerLine('From', mailbox(m.from, 'From address')),
    headerLine('To', addressList(to)),
    ...(cc.length > 0 ? [headerLine('Cc', addressList(cc))] : []),
    headerLine('Subject', textTokens(toHeaderText(m.subject))),
    headerLine('Message-ID', [`<${messageId}>`]),
    ...(inReplyTo ? [headerLine('In-Reply-To', [`<${inReplyTo}>`])] : []),
    ...(references.length > 0 ? [headerLine('References', references.map((id) => `<${id}>`))] : []),
    'MIME-Version: 1.0',
  ];
  const body = m.html ? alternativeBody(m.text, m.html, messageId) : textPart('plain', m.text);
  return Buffer.from([...headers, ...body.headers, '', body.content].join(CRLF), 'utf8');
}

/** References for a reply: the answered message's References, then its own Message-ID. */
function referencesFor(references: readonly string[], inReplyTo: string | null): string[] {
  const ids = references.map((id, i) => checkMessageId(id, `References id ${i + 1}`));
  if (inReplyTo) ids.push(inReplyTo);
  const unique = [...new Set(ids.reverse())].reverse();
  if (unique.length <= MAX_REFERENCES) return unique;
  return [unique[0]!, ...unique.slice(unique.length - (MAX_REFERENCES - 1))];
}

/** A mailbox's tokens: `Name <address>` or the bare address, the name quoted or encoded as needed. */
function mailbox(a: MailAddress, field: string): string[] {
  const address = checkAddress(a?.address, field);
  const name = toHeaderText(a.name ?? '');
  return name === '' ? [address] : [...phrase(name), `<${address}>`];
}

/**
 * A display name as RFC 5322 phrase tokens: bare atoms when it is plain words, a quoted
 * string when it holds specials such as `"` or `,`, encoded words when it is not ASCII or
 * too long to quote on one line.
 */
function phrase(name: string): string[] {
  if (!isPlainAscii(name) || name.length > 60 || name.includes('=?')) return encodeWords(name);
  if (/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+$/.test(name)) return name.split(' ');
  return [`"${name.replace(/["\\]/g, '\\$&')}"`];
}

function addressList(mailboxes: readonly string[][]): string[] {
  return mailboxes.flatMap((tokens, i) =>
    i < mailboxes.length - 1 ? [...tokens.slice(0, -1), `${tokens[tokens.length - 1]},`] : tokens,
  );
}

interface MimeBody {
  headers: string[];
  content: string;
}

function textPart(subtype: 'plain' | 'html', text: string): MimeBody {
  return {
    headers: [`Content-Type: text/${subtype}; charset=UTF-8`, 'Content-Transfer-Encoding: quoted-printable'],
    content: quotedPrintable(text),
  };
}

function alternativeBody(text: string, html: string, messageId: string): MimeBody {
  // "=_" never occurs in quoted-printable output, so the boundary cannot occur in a part;
  // deriving the rest from the Message-ID keeps the output a function of the input.
  const boundary = `=_rapport_${createHash('sha256').update(messageId).digest('hex').slice(0, 24)}`;
  const parts = [textPart('plain', text), textPart('html', html)].map((part) =>
    [`--${boundary}`, ...part.headers, '', part.content].join(CRLF),
  );
  return {
    headers: ['Content-Type: multipart/alternative;', ` boundary="${boundary}"`],
    content: [...parts, `--${boundary}--`, ''].join(CRLF),
  };
}
