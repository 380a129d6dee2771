import { InvalidInputError, ProviderBusyError, ProviderRequestError, ReauthRequiredError } from '../core/errors.ts';

/**
 * Why a delivery attempt failed, as far as sending goes:
 * - `reauth`: the provider refused the account's credentials; nothing was sent.
 * - `refused`: the provider (or rapport) turned the message down; nothing was sent, and
 *   trying again as it is will not help.
 * - `busy`: a rate limit turned the request away before it was read; nothing was sent.
 * - `uncertain`: a failure that may have come after the provider acted (5xx, a dropped
 *   connection, anything unforeseen): the message may be out.
 */
export type DeliveryFailureKind = 'reauth' | 'refused' | 'busy' | 'uncertain';

export interface DeliveryFailure {
  kind: DeliveryFailureKind;
  /** For the draft's `lastError`: what happened and what happens next or what to do. */
  message: string;
}

/** Reads a failure by its class and status, never by its text. */
export function classifyDeliveryFailure(err: unknown): DeliveryFailure {
  const detail = sentence(err instanceof Error ? err.message : String(err));
  if (err instanceof ReauthRequiredError) return { kind: 'reauth', message: `Not sent: ${detail}` };
  if (err instanceof ProviderBusyError && (err.status === 429 || err.status === 403)) {
    return { kind: 'busy', message: `Not sent yet: ${detail} rapport tries again shortly.` };
  }
  if (err instanceof ProviderRequestError || err instanceof InvalidInputError) {
    return { kind: 'refused', message: `Not sent: ${detail} Edit the draft and approve it again.` };
  }
  return {
    kind: 'uncertain',
    message: `Sending did not finish: ${detail} rapport looks for this message in the mailbox before trying again, so it never goes out twice.`,
  };
}

/** The text as one sentence: trimmed, on one line, ending with a full stop. */
function sentence(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return /[.!?]$/.test(line) ? line : `${line}.`;
}

/** What becomes of the draft and the job after a failed attempt. */
export interface FailurePlan {
  /** `approved` only when nothing can have gone out; otherwise it stays `delivering`. */
  draftStatus: 'approved' | 'delivering';
  /** Whether the job is tried again; a reauth or a refusal waits for the user instead. */
  retry: boolean;
}

/**
 * Where a failed attempt leaves the draft. `mayHaveSentBefore`: an earlier attempt may
 * have put a copy out (it resumed a `delivering` draft and the mailbox check has not yet
 * found none); `sendStarted`: this attempt had asked the provider to send.
 */
export function planAfterFailure(failure: DeliveryFailure, progress: { mayHaveSentBefore: boolean; sendStarted: boolean }): FailurePlan {
  const mayHaveSent = progress.mayHaveSentBefore || (progress.sendStarted && failure.kind === 'uncertain');
  return {
    draftStatus: mayHaveSent ? 'delivering' : 'approved',
    retry: failure.kind === 'busy' || failure.kind === 'uncertain',
  };
}
