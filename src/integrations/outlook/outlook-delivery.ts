import { isNotFound } from './graph-call.ts';
import type { OutlookSession } from './outlook-session.ts';

/** A message in the mailbox as delivery sees it. Ids are immutable: they survive the move to Sent Items. */
export interface OutlookMessageRef {
  id: string;
  conversationId: string;
  /** With angle brackets, as Graph shows it. */
  internetMessageId: string | null;
  isDraft: boolean;
  parentFolderId: string | null;
}

const SELECT = 'id,conversationId,internetMessageId,isDraft,parentFolderId';

/** The parts of a draft rapport writes. */
export interface OutlookDraftContent {
  subject?: string;
  /** Plain text; sent as such. */
  text?: string;
  to?: readonly string[];
  cc?: readonly string[];
}

/**
 * Puts `raw` (RFC 822 bytes, threading headers included) in a new draft (C.5: MIME
 * upload as base64 text). Graph keeps the threading headers of the MIME, so a reply built
 * by rapport joins its conversation.
 */
export async function createOutlookDraft(session: OutlookSession, raw: Buffer): Promise<OutlookMessageRef> {
  const created = await session.call<OutlookMessageRef>((graph) =>
    graph.api('/me/messages').header('Content-Type', 'text/plain').post(raw.toString('base64')),
  );
  return ref(created);
}

/**
 * A reply draft to `messageId`, in its conversation: Graph's createReply sets the
 * threading headers and "RE:" subject (JSON cannot set In-Reply-To), then the text is
 * written into it.
 */
export async function createOutlookReplyDraft(session: OutlookSession, messageId: string, content: OutlookDraftContent): Promise<OutlookMessageRef> {
  const draft = await session.call<OutlookMessageRef>((graph) => graph.api(`/me/messages/${encodeURIComponent(messageId)}/createReply`).post({}));
  if (Object.keys(content).length === 0) return ref(draft);
  return updateOutlookDraft(session, draft.id, content);
}

export async function updateOutlookDraft(session: OutlookSession, id: string, content: OutlookDraftContent): Promise<OutlookMessageRef> {
  const patch: Record<string, unknown> = {};
  if (content.subject !== undefined) patch.subject = content.subject;
  if (content.text !== undefined) patch.body = { contentType: 'text', content: content.text };
  if (content.to) patch.toRecipients = content.to.map(recipient);
  if (content.cc) patch.ccRecipients = content.cc.map(recipient);
  const updated = await session.call<OutlookMessageRef>((graph) => graph.api(`/me/messages/${encodeURIComponent(id)}`).patch(patch));
  return ref(updated);
}

/** Deletes a draft. A draft already gone counts as deleted. */
export async function deleteOutlookDraft(session: OutlookSession, id: string): Promise<void> {
  try {
    await session.call((graph) => graph.api(`/me/messages/${encodeURIComponent(id)}`).delete());
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/**
 * Sends a draft, in one attempt: a failed answer does not say whether the mail went out,
 * so before trying again the caller asks {@link wasOutlookDraftSent}. The id stays the
 * same in Sent Items (immutable ids).
 */
export async function sendOutlookDraft(session: OutlookSession, id: string): Promise<void> {
  await session.call((graph) => graph.api(`/me/messages/${encodeURIComponent(id)}/send`).post(null), { retry: false });
}

/** The message with this (immutable) id, or null when it is gone. */
export async function getOutlookMessage(session: OutlookSession, id: string): Promise<OutlookMessageRef | null> {
  try {
    return ref(await session.call<OutlookMessageRef>((graph) => graph.api(`/me/messages/${encodeURIComponent(id)}`).select(SELECT).get()));
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/**
 * The messages of any folder whose Message-ID is `internetMessageId` (with or without
 * brackets): Graph's `internetMessageId` filter, the dedupe key that survives every move.
 */
export async function findOutlookMessagesByRfcId(session: OutlookSession, internetMessageId: string): Promise<OutlookMessageRef[]> {
  const bracketed = internetMessageId.startsWith('<') ? internetMessageId : `<${internetMessageId}>`;
  // OData string literals double their single quotes.
  const literal = bracketed.replace(/'/g, "''");
  const page = await session.call<{ value?: OutlookMessageRef[] }>((graph) =>
    graph.api('/me/messages').filter(`internetMessageId eq '${literal}'`).select(SELECT).top(MAX_MATCHES).get(),
  );
  return (page.value ?? []).map(ref);
}

/** Copies looked at per Message-ID; more than a couple means something odd anyway. */
const MAX_MATCHES = 10;

/**
 * After a crash or a failed send: whether the draft went out. The draft's immutable id is
 * asked first (no longer a draft: sent); if it is gone, a sent copy with its Message-ID
 * means it was sent.
 */
export async function wasOutlookDraftSent(session: OutlookSession, draft: { id: string; internetMessageId: string | null }): Promise<boolean> {
  const current = await getOutlookMessage(session, draft.id);
  if (current) return !current.isDraft;
  if (!draft.internetMessageId) return false;
  return (await findOutlookMessagesByRfcId(session, draft.internetMessageId)).some((m) => !m.isDraft);
}

function recipient(address: string) {
  return { emailAddress: { address } };
}

function ref(m: OutlookMessageRef): OutlookMessageRef {
  return {
    id: m.id,
    conversationId: m.conversationId,
    internetMessageId: m.internetMessageId ?? null,
    isDraft: m.isDraft ?? false,
    parentFolderId: m.parentFolderId ?? null,
  };
}
