import type { DraftRecord } from '../store/draft-repository.ts';

/** A copy of the message at the provider: sent, or waiting in the Drafts folder. */
export interface ProviderCopy {
  providerId: string;
  /** Gmail's thread id, or Outlook's conversation id. */
  threadId: string;
  sent: boolean;
}

/**
 * What the deliver worker needs of a mailbox, whichever provider holds it. One is opened
 * per delivery attempt, so it may remember what `findCopy` saw for `placeCopy`.
 */
export interface DeliveryMailbox {
  /** The provider's name for the user, as errors and draft notes say it ("Gmail"). */
  readonly name: string;
  /**
   * Step 2: the copy that already counts as delivered: one in Sent, or, for a draft
   * meant for the user's Drafts folder, one there too. Found by our own Message-ID.
   */
  findCopy(draft: DraftRecord): Promise<ProviderCopy | null>;
  /** Step 3: send `raw` (one attempt, never retried blindly), or put it in Drafts, in the thread it answers. */
  placeCopy(draft: DraftRecord, raw: Buffer): Promise<ProviderCopy>;
}
