/**
 * The `deliver` queue's processor: sends an approved draft, or puts it in the user's
 * Drafts folder, exactly once. The steps, in order:
 *
 *   1. claim    approved → delivering, with our own Message-ID stored (kept on a retry)
 *   2. check    does the mailbox already hold a copy with that Message-ID?
 *   3. place    only if not: compose, then send (one attempt) or create the provider draft
 *   4. mark     delivered, with the provider's id
 *
 * A crash after the claim leaves the draft `delivering` (or `delivered`); once the claim's
 * lease lapses the retry claims it again and starts at the check, so a copy that went out
 * is found, never sent again.
 */
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { classifyDeliveryFailure, planAfterFailure } from '../approval/delivery-failure.ts';
import { outgoingMessageOf } from '../approval/delivery-message.ts';
import { composeMessage, newMessageId } from '../delivery/compose-message.ts';
import { setSyncStatus, type AccountRow } from '../store/account-repository.ts';
import { claimDelivery, releaseDelivery, renewDeliveryLease, returnToApproved, type DeliveryClaim } from '../store/delivery-queries.ts';
import { getDraft, moveDraft, type DraftRecord } from '../store/draft-repository.ts';
import type { AccountSessionDeps } from './account-session.ts';
import { sendingAccount } from './deliver-account.ts';
import type { DeliveryMailbox, ProviderCopy } from './delivery-mailbox.ts';
import { gmailDeliveryMailbox } from './gmail-delivery-mailbox.ts';
import { outlookDeliveryMailbox } from './outlook-delivery-mailbox.ts';
import type { DeliverJobData, DeliverJobResult } from './queue-map.ts';

export interface DeliverDeps extends AccountSessionDeps {
  now?: () => Date;
  /**
   * How long a claim keeps other workers off a draft. It must outlast one send call; a
   * worker that dies holds the draft this long at most. Default five minutes.
   */
  leaseMs?: number;
  /** How soon a job that found another worker delivering the same draft looks again. */
  busyRecheckMs?: number;
  /**
   * Test seam: called as each step begins, so a test can stop the process right there.
   * Unset in rapport itself.
   */
  onStep?: (step: DeliverStep) => void;
}

/** The points a delivery can be interrupted at, in order. */
export const DELIVER_STEPS = ['before-claim', 'before-check', 'before-send', 'after-send', 'after-mark'] as const;
export type DeliverStep = (typeof DELIVER_STEPS)[number];

const DEFAULT_LEASE_MS = 5 * 60_000;
const DEFAULT_BUSY_RECHECK_MS = 5_000;

/** What the processor reads of a job; tests pass `{ data }` alone. */
export type DeliverJob = Pick<Job<DeliverJobData, DeliverJobResult, 'deliver'>, 'data'> & Partial<Pick<Job, 'moveToDelayed'>>;

/** Another worker holds the draft, or took it over from this one. */
export class DeliveryInProgressError extends Error {
  override readonly name = 'DeliveryInProgressError';
  constructor(readonly draftId: number) {
    super(`Draft ${draftId} is being delivered by another worker; this job looks again later.`);
  }
}

/** Processes one `deliver` job; `token` (from BullMQ) lets a job that must wait step aside without failing. */
export async function processDeliverJob(deps: DeliverDeps, job: DeliverJob, token?: string): Promise<DeliverJobResult> {
  deps.onStep?.('before-claim');
  const draft = await getDraft(deps.db, job.data.draftId);
  if (!draft || (draft.status !== 'approved' && draft.status !== 'delivering')) return settled(draft);
  const account = await sendingAccount(deps.db, draft);
  const claim = await claimDelivery(deps.db, draft.id, draft.rfcMessageId ?? newMessageId(account.address), leaseMsOf(deps));
  if (!claim) return notClaimed(deps, draft.id, job, token);
  return deliverClaimed(deps, account, claim);
}

/** Steps 2–4 for a draft this worker holds; a failure is recorded on the draft and rethrown. */
async function deliverClaimed(deps: DeliverDeps, account: AccountRow, claim: DeliveryClaim): Promise<DeliverJobResult> {
  const progress = { mayHaveSentBefore: claim.resumed, sendStarted: false };
  try {
    const draft = (await getDraft(deps.db, claim.draftId))!;
    const mailbox = openDeliveryMailbox(deps, account);
    deps.onStep?.('before-check');
    const existing = await mailbox.findCopy(draft);
    if (existing) return await markDelivered(deps, draft, existing, mailbox.name);
    progress.mayHaveSentBefore = false;
    const raw = composeMessage(outgoingMessageOf(draft, { address: account.address, name: deps.config.user.name }, nowOf(deps)));
    await keepClaim(deps, claim);
    deps.onStep?.('before-send');
    progress.sendStarted = true;
    const placed = await mailbox.placeCopy(draft, raw);
    deps.onStep?.('after-send');
    return await markDelivered(deps, draft, placed, mailbox.name);
  } catch (err) {
    throw await recordFailure(deps, account, claim, err, progress);
  }
}

