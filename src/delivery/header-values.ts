/**
 * Checks and cleans every value that goes into an outgoing header. Free text (a subject,
 * a display name) loses its control characters; an address or a Message-ID that is not
 * exactly one well-formed value is refused. Either way, no value can start a header line
 * of its own.
 */
import { domainToASCII } from 'node:url';
import { InvalidInputError } from '../core/errors.ts';

// Line and paragraph separators and C0/C1 controls end a line in some reader or other;
// bidirectional embeddings, overrides and isolates can make a header display as
// something other than what it says.
const LINE_BREAKING = /[\p{Cc}\p{Zl}\p{Zp}]/gu;
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** RFC 5322 atext: what a dot-atom local part may hold. */
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A Message-ID's text between its angle brackets: visible ASCII, no brackets or spaces. */
const MESSAGE_ID = /^[\x21-\x3B\x3D\x3F-\x7E]+$/;
const MAX_MESSAGE_ID = 250;

/** Free text for a header: one line, no control characters, whitespace collapsed. */
export function toHeaderText(value: string): string {
  return value.replace(BIDI_CONTROLS, '').replace(LINE_BREAKING, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * `value` if it is one plain address (`local@domain`, no name, no comment, no list), with
 * an internationalised domain in its ASCII (punycode) form.
 *
 * @throws InvalidInputError naming `field` otherwise.
 */
export function checkAddress(value: unknown, field: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  const at = text.lastIndexOf('@');
  const local = text.slice(0, at);
  const domain = at > 0 ? asciiDomain(text.slice(at + 1)) : null;
  if (at <= 0 || local.length > 64 || !LOCAL_PART.test(local) || !domain || local.length + 1 + domain.length > 254) {
    throw new InvalidInputError(`${field} must be one email address such as name@example.org, got ${JSON.stringify(value)}.`);
  }
  return `${local}@${domain}`;
}

/** The domain of a checked address. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}

function asciiDomain(domain: string): string | null {
  // domainToASCII maps Unicode labels to punycode and lower-cases; it returns '' for what
  // cannot be a host name, and lets through some things a mail domain may not hold.
  if (domain === '' || /[^\p{L}\p{M}\p{N}.-]/u.test(domain)) return null;
  const ascii = domainToASCII(domain);
  const labels = ascii.split('.');
  if (labels.length < 2 || ascii.length > 253 || !labels.every((l) => DNS_LABEL.test(l))) return null;
  return /^[0-9]+$/.test(labels[labels.length - 1]!) ? null : ascii;
}

/**
 * A Message-ID without its angle brackets (one pair around it is accepted and removed).
 * `requireAt` asks for the `left@right` form rapport writes; ids read from other mail may
 * lack the `@` and still thread.
 *
 * @throws InvalidInputError naming `field` when it is empty, too long, or holds spaces,
 * brackets or control characters.
 */
export function checkMessageId(value: unknown, field: string, requireAt = false): string {
  const text = typeof value === 'string' ? value.trim().replace(/^<([^<>]*)>$/, '$1') : '';
  const valid = MESSAGE_ID.test(text) && text.length <= MAX_MESSAGE_ID && (!requireAt || /^[^@]+@[^@]+$/.test(text));
  if (!valid) {
    throw new InvalidInputError(`${field} must be one Message-ID such as abc.123@example.org, got ${JSON.stringify(value)}.`);
  }
  return text;
}
