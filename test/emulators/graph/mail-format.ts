/**
 * Messages as Graph JSON (C.3) with `$select`, and the other direction: a MIME message
 * built from Graph's message JSON, as Exchange stores a draft created or patched in JSON.
 */
import { decodeCharset, isAttachment, leavesOf } from '../google/mime.ts';
import { badRequest } from './errors.ts';
import type { Folder, StoredMessage } from './mail-store.ts';

export interface Recipient {
  emailAddress: { name: string; address: string };
}

export interface RenderOptions {
  immutableIds: boolean;
  bodyAsText: boolean;
  folderId: (key: string) => string;
}

const ALWAYS = new Set(['id', '@odata.etag', '@odata.type', 'meetingMessageType']);

export function messageId(message: StoredMessage, immutableIds: boolean): string {
  return immutableIds ? message.immutableId : message.restId;
}

/** The iCalendar text of an invitation (a text/calendar part), or null. */
export function calendarPartOf(message: { facts: StoredMessage['facts'] }): string | null {
  const part = leavesOf(message.facts.tree).find((l) => l.mimeType === 'text/calendar' || /\.ics$/i.test(l.params['name'] ?? ''));
  return part ? decodeCharset(part.body, part.params['charset']) : null;
}

/** D.3: invitations are eventMessageRequest / eventMessageResponse / eventMessage with a meetingMessageType. */
function meetingFields(message: StoredMessage): Record<string, unknown> {
  const ics = calendarPartOf(message);
  if (!ics) return { '@odata.type': '#microsoft.graph.message' };
  const method = (/^METHOD:(\S+)/im.exec(ics)?.[1] ?? 'REQUEST').toUpperCase();
  if (method === 'REQUEST') return { '@odata.type': '#microsoft.graph.eventMessageRequest', meetingMessageType: 'meetingRequest' };
  if (method === 'CANCEL') return { '@odata.type': '#microsoft.graph.eventMessage', meetingMessageType: 'meetingCancelled' };
  const partstat = (/PARTSTAT=([A-Z-]+)/i.exec(ics)?.[1] ?? '').toUpperCase();
  const type = partstat === 'ACCEPTED' ? 'meetingAccepted' : partstat === 'TENTATIVE' ? 'meetingTenativelyAccepted' : 'meetingDeclined';
  return { '@odata.type': '#microsoft.graph.eventMessageResponse', meetingMessageType: type };
}

export function messageJson(message: StoredMessage, opts: RenderOptions, select: string[] | null): Record<string, unknown> {
  const { facts } = message;
  const header = (name: string) => facts.headers.find((h) => h.name.toLowerCase() === name)?.value ?? '';
  const body = bodyOf(message, opts.bodyAsText);
  const from = recipientsIn(header('from'))[0] ?? null;
  const sender = recipientsIn(header('sender'))[0] ?? from;
  const full: Record<string, unknown> = {
    ...meetingFields(message),
    '@odata.etag': `W/"CQAAABYAAAEmu${message.version}"`,
    id: messageId(message, opts.immutableIds),
    createdDateTime: iso(message.createdMs),
    lastModifiedDateTime: iso(message.modifiedMs),
    changeKey: `CQAAABYAAAEmu${message.version}`,
    categories: [],
    receivedDateTime: iso(message.receivedMs),
    sentDateTime: message.sentMs === null ? null : iso(message.sentMs),
    hasAttachments: facts.hasAttachment,
    internetMessageId: message.internetMessageId,
    subject: facts.subject,
    bodyPreview: facts.text.slice(0, 255),
    importance: 'normal',
    parentFolderId: opts.folderId(message.folder),
    conversationId: message.conversationId,
    conversationIndex: Buffer.from(message.conversationId).toString('base64').slice(0, 30),
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
    isRead: message.isRead,
    isDraft: message.isDraft,
    webLink: `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(message.immutableId)}&viewmodel=ReadMessageItem`,
    inferenceClassification: 'focused',
    body,
    sender,
    from,
    toRecipients: recipientsIn(header('to')),
    ccRecipients: recipientsIn(header('cc')),
    bccRecipients: recipientsIn(header('bcc')),
    replyTo: recipientsIn(header('reply-to')),
    flag: { flagStatus: 'notFlagged' },
  };
  if (!select) return full;
  const picked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(full)) if (ALWAYS.has(key) || select.includes(key.toLowerCase())) picked[key] = value;
  if (select.includes('internetmessageheaders')) picked['internetMessageHeaders'] = facts.headers.map((h) => ({ name: h.name, value: h.value }));
  if (select.includes('uniquebody')) picked['uniqueBody'] = body;
  return picked;
}

/** `$select` as lower-case names, or null for everything. */
export function selectOf(query: URLSearchParams): string[] | null {
  const text = query.get('$select');
  if (!text) return null;
  return text.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
}

