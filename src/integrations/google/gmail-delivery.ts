import type { gmail_v1 } from 'googleapis/build/src/apis/gmail/index.js';
import { InvalidInputError, ProviderRequestError } from '../../core/errors.ts';
import { isNotFound, toProviderError } from './google-call.ts';
import type { GoogleSession } from './google-session.ts';

/** A Gmail draft: its own id and the id and thread of the message it currently holds. */
export interface GmailDraftRef {
  draftId: string;
  /** Gmail's id of the draft's message (not an RFC 822 Message-ID); it changes on update. */
  messageId: string;
  threadId: string;
}

/** A message Gmail has sent. */
export interface GmailSentRef {
  /** Gmail's message id (not an RFC 822 Message-ID). */
  messageId: string;
  threadId: string;
}

/** A message found by its RFC 822 Message-ID. */
export interface GmailMessageRef {
  id: string;
  threadId: string;
  /** SENT once it went out; DRAFT while it is a draft. */
  labelIds: string[];
}

/** What a reply to a message needs from it. */
export interface GmailReplyContext {
  /** Its Message-ID header without brackets: the reply's In-Reply-To. */
  messageId: string | null;
  /** Its References (or, lacking them, its single In-Reply-To id), without brackets. */
  references: string[];
  subject: string;
  threadId: string;
  /** Where a reply goes: the Reply-To addresses, else the From address (addresses only). */
  replyTo: string[];
}

// Quota units per call (provider-apis.md A.9).
const UNITS = { draftCreate: 10, draftUpdate: 15, draftGet: 5, draftDelete: 10, send: 100, list: 5, get: 5 } as const;
/** Messages checked per Message-ID search; more than a couple means something odd anyway. */
const MAX_MATCHES = 10;

/**
 * Puts `raw` (RFC 822 bytes, threading headers included) in a new draft, in `threadId`
 * when given. Gmail joins the thread only if In-Reply-To/References and the subject in
 * `raw` match it (A.6); otherwise the draft starts a thread of its own.
 *
 * A busy Gmail is retried, so a create whose answer was lost can leave a second draft
 * with the same Message-ID; {@link findGmailMessageByRfcId} finds drafts too.
 */
export async function createGmailDraft(session: GoogleSession, raw: Buffer, threadId?: string | null): Promise<GmailDraftRef> {
  const draft = await session.call(UNITS.draftCreate, () =>
    session.gmail.users.drafts.create({ userId: 'me', requestBody: { message: messageBody(raw, threadId) } }),
  );
  return draftRef(draft);
}

/** Replaces the draft's whole message; the returned `messageId` is a new one. */
export async function updateGmailDraft(
  session: GoogleSession,
  draftId: string,
  raw: Buffer,
  threadId?: string | null,
): Promise<GmailDraftRef> {
  const draft = await session.call(UNITS.draftUpdate, () =>
    session.gmail.users.drafts.update({ userId: 'me', id: draftId, requestBody: { id: draftId, message: messageBody(raw, threadId) } }),
  );
  return draftRef(draft);
}

