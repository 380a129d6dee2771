/**
 * Drafts and sending (A.6): threading by Gmail's rule, a new message id for every draft
 * update (history shows an add and a delete), DRAFT -> SENT on send, the headers Gmail
 * fills in, and delivery to recipients who are users of this emulator.
 */
import { badRequest, notFound } from './errors.ts';
import type { Mailbox, StoredMessage } from './gmail-store.ts';
import { readFacts } from './message-facts.ts';
import { requireRaw, type MessageInput } from './message-input.ts';
import { completeOutgoing, threadForOutgoing, withoutBcc } from './outgoing.ts';

export interface ComposeDeps {
  mailboxOf: (email: string) => Mailbox;
  nowMs: () => number;
  /** A fresh Message-ID (without brackets) for mail that has none. */
  newRfcMessageId: () => string;
  /** Hands a sent copy to recipients who are users of this emulator. */
  deliver: (raw: Buffer, recipients: string[]) => void;
}

export class Composer {
  constructor(private readonly deps: ComposeDeps) {}

  createDraft(email: string, input: MessageInput): { draftId: string; message: StoredMessage } {
    const mailbox = this.deps.mailboxOf(email);
    const message = this.insertOutgoing(mailbox, input, ['DRAFT']);
    const draftId = mailbox.newDraftId();
    mailbox.drafts.set(draftId, message.id);
    return { draftId, message };
  }

  /** Replaces the draft's message: a new message id, the old one deleted. */
  updateDraft(email: string, draftId: string, input: MessageInput): { draftId: string; message: StoredMessage } {
    const mailbox = this.deps.mailboxOf(email);
    const oldId = this.draftMessageId(mailbox, draftId);
    const message = this.insertOutgoing(mailbox, input, ['DRAFT']);
    mailbox.remove(oldId);
    mailbox.drafts.set(draftId, message.id);
    return { draftId, message };
  }

  deleteDraft(email: string, draftId: string): void {
    const mailbox = this.deps.mailboxOf(email);
    mailbox.remove(this.draftMessageId(mailbox, draftId));
  }

  /** Sends a draft (after replacing its content when `input` has a message). */
  sendDraft(email: string, draftId: string, input: MessageInput | null): StoredMessage {
    const mailbox = this.deps.mailboxOf(email);
    if (input?.raw) this.updateDraft(email, draftId, input);
    const message = mailbox.require(this.draftMessageId(mailbox, draftId));
    const recipients = this.recipientsOf(message.raw);
    mailbox.replaceRaw(message.id, this.complete(email, message.raw));
    mailbox.drafts.delete(draftId);
    message.internalDate = this.deps.nowMs();
    mailbox.modify(message.id, ['SENT', ...selfLabels(email, recipients)], ['DRAFT']);
    this.deliverCopies(email, message.raw, recipients);
    return message;
  }

  send(email: string, input: MessageInput): StoredMessage {
    const mailbox = this.deps.mailboxOf(email);
    const raw = requireRaw(input);
    const recipients = this.recipientsOf(raw);
    const message = this.insertOutgoing(mailbox, { ...input, raw: this.complete(email, raw) }, ['SENT', ...selfLabels(email, recipients)]);
    this.deliverCopies(email, message.raw, recipients);
    return message;
  }

  private insertOutgoing(mailbox: Mailbox, input: MessageInput, labelIds: string[]): StoredMessage {
    const raw = requireRaw(input);
    const threadId = threadForOutgoing(mailbox, readFacts(raw), input.threadId);
    return mailbox.insert({ raw, labelIds, internalDate: this.deps.nowMs(), ...(threadId ? { threadId } : {}) });
  }

  private draftMessageId(mailbox: Mailbox, draftId: string): string {
    const id = mailbox.drafts.get(draftId);
    if (!id) throw notFound();
    return id;
  }

  private recipientsOf(raw: Buffer): string[] {
    const recipients = readFacts(raw).recipients;
    if (recipients.length === 0) throw badRequest('Recipient address required', 'invalidArgument');
    return recipients;
  }

  private complete(email: string, raw: Buffer): Buffer {
    return completeOutgoing(raw, readFacts(raw), { messageId: this.deps.newRfcMessageId(), date: new Date(this.deps.nowMs()), from: email });
  }

  private deliverCopies(email: string, raw: Buffer, recipients: string[]): void {
    const others = recipients.filter((r) => r !== email);
    if (others.length > 0) this.deps.deliver(withoutBcc(raw), others);
  }
}

/** Mail to oneself also lands in the inbox, unread. */
function selfLabels(email: string, recipients: string[]): string[] {
  return recipients.includes(email) ? ['INBOX', 'UNREAD'] : [];
}
