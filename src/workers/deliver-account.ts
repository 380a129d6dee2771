import { UnrecoverableError } from 'bullmq';
import { findAccount, listAccounts, type AccountRow } from '../store/account-repository.ts';
import type { Queryable } from '../store/database.ts';
import { patchDraft, type DraftRecord } from '../store/draft-repository.ts';

/**
 * The account a draft goes out from: its own, or, when it names none, the one connected
 * Gmail account. When there is none that can send, the draft keeps its state (nothing
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

const CONNECT = 'run `rapport accounts connect gmail`; approved drafts go out once it is connected';

async function accountFor(db: Queryable, draft: DraftRecord): Promise<{ account: AccountRow | null; problem: string | null }> {
  if (draft.accountId === null) {
    const gmail = (await listAccounts(db)).filter((a) => a.provider === 'gmail');
    if (gmail.length === 0) return { account: null, problem: `no Gmail account is connected to send draft ${draft.id} from: ${CONNECT}.` };
    if (gmail.length > 1) {
      return { account: null, problem: `draft ${draft.id} does not say which of ${gmail.length} Gmail accounts sends it; reject it and let rapport draft it again.` };
    }
    return { account: gmail[0]!, problem: canSend(gmail[0]!) };
  }
  const account = await findAccount(db, draft.accountId);
  if (!account) return { account: null, problem: `the account of draft ${draft.id} is no longer in rapport: ${CONNECT}.` };
  return { account, problem: canSend(account) };
}

function canSend(account: AccountRow): string | null {
  if (account.provider !== 'gmail') return `rapport sends through Gmail only so far, and this draft is for ${account.address} (${account.provider}).`;
  if (!account.tokensSealed || account.syncStatus === 'needs_reauth') return `${account.address} must be connected again: ${CONNECT}.`;
  return null;
}