export function folderJson(folder: Folder, count: { total: number; unread: number }): Record<string, unknown> {
  return {
    id: folder.id, displayName: folder.displayName, parentFolderId: 'AQMkAGEmuRoot', childFolderCount: 0,
    unreadItemCount: count.unread, totalItemCount: count.total, sizeInBytes: 0, isHidden: false,
  };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function bodyOf(message: StoredMessage, asText: boolean): { contentType: 'html' | 'text'; content: string } {
  const leaves = leavesOf(message.facts.tree).filter((l) => !isAttachment(l));
  const html = leaves.find((l) => l.mimeType === 'text/html');
  const plain = leaves.find((l) => l.mimeType === 'text/plain');
  const text = (part: typeof html) => (part ? decodeCharset(part.body, part.params['charset']) : '');
  if (asText) return { contentType: 'text', content: plain ? text(plain) : message.facts.text };
  if (html) return { contentType: 'html', content: text(html) };
  return { contentType: 'html', content: `<html><body><div>${escapeHtml(text(plain)).replace(/\r?\n/g, '<br>')}</div></body></html>` };
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An address-list header as Graph recipients. */
export function recipientsIn(text: string): Recipient[] {
  const out: Recipient[] = [];
  for (const piece of splitAddressList(text)) {
    const angle = /^(.*)<([^<>]+)>\s*$/.exec(piece);
    const address = (angle ? angle[2] : piece)?.trim() ?? '';
    if (!address.includes('@')) continue;
    const name = angle ? (angle[1] ?? '').trim().replace(/^"|"$/g, '') : '';
    out.push({ emailAddress: { name: name || address, address } });
  }
  return out;
}

function splitAddressList(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if ((ch === ',' || ch === ';') && !quoted) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** The message JSON fields a draft is built from. */
export interface DraftFields {
  subject?: string;
  body?: { contentType?: string; content?: string };
  toRecipients?: Recipient[];
  ccRecipients?: Recipient[];
  bccRecipients?: Recipient[];
  replyTo?: Recipient[];
  internetMessageHeaders?: { name: string; value: string }[];
}

/** Reads and checks the JSON fields; `x-` headers only, as Graph allows in JSON (C.5). */
export function draftFields(value: Record<string, unknown>): DraftFields {
  const headers = value['internetMessageHeaders'];
  if (Array.isArray(headers)) {
    for (const h of headers as { name?: unknown }[]) {
      if (typeof h.name !== 'string' || !/^x-/i.test(h.name)) {
        throw badRequest(`The internet message header name '${String(h.name)}' should start with 'x-' or 'X-'.`, 'InvalidInternetMessageHeader');
      }
    }
  }
  return value as DraftFields;
}

const formatAddress = (r: Recipient) => {
  const { name, address } = r.emailAddress;
  return name && name !== address ? `"${name.replace(/"/g, '')}" <${address}>` : address;
};

/** RFC 822 text for a draft: `keep` are headers carried over (Message-ID, In-Reply-To, References). */
export function buildMime(fields: DraftFields, from: string, keep: Record<string, string>, dateMs: number): Buffer {
  const lines: string[] = [`From: ${from}`];
  const list = (name: string, value: Recipient[] | undefined) => {
    if (value && value.length > 0) lines.push(`${name}: ${value.map(formatAddress).join(', ')}`);
  };
  list('To', fields.toRecipients);
  list('Cc', fields.ccRecipients);
  list('Bcc', fields.bccRecipients);
  list('Reply-To', fields.replyTo);
  const subject = fields.subject ?? '';
  lines.push(`Subject: ${/^[\x20-\x7e]*$/.test(subject) ? subject : `=?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`}`);
  lines.push(`Date: ${new Date(dateMs).toUTCString().replace('GMT', '+0000')}`);
  for (const [name, value] of Object.entries(keep)) lines.push(`${name}: ${value}`);
  for (const h of fields.internetMessageHeaders ?? []) lines.push(`${h.name}: ${h.value}`);
  const isHtml = (fields.body?.contentType ?? 'text').toLowerCase() === 'html';
  lines.push('MIME-Version: 1.0', `Content-Type: ${isHtml ? 'text/html' : 'text/plain'}; charset=utf-8`, 'Content-Transfer-Encoding: base64', '');
  const content = Buffer.from(fields.body?.content ?? '', 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(`${lines.join('\r\n')}\r\n${content}\r\n`, 'utf8');
}

/** The fields of a stored message, to merge a PATCH into. */
export function fieldsOf(message: StoredMessage): DraftFields {
  const json = messageJson(message, { immutableIds: true, bodyAsText: false, folderId: () => '' }, null);
  const plain = leavesOf(message.facts.tree).find((l) => l.mimeType === 'text/plain' && !isAttachment(l));
  const html = leavesOf(message.facts.tree).find((l) => l.mimeType === 'text/html' && !isAttachment(l));
  const body = html
    ? { contentType: 'html', content: decodeCharset(html.body, html.params['charset']) }
    : { contentType: 'text', content: plain ? decodeCharset(plain.body, plain.params['charset']) : '' };
  return {
    subject: message.facts.subject,
    body,
    toRecipients: json['toRecipients'] as Recipient[],
    ccRecipients: json['ccRecipients'] as Recipient[],
    bccRecipients: json['bccRecipients'] as Recipient[],
    replyTo: json['replyTo'] as Recipient[],
    internetMessageHeaders: message.facts.headers.filter((h) => /^x-/i.test(h.name)),
  };
}
