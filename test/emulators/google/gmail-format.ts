/**
 * Gmail resources as the API returns them: messages in the four formats, threads and drafts.
 */
import { badRequest } from './errors.ts';
import type { StoredMessage } from './gmail-store.ts';
import { toBase64Url } from './http-io.ts';
import { snippetOf } from './message-facts.ts';
import { payloadTree } from './payload-tree.ts';

export type MessageFormat = 'full' | 'raw' | 'metadata' | 'minimal';

export function parseFormat(text: string | null, fallback: MessageFormat = 'full'): MessageFormat {
  if (text === null || text === '') return fallback;
  const format = text.toLowerCase();
  if (format === 'full' || format === 'raw' || format === 'metadata' || format === 'minimal') return format;
  throw badRequest(`Invalid value at 'format' (${text})`);
}

/** A message resource; `labelIds` is left out when empty, as Gmail does. */
export function messageJson(message: StoredMessage, format: MessageFormat, metadataHeaders: string[] = []): Record<string, unknown> {
  const json: Record<string, unknown> = { id: message.id, threadId: message.threadId };
  if (message.labelIds.length > 0) json['labelIds'] = [...message.labelIds];
  json['snippet'] = snippetOf(message.facts);
  if (format === 'full') json['payload'] = payloadTree(message.facts.tree, message.id);
  if (format === 'metadata') json['payload'] = metadataPayload(message, metadataHeaders);
  json['sizeEstimate'] = message.raw.length;
  if (format === 'raw') json['raw'] = toBase64Url(message.raw);
  json['historyId'] = String(message.historyId);
  json['internalDate'] = String(message.internalDate);
  return json;
}

function metadataPayload(message: StoredMessage, names: string[]): Record<string, unknown> {
  const wanted = new Set(names.map((n) => n.toLowerCase()));
  const headers = message.facts.headers.filter((h) => wanted.size === 0 || wanted.has(h.name.toLowerCase()));
  return { partId: '', mimeType: message.facts.tree.mimeType, filename: '', headers, body: { size: 0 } };
}

/** A thread with its messages oldest first; its historyId is the newest of theirs. */
export function threadJson(threadId: string, messages: StoredMessage[], format: MessageFormat, metadataHeaders: string[]): Record<string, unknown> {
  const historyId = messages.reduce((max, m) => (m.historyId > max ? m.historyId : max), 0n);
  return { id: threadId, historyId: String(historyId), messages: messages.map((m) => messageJson(m, format, metadataHeaders)) };
}

/** The short message form lists and drafts use. */
export function messageRef(message: StoredMessage): { id: string; threadId: string } {
  return { id: message.id, threadId: message.threadId };
}
