/**
 * Threading rules and the headers Gmail adds to mail the user sends.
 */
import type { Mailbox } from './gmail-store.ts';
import type { MessageFacts } from './message-facts.ts';

/** Reply and forward markers ignored when comparing subjects. */
const PREFIX = /^(?:re|fwd?|aw|wg|sv|vs|antw|tr|rv|enc|odp|r)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*/i;

/** A subject reduced to what stays the same across a thread. */
export function normalizeSubject(subject: string): string {
  let value = subject.replace(/\s+/g, ' ').trim();
  for (;;) {
    const next = value.replace(PREFIX, '').trim();
    if (next === value) return value.toLowerCase();
    value = next;
  }
}

/**
 * Gmail's rule for a draft or sent message (A.6): it joins `threadId` only when its
 * In-Reply-To/References name a message of that thread and the subjects match (a `Re:`
 * prefix allowed); otherwise it starts a new thread (undefined).
 */
export function threadForOutgoing(mailbox: Mailbox, facts: MessageFacts, threadId: string | undefined): string | undefined {
  if (!threadId) return undefined;
  const thread = mailbox.thread(threadId);
  const ids = new Set(thread.map((m) => m.facts.messageId));
  const linked = facts.parentIds.some((id) => ids.has(id));
  const subject = normalizeSubject(facts.subject);
  return linked && thread.some((m) => normalizeSubject(m.facts.subject) === subject) ? threadId : undefined;
}

/**
 * Threading for arriving mail: the thread of a message it answers (by In-Reply-To or
 * References) with the same subject, or a new thread.
 */
export function threadForIncoming(mailbox: Mailbox, facts: MessageFacts): string | undefined {
  const subject = normalizeSubject(facts.subject);
  for (const parentId of [...facts.parentIds].reverse()) {
    const parent = mailbox.withMessageId(parentId).find((m) => normalizeSubject(m.facts.subject) === subject);
    if (parent) return parent.threadId;
  }
  return undefined;
}

/**
 * Adds what Gmail fills in on send when the message lacks it: Message-ID, Date, From.
 * Existing headers are kept as they are (a caller's own Message-ID must survive).
 */
export function completeOutgoing(raw: Buffer, facts: MessageFacts, fill: { messageId: string; date: Date; from: string }): Buffer {
  const lines: string[] = [];
  if (!facts.messageId) lines.push(`Message-ID: <${fill.messageId}>`);
  if (!facts.headers.some((h) => h.name.toLowerCase() === 'date')) lines.push(`Date: ${fill.date.toUTCString().replace('GMT', '+0000')}`);
  if (!facts.fromAddress) lines.push(`From: ${fill.from}`);
  if (lines.length === 0) return raw;
  const newline = raw.includes('\r\n') ? '\r\n' : '\n';
  return Buffer.concat([Buffer.from(lines.join(newline) + newline, 'utf8'), raw]);
}

/** Removes Bcc lines from the header block (recipients must not see them). */
export function withoutBcc(raw: Buffer): Buffer {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = end === -1 ? text : text.slice(0, end);
  const cleaned = head.replace(/^bcc:.*(?:\r?\n[ \t].*)*(?:\r?\n|$)/gim, '').replace(/\r?\n$/, '');
  return Buffer.from(cleaned + (end === -1 ? '' : text.slice(end)), 'latin1');
}
