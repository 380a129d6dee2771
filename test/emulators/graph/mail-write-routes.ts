/**
 * Drafts and sending (C.5): create (JSON, or base64 MIME as text/plain), PATCH, DELETE
 * (to Deleted Items, as Outlook does; a hard delete from there), move, createReply /
 * createReplyAll (threading headers, same conversation, "RE: "), send (202, to Sent Items,
 * new REST id, same immutable id and internetMessageId) and sendMail (202, no id).
 */
import { completeOutgoing } from '../google/outgoing.ts';
import { readFacts } from '../google/message-facts.ts';
import { badRequest, GraphApiError } from './errors.ts';
import { empty, json, jsonBody, type ApiRequest } from './http.ts';
import { buildMime, draftFields, fieldsOf, messageJson, recipientsIn, type DraftFields, type Recipient } from './mail-format.ts';
import { renderOptions } from './mail-read-routes.ts';
import type { MailStore, StoredMessage } from './mail-store.ts';
import { route, type GraphContext, type GraphRoute } from './router.ts';

export interface MailWriteDeps {
  mailOf: (email: string) => MailStore;
  now: () => number;
  /** A new RFC 5322 Message-ID without brackets. */
  newInternetMessageId: () => string;
  /** Hands a sent message to local recipients. */
  deliver: (raw: Buffer, recipients: string[]) => void;
}

const ID = '(?<id>[^/]+)';

export function mailWriteRoutes(deps: MailWriteDeps): GraphRoute[] {
  const created = (ctx: GraphContext, message: StoredMessage) =>
    json(messageJson(message, renderOptions(deps.mailOf(ctx.user), ctx.req), null), 201);
  return [
    route('POST', '/me/messages', (ctx) => created(ctx, createDraft(deps, ctx, 'drafts'))),
    route('POST', '/me/mailFolders/(?<folder>[^/]+)/messages', (ctx) => created(ctx, createDraft(deps, ctx, ctx.params['folder'] ?? 'drafts'))),
    route('PATCH', `/me/messages/${ID}`, (ctx) => {
      const message = patchMessage(deps, ctx);
      return json(messageJson(message, renderOptions(deps.mailOf(ctx.user), ctx.req), null));
    }),
    route('DELETE', `/me/messages/${ID}`, (ctx) => {
      const mail = deps.mailOf(ctx.user);
      const message = mail.get(ctx.params['id'] ?? '');
      if (message.folder === 'deleteditems') mail.remove(message);
      else mail.move(message, 'deleteditems');
      return empty(204);
    }),
    route('POST', `/me/messages/${ID}/move`, (ctx) => {
      const mail = deps.mailOf(ctx.user);
      const destination = jsonBody(ctx.req)['destinationId'];
      if (typeof destination !== 'string') throw badRequest('destinationId is required.', 'ErrorInvalidIdMalformed');
      return created(ctx, mail.move(mail.get(ctx.params['id'] ?? ''), destination));
    }),
    route('POST', `/me/messages/${ID}/createReply`, (ctx) => created(ctx, createReply(deps, ctx, false))),
    route('POST', `/me/messages/${ID}/createReplyAll`, (ctx) => created(ctx, createReply(deps, ctx, true))),
    route('POST', `/me/messages/${ID}/send`, (ctx) => {
      const mail = deps.mailOf(ctx.user);
      const message = mail.get(ctx.params['id'] ?? '');
      if (!message.isDraft) throw badRequest('Only draft messages can be sent.', 'ErrorInvalidOperation');
      send(deps, mail, message);
      return empty(202);
    }),
    route('POST', '/me/sendMail', (ctx) => {
      const body = jsonBody(ctx.req);
      const mail = deps.mailOf(ctx.user);
      const message = storeDraft(deps, mail, messageInput(ctx.req, body['message']), 'drafts');
      if (body['saveToSentItems'] === false) {
        mail.remove(message);
        deps.deliver(message.raw, message.facts.recipients);
      } else send(deps, mail, message);
      return empty(202);
    }),
    route('POST', `/me/messages/${ID}/reply`, (ctx) => {
      const mail = deps.mailOf(ctx.user);
      send(deps, mail, createReply(deps, ctx, false));
      return empty(202);
    }),
  ];
}

/** JSON fields, or a base64 MIME body sent as text/plain. */
function messageInput(req: ApiRequest, jsonMessage?: unknown): { fields: DraftFields } | { raw: Buffer } {
  if (jsonMessage === undefined && /^text\/plain/i.test(req.headers['content-type'] ?? '')) {
    const raw = Buffer.from(req.body.toString('latin1').replace(/\s+/g, ''), 'base64');
    if (raw.length === 0 || !/^[!-9;-~]+:/.test(raw.subarray(0, 200).toString('latin1'))) throw badRequest('Invalid base64 MIME content.', 'ErrorMimeContentInvalidBase64String');
    return { raw };
  }
  const value = jsonMessage ?? jsonBody(req);
  if (typeof value !== 'object' || value === null) throw badRequest('The message is missing.', 'ErrorInvalidRequest');
  return { fields: draftFields(value as Record<string, unknown>) };
}