/**
 * The account's mailbox for delivery. Sessions make one attempt per call: a
 * rate-limited send goes back to `approved` and BullMQ tries it later, rather than the
 * worker sleeping on the provider's back-off while it holds the lease.
 */
function openDeliveryMailbox(deps: AccountSessionDeps, account: AccountRow): DeliveryMailbox {
  const oneAttempt = { ...deps, callPolicy: { ...deps.callPolicy, maxAttempts: 1 } };
  if (account.provider === 'outlook') return outlookDeliveryMailbox(oneAttempt, account);
  return gmailDeliveryMailbox(oneAttempt, account);
}

/** Before the one call that cannot be undone: still ours? (A worker stalled past its lease is not.) */
async function keepClaim(deps: DeliverDeps, claim: DeliveryClaim): Promise<void> {
  if (!(await renewDeliveryLease(deps.db, claim, leaseMsOf(deps)))) throw new DeliveryInProgressError(claim.draftId);
}

/**
 * Step 4. A draft put in the mailbox is `delivered` without `deliveredAt` until the user
 * sends it (see markDraftsSentByUser). Someone else may have marked it first (a sync
 * that saw the sent copy), which is as good.
 */
async function markDelivered(deps: DeliverDeps, draft: DraftRecord, copy: ProviderCopy, provider: string): Promise<DeliverJobResult> {
  const moved = await moveDraft(deps.db, draft.id, 'delivered', {
    providerId: copy.providerId,
    providerThreadId: copy.threadId,
    deliveredAt: copy.sent ? nowOf(deps) : null,
    lastError: null,
  });
  const final = moved ?? (await getDraft(deps.db, draft.id));
  if (final?.status !== 'delivered') throw new Error(`Draft ${draft.id} is at ${provider} but could not be marked delivered (it is ${final?.status ?? 'gone'}).`);
  deps.onStep?.('after-mark');
  return { status: 'delivered', providerId: final.providerId ?? copy.providerId };
}

/**
 * Leaves the draft where the failure puts it: back to `approved` when nothing can have
 * gone out, else `delivering` for the retry's check; then the error to throw (an
 * UnrecoverableError when retrying cannot help until the user acts).
 */
async function recordFailure(
  deps: DeliverDeps,
  account: AccountRow,
  claim: DeliveryClaim,
  err: unknown,
  progress: { mayHaveSentBefore: boolean; sendStarted: boolean },
): Promise<Error> {
  const failure = classifyDeliveryFailure(err);
  const plan = planAfterFailure(failure, progress);
  if (plan.draftStatus === 'approved') await returnToApproved(deps.db, claim, failure.message);
  else await releaseDelivery(deps.db, claim, failure.message);
  if (failure.kind === 'reauth') await setSyncStatus(deps.db, account.id, 'needs_reauth', (err as Error).message);
  if (!plan.retry) return new UnrecoverableError(failure.message);
  return err instanceof Error ? err : new Error(failure.message);
}

/** The claim failed: delivered or withdrawn meanwhile, or another worker holds it. */
async function notClaimed(deps: DeliverDeps, draftId: number, job: DeliverJob, token: string | undefined): Promise<DeliverJobResult> {
  const draft = await getDraft(deps.db, draftId);
  if (draft?.status !== 'delivering') return settled(draft);
  if (token && job.moveToDelayed) {
    // Not a failure: it waits without spending one of its attempts.
    await job.moveToDelayed(Date.now() + (deps.busyRecheckMs ?? DEFAULT_BUSY_RECHECK_MS), token);
    throw new DelayedError();
  }
  throw new DeliveryInProgressError(draftId);
}

/** The result for a draft with nothing (left) to deliver. */
function settled(draft: DraftRecord | null): DeliverJobResult {
  if (draft?.status === 'delivered') return { status: 'already_delivered', ...(draft.providerId ? { providerId: draft.providerId } : {}) };
  return { status: 'skipped' };
}

const leaseMsOf = (deps: DeliverDeps) => deps.leaseMs ?? DEFAULT_LEASE_MS;
const nowOf = (deps: DeliverDeps) => deps.now?.() ?? new Date();
