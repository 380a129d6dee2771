import { createGmailDraft, findGmailMessageByRfcId, sendGmailMessage } from '../integrations/google/gmail-delivery.ts';
import type { AccountRow } from '../store/account-repository.ts';
import { openAccountSession, type AccountSessionDeps } from './account-session.ts';
import type { DeliveryMailbox } from './delivery-mailbox.ts';

/** Delivery through Gmail: a search by `rfc822msgid:`, then `messages.send` or `drafts.create` in the thread. */
export function gmailDeliveryMailbox(deps: AccountSessionDeps, account: AccountRow): DeliveryMailbox {
  const session = openAccountSession(deps, account);
  return {
    name: 'Gmail',
    async findCopy(draft) {
      const found = await findGmailMessageByRfcId(session, draft.rfcMessageId!);
      if (!found) return null;
      const sent = found.labelIds.includes('SENT');
      // Sending, only a copy in Sent counts; a stray draft is not the mail going out.
      if (draft.deliveryMode !== 'mailbox' && !sent) return null;
      return { providerId: found.id, threadId: found.threadId, sent };
    },
    async placeCopy(draft, raw) {
      if (draft.deliveryMode === 'mailbox') {
        const created = await createGmailDraft(session, raw, draft.providerThreadId);
        return { providerId: created.messageId, threadId: created.threadId, sent: false };
      }
      const sent = await sendGmailMessage(session, raw, draft.providerThreadId);
      return { providerId: sent.messageId, threadId: sent.threadId, sent: true };
    },
  };
}
