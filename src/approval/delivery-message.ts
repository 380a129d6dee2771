import { InvalidInputError } from '../core/errors.ts';
import type { OutgoingMessage } from '../delivery/compose-message.ts';
import type { DraftRecord } from '../store/draft-repository.ts';

/** Who a draft goes out from: the sending account's address and the user's name. */
export interface Sender {
  address: string;
  /** The user's name from config; empty for none. */
  name: string;
}

/**
 * The message an approved draft becomes: from the sender, to the draft's recipient, with
 * its subject, text and HTML, its own Message-ID, and the threading headers of the
 * message it answers. Pure.
 *
 * @throws InvalidInputError when the draft has no recipient or no Message-ID yet.
 */
export function outgoingMessageOf(draft: DraftRecord, sender: Sender, date?: Date): OutgoingMessage {
  if (!draft.toAddress) {
    throw new InvalidInputError(`Draft ${draft.id} has no recipient; edit it to add one, then approve it again.`);
  }
  if (!draft.rfcMessageId) {
    // The deliver worker stores it before any provider call; without it a retry could not check.
    throw new InvalidInputError(`Draft ${draft.id} has no Message-ID of its own yet; it cannot go out before it has one.`);
  }
  return {
    from: { address: sender.address, name: sender.name.trim() || null },
    to: [{ address: draft.toAddress, name: draft.toName }],
    subject: draft.subject,
    text: draft.body,
    html: draft.html,
    messageId: draft.rfcMessageId,
    inReplyTo: draft.inReplyTo,
    references: draft.references,
    ...(date ? { date } : {}),
  };
}