function createDraft(deps: MailWriteDeps, ctx: GraphContext, folder: string): StoredMessage {
  const mail = deps.mailOf(ctx.user);
  const input = messageInput(ctx.req);
  const requested = 'fields' in input ? (input.fields as { internetMessageId?: unknown }).internetMessageId : undefined;
  return storeDraft(deps, mail, input, folder, typeof requested === 'string' ? requested.replace(/^<|>$/g, '') : undefined);
}

/**
 * Stores a draft. The internetMessageId is fixed here: the MIME's own Message-ID, else the
 * JSON `internetMessageId` (unverified at Graph), else a new one; it survives edits and send.
 */
function storeDraft(deps: MailWriteDeps, mail: MailStore, input: { fields: DraftFields } | { raw: Buffer }, folder: string, requestedId?: string, keep: Record<string, string> = {}, conversationId?: string): StoredMessage {
  const now = deps.now();
  let raw: Buffer;
  if ('raw' in input) {
    raw = completeOutgoing(input.raw, readFacts(input.raw), { messageId: deps.newInternetMessageId(), date: new Date(now), from: mail.email });
  } else {
    raw = buildMime(input.fields, mail.email, { 'Message-ID': `<${requestedId ?? deps.newInternetMessageId()}>`, ...keep }, now);
  }
  const isDraft = mail.folder(folder).key === 'drafts' || 'fields' in input;
  return mail.insert({ raw, folder, receivedMs: now, sentMs: isDraft ? null : undefined, isDraft, isRead: true, ...(conversationId ? { conversationId } : {}) });
}

function patchMessage(deps: MailWriteDeps, ctx: GraphContext): StoredMessage {
  const mail = deps.mailOf(ctx.user);
  const message = mail.get(ctx.params['id'] ?? '');
  const patch = jsonBody(ctx.req);
  const contentKeys = ['subject', 'body', 'toRecipients', 'ccRecipients', 'bccRecipients', 'replyTo', 'internetMessageHeaders'];
  const touchesContent = contentKeys.some((k) => k in patch);
  if (touchesContent && !message.isDraft) throw badRequest('Only drafts can have their content changed.', 'ErrorInvalidPropertyUpdateSentMessage');
  if (typeof patch['isRead'] === 'boolean') message.isRead = patch['isRead'];
  if (!touchesContent) {
    mail.touch(message);
    return message;
  }
  const fields = { ...fieldsOf(message), ...draftFields(patch) };
  const keep: Record<string, string> = {};
  for (const name of ['Message-ID', 'In-Reply-To', 'References']) {
    const value = message.facts.headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
    if (value) keep[name] = value;
  }
  mail.replaceRaw(message, buildMime(fields, mail.email, keep, deps.now()));
  return message;
}

function createReply(deps: MailWriteDeps, ctx: GraphContext, all: boolean): StoredMessage {
  const mail = deps.mailOf(ctx.user);
  const original = mail.get(ctx.params['id'] ?? '');
  const body = jsonBody(ctx.req);
  const given = (body['message'] ?? {}) as DraftFields & Record<string, unknown>;
  if (typeof body['comment'] === 'string' && given.body) throw badRequest('A comment and a message body cannot both be given.', 'ErrorInvalidRequest');
  const header = (name: string) => original.facts.headers.find((h) => h.name.toLowerCase() === name)?.value ?? '';
  const replyTo = recipientsIn(header('reply-to'));
  const to: Recipient[] = given.toRecipients ?? (replyTo.length > 0 ? replyTo : recipientsIn(header('from')));
  const notMe = (r: Recipient) => r.emailAddress.address.toLowerCase() !== mail.email;
  const cc = given.ccRecipients ?? (all ? [...recipientsIn(header('to')), ...recipientsIn(header('cc'))].filter(notMe) : []);
  const comment = typeof body['comment'] === 'string' ? body['comment'] : '';
  const quoted = `<div>${comment}</div><hr><div>From: ${header('from')}<br>Subject: ${original.facts.subject}</div><div>${original.facts.text}</div>`;
  const fields: DraftFields = {
    subject: given.subject ?? (/^re:/i.test(original.facts.subject) ? original.facts.subject : `RE: ${original.facts.subject}`),
    body: given.body ?? { contentType: 'html', content: `<html><body>${quoted}</body></html>` },
    toRecipients: all ? to.filter(notMe) : to,
    ccRecipients: cc,
    ...(given.bccRecipients ? { bccRecipients: given.bccRecipients } : {}),
  };
  const keep: Record<string, string> = {};
  if (original.internetMessageId) {
    const references = header('references');
    keep['In-Reply-To'] = original.internetMessageId;
    keep['References'] = references ? `${references} ${original.internetMessageId}` : original.internetMessageId;
  }
  return storeDraft(deps, mail, { fields: draftFields(fields as Record<string, unknown>) }, 'drafts', undefined, keep, original.conversationId);
}

function send(deps: MailWriteDeps, mail: MailStore, message: StoredMessage): void {
  if (message.facts.recipients.length === 0) throw new GraphApiError(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid.');
  const now = deps.now();
  message.isDraft = false;
  message.sentMs = now;
  message.receivedMs = now;
  mail.move(message, 'sentitems');
  deps.deliver(message.raw, message.facts.recipients);
}
