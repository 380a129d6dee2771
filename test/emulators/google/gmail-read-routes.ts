/**
 * Gmail reads (A.1–A.5): profile, labels, messages.list/get, attachments, threads and
 * history. Costs follow A.9.
 */
import { forbidden, notFound } from './errors.ts';
import { messageJson, messageRef, parseFormat, threadJson, type MessageFormat } from './gmail-format.ts';
import type { Mailbox, StoredMessage } from './gmail-store.ts';
import { recordJson } from './history.ts';
import { boolParam, intParam, jsonResponse, listParam, toBase64Url, type ApiResponse } from './http-io.ts';
import { snippetOf } from './message-facts.ts';
import { newestFirst, pageNewestFirst } from './paging.ts';
import { partForAttachment } from './payload-tree.ts';
import { defineRoute, type Route, type RouteContext } from './routes.ts';
import { GMAIL_LABELS_READ, GMAIL_READ, GMAIL_READ_CONTENT, GMAIL_SEND, SCOPES } from './scopes.ts';
import { compileQuery } from './search-query.ts';

export interface GmailReadDeps {
  mailboxOf: (email: string) => Mailbox;
  nowMs: () => number;
}

export const USER = '^/gmail/v1/users/(?<userId>[^/]+)';

export function gmailReadRoutes(deps: GmailReadDeps): Route[] {
  const route = (method: string, path: string, units: number, scopes: readonly string[], handle: (ctx: RouteContext, box: Mailbox) => ApiResponse) =>
    defineRoute(USER, 'gmail', method, path, units, scopes, (ctx) => handle(ctx, deps.mailboxOf(ctx.user)));
  return [
    route('GET', '/profile', 1, [...GMAIL_READ, ...GMAIL_SEND], profile),
    route('GET', '/labels', 1, GMAIL_LABELS_READ, (_ctx, box) =>
      jsonResponse({ labels: box.labels().map((id) => ({ id, name: id, type: /^[A-Z_]+$/.test(id) ? 'system' : 'user' })) }),
    ),
    route('GET', '/messages', 5, GMAIL_READ, (ctx, box) => listMessages(ctx, box, deps.nowMs())),
    route('GET', '/messages/(?<id>[^/]+)', 5, GMAIL_READ, (ctx, box) =>
      jsonResponse(messageJson(box.require(ctx.params['id'] ?? ''), formatFor(ctx), listParam(ctx.req.query, 'metadataHeaders'))),
    ),
    route('GET', '/messages/(?<id>[^/]+)/attachments/(?<attachmentId>[^/]+)', 5, GMAIL_READ_CONTENT, getAttachment),
    route('GET', '/threads', 10, GMAIL_READ, (ctx, box) => listThreads(ctx, box, deps.nowMs())),
    route('GET', '/threads/(?<id>[^/]+)', 10, GMAIL_READ, getThread),
    route('GET', '/history', 2, GMAIL_READ, (ctx, box) => listHistory(ctx, box, deps.nowMs())),
  ];
}

function profile(ctx: RouteContext, box: Mailbox): ApiResponse {
  const messages = box.all();
  return jsonResponse({
    emailAddress: ctx.user,
    messagesTotal: messages.length,
    threadsTotal: new Set(messages.map((m) => m.threadId)).size,
    historyId: String(box.history.head),
  });
}

function listMessages(ctx: RouteContext, box: Mailbox, nowMs: number): ApiResponse {
  const matches = searchMessages(ctx, box, nowMs);
  const { page, nextPageToken } = pageNewestFirst(matches, position, ctx.req.query.get('pageToken'), maxResults(ctx));
  return jsonResponse(listBody('messages', page.map(messageRef), nextPageToken, matches.length));
}

function getAttachment(ctx: RouteContext, box: Mailbox): ApiResponse {
  const message = box.require(ctx.params['id'] ?? '');
  const attachmentId = ctx.params['attachmentId'] ?? '';
  const part = partForAttachment(message.facts.tree, message.id, attachmentId);
  if (!part) throw notFound('Invalid attachment token');
  return jsonResponse({ attachmentId, size: part.body.length, data: toBase64Url(part.body) });
}

