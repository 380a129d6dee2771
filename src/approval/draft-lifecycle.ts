/**
 * The life of a draft, as one table of allowed moves. Pure: the store applies a move
 * only from the states listed here, in one statement, so two workers or a worker and
 * the user can never both move the same draft.
 *
 *   needs_input ─(fields given)→ pending ─approve→ approved ─→ delivering ─→ delivered
 *        │                         │  ↑                │  ↑          │
 *        └──────────reject─────────┴──┼──edit──────────┘  └─(retry)──┘
 *                                     │
 *   any state before delivering ─(the thing happened anyway)→ superseded
 */

export const DRAFT_STATUSES = [
  'needs_input', 'pending', 'approved', 'delivering', 'delivered', 'rejected', 'superseded',
] as const;
export type DraftStatus = (typeof DRAFT_STATUSES)[number];

export type DraftMove = 'complete' | 'approve' | 'edit' | 'reject' | 'start_delivery' | 'delivered' | 'retry_delivery' | 'supersede' | 'snooze';

/** For each move, the states it may start from and the state it leads to. */
export const DRAFT_MOVES: Record<DraftMove, { from: readonly DraftStatus[]; to: DraftStatus }> = {
  // The user supplied what was missing and the draft rendered completely.
  complete: { from: ['needs_input'], to: 'pending' },
  approve: { from: ['pending'], to: 'approved' },
  // Editing an approved draft takes the approval back: the user approves what they see.
  edit: { from: ['pending', 'needs_input', 'approved'], to: 'pending' },
  reject: { from: ['pending', 'needs_input', 'approved'], to: 'rejected' },
  snooze: { from: ['pending', 'needs_input'], to: 'pending' },
  start_delivery: { from: ['approved'], to: 'delivering' },
  delivered: { from: ['delivering', 'approved'], to: 'delivered' },
  // A delivery that failed in a way known not to have sent anything goes back to approved.
  retry_delivery: { from: ['delivering'], to: 'approved' },
  supersede: { from: ['needs_input', 'pending', 'approved'], to: 'superseded' },
};

/** Whether `move` is allowed from `status`. */
export function canMove(status: DraftStatus, move: DraftMove): boolean {
  return DRAFT_MOVES[move].from.includes(status);
}

/** Drafts in these states are still waiting for the user. */
export const OPEN_STATUSES: readonly DraftStatus[] = ['needs_input', 'pending'];
