import { UnrecoverableError } from 'bullmq';
import { findAccount, listAccounts, type AccountRow } from '../store/account-repository.ts';
import type { Queryable } from '../store/database.ts';
import { patchDraft, type DraftRecord } from '../store/draft-repository.ts';

/**
 * The account a draft goes out from: its own, or, when it names none, the one connected
 * mailbox (Gmail or Outlook). When there is none that can send, the draft keeps its state (nothing
 * was sent), gets a `lastError` that says what to do, and the job stops for good: it
 * cannot succeed until the user reconnects.
 *
 * @throws UnrecoverableError
 */
export async function sendingAccount(db: Queryable, draft: DraftRecord): Promise<AccountRow> {
  const { account, problem } = await accountFor(db, draft);
  if (account && !problem) return account;
  const message = `Not sent: ${problem}`;
  await patchDraft(db, draft.id, { lastError: message });
  throw new UnrecoverableError(message);
}

/** Providers rapport delivers through. */
const SENDING_PROVIDERS = new Set(['gmail', 'outlook']);

function connect(provider?: string): string {
  const command = provider ? `\`rapport accounts connect ${provider}\`` : '`rapport accounts connect gmail` or `rapport accounts connect outlook`';
  return `run ${command}; approved drafts go out once it is connected`;
}

async function accountFor(db: Queryable, draft: DraftRecord): Promise<{ account: AccountRow | null; problem: string | null }> {
  if (draft.accountId === null) {
    const mailboxes = (await listAccounts(db)).filter((a) => SENDING_PROVIDERS.has(a.provider));
    if (mailboxes.length === 0) return { account: null, problem: `no mailbox is connected to send draft ${draft.id} from: ${connect()}.` };
    if (mailboxes.length > 1) {
      return { account: null, problem: `draft ${draft.id} does not say which of ${mailboxes.length} connected mailboxes sends it; reject it and let rapport draft it again.` };
    }
    return { account: mailboxes[0]!, problem: canSend(mailboxes[0]!) };
  }
  const account = await findAccount(db, draft.accountId);
  if (!account) return { account: null, problem: `the account of draft ${draft.id} is no longer in rapport: ${connect()}.` };
  return { account, problem: canSend(account) };
}

function canSend(account: AccountRow): string | null {
  if (!SENDING_PROVIDERS.has(account.provider)) {
    return `${account.address} is a ${account.provider} account, which rapport cannot send from; connect its mailbox with ${connect()}.`;
  }
  if (!account.tokensSealed || account.syncStatus === 'needs_reauth') return `${account.address} must be connected again: ${connect(account.provider)}.`;
  return null;
}