/** Deletes a draft for good. A draft already gone (deleted, or sent) counts as deleted. */
export async function deleteGmailDraft(session: GoogleSession, draftId: string): Promise<void> {
  try {
    await session.call(UNITS.draftDelete, () => session.gmail.users.drafts.delete({ userId: 'me', id: draftId }));
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** The draft, or null when it no longer exists (deleted, or sent). */
export async function getGmailDraft(session: GoogleSession, draftId: string): Promise<GmailDraftRef | null> {
  try {
    const draft = await session.call(UNITS.draftGet, () => session.gmail.users.drafts.get({ userId: 'me', id: draftId, format: 'minimal' }));
    return draftRef(draft);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/**
 * Sends a draft, in one attempt. Sending is not idempotent and a failed answer (5xx,
 * dropped connection, timeout) does not say whether the mail went out, so nothing here
 * retries it; only a request Google turned away unread (401, rate limit) is tried again.
 * Before trying again after a failure, the caller must look for the message's
 * Message-ID with {@link findGmailMessageByRfcId} and only resend when no SENT copy
 * exists.
 *
 * @throws ProviderBusyError (may have been sent), ProviderRequestError (refused, so not
 * sent; a 404 when the draft is gone, perhaps because it was sent), ReauthRequiredError.
 */
export async function sendGmailDraft(session: GoogleSession, draftId: string): Promise<GmailSentRef> {
  const message = await callOnce(session, UNITS.send, () =>
    session.gmail.users.drafts.send({ userId: 'me', requestBody: { id: draftId } }),
  );
  return sentRef(message);
}

/**
 * Sends `raw` directly, in one attempt; see {@link sendGmailDraft} for what a failure
 * means and what the caller must check before retrying.
 */
export async function sendGmailMessage(session: GoogleSession, raw: Buffer, threadId?: string | null): Promise<GmailSentRef> {
  const message = await callOnce(session, UNITS.send, () =>
    session.gmail.users.messages.send({ userId: 'me', requestBody: messageBody(raw, threadId) }),
  );
  return sentRef(message);
}

/**
 * Finds a message by its RFC 822 Message-ID (`q=rfc822msgid:<id>`), in any label, spam
 * and trash included (a sent mail the user since deleted was still sent); null if none.
 * When both a sent copy and drafts carry the id, the sent copy is returned.
 *
 * Search may trail a send by a moment (unverified for Gmail), so after a send failed
 * ambiguously, check after the back-off the retry waits anyway, not at once.
 */
export async function findGmailMessageByRfcId(session: GoogleSession, rfcMessageId: string): Promise<GmailMessageRef | null> {
  const id = searchableId(rfcMessageId);
  const list = await session.call(UNITS.list, () =>
    session.gmail.users.messages.list({ userId: 'me', q: `rfc822msgid:${id}`, includeSpamTrash: true, maxResults: MAX_MATCHES }),
  );
  const found: GmailMessageRef[] = [];
  for (const { id: gmailId } of list.messages ?? []) {
    if (!gmailId) continue;
    const message = await getMinimal(session, gmailId);
    if (message?.labelIds.includes('SENT')) return message;
    if (message) found.push(message);
  }
  return found[0] ?? null;
}

/**
 * The headers needed to answer a message: its Message-ID, References, Subject and whom
 * to answer (Reply-To, else From), with its thread. Ids are returned without brackets;
 * ones that could not go into a header (spaces, controls, non-ASCII) are left out.
 */
export async function replyContext(session: GoogleSession, gmailMessageId: string): Promise<GmailReplyContext> {
  const message = await session.call(UNITS.get, () =>
    session.gmail.users.messages.get({
      userId: 'me',
      id: gmailMessageId,
      format: 'metadata',
      metadataHeaders: ['Message-ID', 'References', 'In-Reply-To', 'Subject', 'From', 'Reply-To'],
    }),
  );
  const header = (name: string) => message.payload?.headers?.find((h) => h.name?.toLowerCase() === name)?.value ?? '';
  const inReplyTo = messageIdsIn(header('in-reply-to'));
  const references = messageIdsIn(header('references'));
  const replyTo = addressesIn(header('reply-to'));
  return {
    messageId: messageIdsIn(header('message-id'))[0] ?? null,
    references: references.length > 0 ? references : inReplyTo.length === 1 ? inReplyTo : [],
    subject: header('subject'),
    threadId: required(message.threadId, 'message.threadId'),
    replyTo: replyTo.length > 0 ? replyTo : addressesIn(header('from')),
  };
}

/**
 * Makes one request under the session's quota gate and retries it only when Google
 * refused it before acting on it: a 401 (the session refreshes the token and tries again)
 * and a rate limit (429, or 403 with a rate-limit reason), which the session's policy
 * backs off from. Any other failure (5xx, a dropped connection, a timeout) may come
 * after the mail went out, so it is set aside, a stand-in that the policy does not retry
 * is thrown in its place, and the real failure is then mapped and rethrown.
 */
async function callOnce<T>(session: GoogleSession, units: number, request: () => Promise<{ data: T }>): Promise<T> {
  let failure: { error: unknown } | null = null;
  try {
    return await session.call(units, async () => {
      try {
        return await request();
      } catch (err) {
        if (isRefusedUnread(err)) throw err;
        failure = { error: err };
        throw new NotRetriedError();
      }
    });
  } catch (err) {
    const held = failure as { error: unknown } | null;
    if (held) throw toProviderError(held.error, { provider: 'gmail', address: session.address });
    throw err;
  }
}

const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'dailyLimitExceeded', 'quotaExceeded']);

/** True when Google turned the request away at the door: bad credentials or a rate limit. */
function isRefusedUnread(err: unknown): boolean {
  const e = err as { status?: number; response?: { status?: number; data?: { error?: { errors?: { reason?: string }[] } } } } | null;
  const status = e?.response?.status ?? e?.status ?? null;
  const reason = e?.response?.data?.error?.errors?.[0]?.reason ?? '';
  return status === 401 || status === 429 || (status === 403 && RATE_REASONS.has(reason));
}

/** Stands in for a failure the session's policy must not retry (see callOnce). */
class NotRetriedError extends Error {
  override readonly name = 'NotRetriedError';
  // Read by toProviderError: a 4xx status is what makes the session give up at once.
  readonly status = 400;
  constructor() {
    super('Gmail call made once, not retried');
  }
}

/** `raw` as base64url in the JSON body: media uploads would bypass a service-level rootUrl (E.4). */
function messageBody(raw: Buffer, threadId: string | null | undefined): gmail_v1.Schema$Message {
  return { raw: raw.toString('base64url'), ...(threadId ? { threadId } : {}) };
}

async function getMinimal(session: GoogleSession, id: string): Promise<GmailMessageRef | null> {
  try {
    const m = await session.call(UNITS.get, () => session.gmail.users.messages.get({ userId: 'me', id, format: 'minimal' }));
    return { id: required(m.id, 'message.id'), threadId: required(m.threadId, 'message.threadId'), labelIds: m.labelIds ?? [] };
  } catch (err) {
    // Listed a moment ago, deleted since.
    if (isNotFound(err)) return null;
    throw err;
  }
}

function draftRef(draft: gmail_v1.Schema$Draft): GmailDraftRef {
  return {
    draftId: required(draft.id, 'draft.id'),
    messageId: required(draft.message?.id, 'draft.message.id'),
    threadId: required(draft.message?.threadId, 'draft.message.threadId'),
  };
}

function sentRef(message: gmail_v1.Schema$Message): GmailSentRef {
  return { messageId: required(message.id, 'message.id'), threadId: required(message.threadId, 'message.threadId') };
}

function required(value: string | null | undefined, field: string): string {
  if (value) return value;
  throw new ProviderRequestError('gmail', null, 'malformedResponse', `Gmail's answer lacks ${field}.`);
}

/** A Message-ID as Gmail's search wants it: no brackets, and nothing that would end the term. */
function searchableId(rfcMessageId: string): string {
  const id = rfcMessageId.trim().replace(/^<([^<>]*)>$/, '$1');
  if (!/^[\x21-\x7E]+$/.test(id) || /[<>"()]/.test(id)) {
    throw new InvalidInputError(`Not a Message-ID that can be searched for: ${JSON.stringify(rfcMessageId)}.`);
  }
  return id;
}

/** Ids inside `<…>` (or one bare token) in a header, without brackets, usable in a header again. */
function messageIdsIn(text: string): string[] {
  const bracketed = [...text.matchAll(/<([^<>]*)>/g)].map((m) => (m[1] ?? '').replace(/\s+/g, ''));
  const ids = bracketed.length > 0 ? bracketed : [text.trim()];
  return [...new Set(ids.filter((id) => /^[\x21-\x3B\x3D\x3F-\x7E]{1,250}$/.test(id)))];
}

/**
 * Addresses in an address-list header as Gmail returns it (encoded words decoded): those
 * in angle brackets and the bare ones, with quoted names and comments left out.
 */
function addressesIn(text: string): string[] {
  const plain = text.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\([^()]*\)/g, ' ');
  const bracketed = [...plain.matchAll(/<([^<>\s]+@[^<>\s]+)>/g)].map((m) => m[1]!);
  const bare = [...plain.replace(/<[^<>]*>/g, ' ').matchAll(/[^\s<>(),;:"]+@[^\s<>(),;:"]+/g)].map((m) => m[0]);
  return [...new Set([...bracketed, ...bare])];
}
