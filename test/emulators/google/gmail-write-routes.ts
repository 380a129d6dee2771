/**
 * Gmail writes: drafts (create/update/get/list/delete/send), messages.send, label changes,
 * trash, and watch/stop. Send and drafts also answer on the `/upload/gmail/v1/…` paths.
 */
import { badRequest, notFound } from './errors.ts';
import type { Composer } from './gmail-compose.ts';
import { messageJson, messageRef } from './gmail-format.ts';
import type { Mailbox, StoredMessage } from './gmail-store.ts';
import { formatFor, listBody, maxResults, searchMessages, USER } from './gmail-read-routes.ts';
import { emptyResponse, jsonBody, jsonResponse, listParam, type ApiResponse } from './http-io.ts';
import { readMessageInput } from './message-input.ts';
import { pageNewestFirst } from './paging.ts';
import type { GmailPush } from './push.ts';
import { defineRoute, type Route, type RouteContext } from './routes.ts';
import { GMAIL_DRAFTS, GMAIL_DRAFTS_READ, GMAIL_MODIFY, GMAIL_READ, GMAIL_SEND, SCOPES } from './scopes.ts';

export interface GmailWriteDeps {
  mailboxOf: (email: string) => Mailbox;
  composer: Composer;
  push: GmailPush;
  nowMs: () => number;
}

const UPLOADABLE = '^(?:/upload)?/gmail/v1/users/(?<userId>[^/]+)';

export function gmailWriteRoutes(deps: GmailWriteDeps): Route[] {
  const { composer } = deps;
  const route = (method: string, path: string, units: number, scopes: readonly string[], handle: Route['handle']) =>
    defineRoute(USER, 'gmail', method, path, units, scopes, handle);
  const upload = (method: string, path: string, units: number, scopes: readonly string[], handle: Route['handle']) =>
    defineRoute(UPLOADABLE, 'gmail', method, path, units, scopes, handle);
  const box = (ctx: RouteContext) => deps.mailboxOf(ctx.user);
  const id = (ctx: RouteContext) => ctx.params['id'] ?? '';
  const draftId = (ctx: RouteContext) => ctx.params['draftId'] ?? '';
  return [
    upload('POST', '/messages/send', 100, GMAIL_SEND, (ctx) => labelled(composer.send(ctx.user, readMessageInput(ctx.req, 'message').message))),
    route('POST', '/messages/(?<id>[^/]+)/modify', 5, GMAIL_MODIFY, (ctx) => {
      const body = jsonBody(ctx.req);
      return labelled(box(ctx).modify(id(ctx), stringList(body['addLabelIds']), stringList(body['removeLabelIds'])));
    }),
    route('POST', '/messages/(?<id>[^/]+)/trash', 5, GMAIL_MODIFY, (ctx) => minimal(box(ctx).modify(id(ctx), ['TRASH'], ['INBOX', 'SPAM']))),
    route('POST', '/messages/(?<id>[^/]+)/untrash', 5, GMAIL_MODIFY, (ctx) => minimal(box(ctx).modify(id(ctx), ['INBOX'], ['TRASH']))),
    route('DELETE', '/messages/(?<id>[^/]+)', 10, [SCOPES.mailFull], (ctx) => {
      box(ctx).remove(id(ctx));
      return emptyResponse();
    }),
    route('GET', '/drafts', 5, GMAIL_DRAFTS_READ, (ctx) => listDrafts(ctx, box(ctx), deps.nowMs())),
    route('GET', '/drafts/(?<draftId>[^/]+)', 5, GMAIL_DRAFTS_READ, (ctx) => getDraft(ctx, box(ctx))),
    upload('POST', '/drafts', 10, GMAIL_DRAFTS, (ctx) => draftResponse(composer.createDraft(ctx.user, readMessageInput(ctx.req, 'draft').message))),
    upload('PUT', '/drafts/(?<draftId>[^/]+)', 15, GMAIL_DRAFTS, (ctx) =>
      draftResponse(composer.updateDraft(ctx.user, draftId(ctx), readMessageInput(ctx.req, 'draft').message)),
    ),
    route('DELETE', '/drafts/(?<draftId>[^/]+)', 10, GMAIL_DRAFTS, (ctx) => {
      composer.deleteDraft(ctx.user, draftId(ctx));
      return emptyResponse();
    }),
    upload('POST', '/drafts/send', 100, GMAIL_DRAFTS, (ctx) => {
      const { message, draftId: sendId } = readMessageInput(ctx.req, 'draft');
      if (!sendId) throw badRequest('Missing draft id.', 'invalidArgument');
      return labelled(composer.sendDraft(ctx.user, sendId, message));
    }),
    route('POST', '/watch', 100, GMAIL_READ, (ctx) => watch(ctx, deps.push)),
    route('POST', '/stop', 50, GMAIL_READ, (ctx) => {
      deps.push.stop(ctx.user);
      return emptyResponse();
    }),
  ];
}

function listDrafts(ctx: RouteContext, box: Mailbox, nowMs: number): ApiResponse {
  const draftOf = new Map([...box.drafts].map(([draftId, messageId]) => [messageId, draftId]));
  const matches = searchMessages(ctx, box, nowMs, 'DRAFT').filter((m) => draftOf.has(m.id));
  const { page, nextPageToken } = pageNewestFirst(matches, (m) => ({ sortMs: m.internalDate, id: m.id }), ctx.req.query.get('pageToken'), maxResults(ctx));
  const drafts = page.map((m) => ({ id: draftOf.get(m.id), message: messageRef(m) }));
  return jsonResponse(listBody('drafts', drafts, nextPageToken, matches.length));
}

function getDraft(ctx: RouteContext, box: Mailbox): ApiResponse {
  const draftId = ctx.params['draftId'] ?? '';
  const messageId = box.drafts.get(draftId);
  if (!messageId) throw notFound();
  const message = messageJson(box.require(messageId), formatFor(ctx), listParam(ctx.req.query, 'metadataHeaders'));
  return jsonResponse({ id: draftId, message });
}

function watch(ctx: RouteContext, push: GmailPush): ApiResponse {
  const body = jsonBody(ctx.req);
  if (typeof body['topicName'] !== 'string' || body['topicName'] === '') throw badRequest('Invalid topicName: none given', 'invalidArgument');
  const behavior = body['labelFilterBehavior'] ?? body['labelFilterAction'];
  return jsonResponse(push.watch(ctx.user, stringList(body['labelIds']), typeof behavior === 'string' ? behavior : undefined));
}

/** `{id, threadId, labelIds}`, as send and modify answer. */
function labelled(message: StoredMessage): ApiResponse {
  return jsonResponse({ ...messageRef(message), labelIds: message.labelIds });
}

function minimal(message: StoredMessage): ApiResponse {
  return jsonResponse(messageJson(message, 'minimal'));
}

function draftResponse({ draftId, message }: { draftId: string; message: StoredMessage }): ApiResponse {
  return jsonResponse({ id: draftId, message: { ...messageRef(message), labelIds: message.labelIds } });
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