/** Threads with at least one matching message, ordered by their newest match. */
function listThreads(ctx: RouteContext, box: Mailbox, nowMs: number): ApiResponse {
  const newestByThread = new Map<string, StoredMessage>();
  for (const m of searchMessages(ctx, box, nowMs)) if (!newestByThread.has(m.threadId)) newestByThread.set(m.threadId, m);
  const threads = [...newestByThread.values()];
  const positionOfThread = (m: StoredMessage) => ({ sortMs: m.internalDate, id: m.threadId });
  const { page, nextPageToken } = pageNewestFirst(threads, positionOfThread, ctx.req.query.get('pageToken'), maxResults(ctx));
  const items = page.map((m) => {
    const historyId = box.thread(m.threadId).reduce((max, t) => (t.historyId > max ? t.historyId : max), 0n);
    return { id: m.threadId, snippet: snippetOf(m.facts), historyId: String(historyId) };
  });
  return jsonResponse(listBody('threads', items, nextPageToken, threads.length));
}

function getThread(ctx: RouteContext, box: Mailbox): ApiResponse {
  const format = formatFor(ctx);
  const id = ctx.params['id'] ?? '';
  const messages = box.thread(id);
  if (messages.length === 0) throw notFound();
  return jsonResponse(threadJson(id, messages, format, listParam(ctx.req.query, 'metadataHeaders')));
}

function listHistory(ctx: RouteContext, box: Mailbox, nowMs: number): ApiResponse {
  const q = ctx.req.query;
  const historyTypes = listParam(q, 'historyTypes');
  const { records, nextPageToken } = box.history.list(
    { startHistoryId: q.get('startHistoryId'), historyTypes, labelId: q.get('labelId'), maxResults: intParam(q, 'maxResults', 100, 1, 500), pageToken: q.get('pageToken') },
    nowMs,
  );
  const body: Record<string, unknown> = {};
  if (records.length > 0) body['history'] = records.map((r) => recordJson(r, historyTypes));
  if (nextPageToken) body['nextPageToken'] = nextPageToken;
  body['historyId'] = String(box.history.head);
  return jsonResponse(body);
}

/** Messages matching labelIds, q and includeSpamTrash, newest first. Shared with drafts.list. */
export function searchMessages(ctx: RouteContext, mailbox: Mailbox, nowMs: number, onlyLabel?: string): StoredMessage[] {
  const query = ctx.req.query;
  const q = (query.get('q') ?? '').trim();
  if (q && !hasContentScope(ctx)) throw forbidden("Metadata scope does not support 'q' parameter");
  const compiled = q ? compileQuery(q, { nowMs, owner: ctx.user }) : null;
  const labelIds = [...listParam(query, 'labelIds'), ...(onlyLabel ? [onlyLabel] : [])];
  const hideSpamTrash =
    !boolParam(query, 'includeSpamTrash') && !compiled?.includesSpamTrash && !labelIds.some((l) => l === 'SPAM' || l === 'TRASH');
  return mailbox
    .all()
    .filter(
      (m) =>
        labelIds.every((l) => m.labelIds.includes(l)) &&
        !(hideSpamTrash && (m.labelIds.includes('SPAM') || m.labelIds.includes('TRASH'))) &&
        (!compiled || compiled.matches({ labelIds: m.labelIds, internalDate: m.internalDate, sizeEstimate: m.raw.length, facts: m.facts })),
    )
    .sort((a, b) => newestFirst(position(a), position(b)));
}

export function maxResults(ctx: RouteContext): number {
  return intParam(ctx.req.query, 'maxResults', 100, 1, 500);
}

/** `{<key>: items, nextPageToken, resultSizeEstimate}`; the key is absent when there are no items. */
export function listBody(key: string, items: unknown[], nextPageToken: string | null, total: number): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (items.length > 0) body[key] = items;
  if (nextPageToken) body['nextPageToken'] = nextPageToken;
  body['resultSizeEstimate'] = total;
  return body;
}

/** The requested format; gmail.metadata alone cannot read bodies. */
export function formatFor(ctx: RouteContext): MessageFormat {
  const format = parseFormat(ctx.req.query.get('format'));
  if ((format === 'full' || format === 'raw') && !hasContentScope(ctx)) {
    throw forbidden(`Metadata scope doesn't allow format ${format.toUpperCase()}`);
  }
  return format;
}

/** Whether the token may read bodies and search (gmail.compose may, for its drafts). */
function hasContentScope(ctx: RouteContext): boolean {
  return GMAIL_READ_CONTENT.some((s) => ctx.scopes.has(s)) || ctx.scopes.has(SCOPES.gmailCompose);
}

function position(m: StoredMessage): { sortMs: number; id: string } {
  return { sortMs: m.internalDate, id: m.id };
}
