import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type EmailAddress as ParserAddress } from 'mailparser';
import { InvalidInputError } from '../core/errors.ts';
import type { BulkHeaders, EmailAddress, ParsedMessage } from '../core/types.ts';
import { cleanDisplayName, nameFromXHeader } from './display-name.ts';
import { normalizeMessageId, parseMessageIdList } from './message-id.ts';
import { normalizeAddress } from './normalize-address.ts';

const PARSER_OPTIONS = {
  skipTextToHtml: true,
  skipImageLinks: true,
  skipTextLinks: true,
} as const;

/**
 * Parses raw RFC 822 bytes into the facts rapport keeps. Throws InvalidInputError for
 * bytes that are not a mail message (nothing a header could be read from).
 */
export async function parseMessage(raw: Buffer): Promise<ParsedMessage> {
  let mail;
  try {
    mail = await simpleParser(raw, PARSER_OPTIONS);
  } catch (err) {
    throw new InvalidInputError(`unreadable MIME: ${(err as Error).message}`, { cause: err });
  }
  const header = (name: string) => headerText(mail.headers.get(name));
  const from = withXNames(addressesOf(mail.from), header('x-from'))[0] ?? null;
  const to = withXNames(addressesOf(mail.to), header('x-to'));
  const cc = withXNames(addressesOf(mail.cc), header('x-cc'));
  const messageId = normalizeMessageId(mail.messageId);
  const subject = (mail.subject ?? '').replace(/\s+/g, ' ').trim();
  if (!from && to.length === 0 && !messageId && !mail.date && !subject) {
    throw new InvalidInputError('no From, To, Date, Message-ID or Subject header: not an e-mail message');
  }
  return {
    messageKey: messageId ?? `sha256:${createHash('sha256').update(raw).digest('hex')}`,
    messageId,
    inReplyTo: parseMessageIdList(mail.inReplyTo),
    references: parseMessageIdList(mail.references),
    date: validDate(mail.date),
    subject,
    from,
    to,
    cc,
    bcc: addressesOf(mail.bcc),
    replyTo: addressesOf(mail.replyTo),
    bulk: bulkHeadersOf(header),
    text: bodyText(mail.text, mail.html),
    // Invitations often carry the same calendar twice (inline and as invite.ics).
    calendarParts: [
      ...new Set(
        mail.attachments
          .filter((a) => isCalendarPart(a.contentType, a.filename))
          .map((a) => a.content.toString('utf8')),
      ),
    ],
  };
}

function addressesOf(value: AddressObject | AddressObject[] | undefined): EmailAddress[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  const out: EmailAddress[] = [];
  const visit = (entry: ParserAddress) => {
    if (entry.group) entry.group.forEach(visit);
    const address = entry.address ? normalizeAddress(entry.address) : null;
    if (address) out.push({ address, name: cleanDisplayName(entry.name, address) });
  };
  objects.forEach((o) => o.value.forEach(visit));
  return out;
}

/**
 * Lotus Notes exports (the Enron corpus among them) put bare addresses in From/To and
 * the people's names in X-From/X-To/X-cc, in the same order. Fill missing names from them
 * when the two lists line up.
 */
function withXNames(addresses: EmailAddress[], xHeader: string | null): EmailAddress[] {
  if (!xHeader || addresses.length === 0) return addresses;
  const names = nameFromXHeader(xHeader);
  if (names.length !== addresses.length) return addresses;
  return addresses.map((a, i) => ({ ...a, name: a.name ?? cleanDisplayName(names[i], a.address) }));
}

function headerText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(headerText).filter(Boolean).join(', ');
  if (typeof value === 'object' && 'text' in value) return String((value as { text: unknown }).text);
  if (typeof value === 'object' && 'value' in value) return String((value as { value: unknown }).value);
  return String(value);
}

function bulkHeadersOf(header: (name: string) => string | null): BulkHeaders {
  return {
    listId: header('list-id'),
    listUnsubscribe: header('list-unsubscribe'),
    precedence: header('precedence'),
    autoSubmitted: header('auto-submitted'),
  };
}

function validDate(date: Date | undefined): Date | null {
  return date && !Number.isNaN(date.getTime()) ? date : null;
}

function bodyText(text: string | undefined, html: string | false | undefined): string {
  if (text) return text;
  if (!html) return '';
  // mailparser converts HTML to text only when there is no text part; this is a fallback
  // for odd structures where it did not.
  return html.replace(/<style[\s\S]*?<\/style>|<script[\s\S]*?<\/script>/gi, ' ').replace(/<[^>]+>/g, ' ');
}

function isCalendarPart(contentType: unknown, filename: unknown): boolean {
  // Broken mail can leave these non-strings.
  const type = String(contentType ?? '').toLowerCase();
  return type === 'text/calendar' || type === 'application/ics' || /\.ics$/i.test(String(filename ?? ''));
}
