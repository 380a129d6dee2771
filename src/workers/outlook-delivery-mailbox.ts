import { createOutlookDraft, findOutlookMessagesByRfcId, sendOutlookDraft, type OutlookMessageRef } from '../integrations/outlook/outlook-delivery.ts';
import type { AccountRow } from '../store/account-repository.ts';
import { openOutlookAccountSession, type AccountSessionDeps } from './account-session.ts';
import type { DeliveryMailbox } from './delivery-mailbox.ts';

/**
 * Delivery through Outlook. Graph sends only what is first a draft, so a send is two
 * calls: the MIME (our Message-ID and threading headers) uploaded as a draft, then `send`.
 * Both are found again by Message-ID: a sent copy means delivered; a draft of ours left
 * by an attempt that stopped between the two calls is sent, not created a second time.
 * Ids are immutable, so the draft's id is also its id in Sent Items.
 */
export function outlookDeliveryMailbox(deps: AccountSessionDeps, account: AccountRow): DeliveryMailbox {
  const session = openOutlookAccountSession(deps, account);
  let leftOver: OutlookMessageRef | null = null;
  return {
    name: 'Outlook',
    async findCopy(draft) {
      const copies = await findOutlookMessagesByRfcId(session, draft.rfcMessageId!);
      const sent = copies.find((c) => !c.isDraft);
      if (sent) return { providerId: sent.id, threadId: sent.conversationId, sent: true };
      leftOver = copies[0] ?? null;
      if (draft.deliveryMode === 'mailbox' && leftOver) return { providerId: leftOver.id, threadId: leftOver.conversationId, sent: false };
      return null;
    },
    async placeCopy(draft, raw) {
      const placed = leftOver ?? (await createOutlookDraft(session, raw));
      if (draft.deliveryMode === 'mailbox') return { providerId: placed.id, threadId: placed.conversationId, sent: false };
      await sendOutlookDraft(session, placed.id);
      return { providerId: placed.id, threadId: placed.conversationId, sent: true };
    },
  };
}
