import { localDate, startOfLocalDay, startOfNextLocalDay } from '../approval/plan-calendar.ts';
import { outreachFields } from '../approval/plan-fields.ts';
import { outreachKey, outreachKind, outreachRoomToday, outreachReason } from '../approval/plan-outreach.ts';
import type { Queryable } from '../store/database.ts';
import { draftAccountFor } from '../store/planner-queries.ts';
import {
  countTargets,
  countTargetsDraftedSince,
  hasWrittenTo,
  lockOutreachBatch,
  markTargetDrafted,
  markTargetSkipped,
  queuedTargets,
  type TargetRecord,
} from '../store/planner-target-queries.ts';
import type { PlanOutcome, PlannerDeps } from './planner-context.ts';
import { contactForDraft, createPlannedDraft, senderAddress } from './planner-drafts.ts';
import { planJobId } from './planner-jobs.ts';

/**
 * Drafts today's first requests to people on the target list, at most
 * `config.drafts.outreachPerDay` a day (a day in the user's time zone), and plans the next
 * batch for tomorrow's first minute while any wait.
 */
export async function draftOutreachBatch(deps: PlannerDeps): Promise<PlanOutcome & { waiting: number }> {
  const now = deps.now();
  const timeZone = deps.config.user.timeZone;
  const created = await deps.db.transaction(async (tx) => {
    await lockOutreachBatch(tx);
    const room = outreachRoomToday(await countTargetsDraftedSince(tx, startOfLocalDay(now, timeZone)), deps.config.drafts.outreachPerDay);
    let drafted = 0;
    // A skipped target does not use up the day's room: look further down the list.
    while (drafted < room) {
      const batch = await queuedTargets(tx, room - drafted);
      if (batch.length === 0) break;
      for (const target of batch) drafted += await draftTarget(deps, tx, target, now);
    }
    return drafted;
  });
  const waiting = (await countTargets(deps.db)).queued;
  if (waiting > 0) {
    const tomorrow = startOfNextLocalDay(now, timeZone);
    await deps.scheduler.at('outreach-batch', planJobId.outreachBatch(localDate(tomorrow, timeZone)), {}, tomorrow);
  }
  return { created, superseded: 0, waiting };
}

/** Drafts one target's request; 0 when it was skipped instead. */
async function draftTarget(deps: PlannerDeps, tx: Queryable, target: TargetRecord, now: Date): Promise<number> {
  if (await hasWrittenTo(tx, target.contactId)) {
    await markTargetSkipped(tx, target.id, 'You have already written to them; rapport follows that conversation instead.');
    return 0;
  }
  const profile = await contactForDraft(tx, target.contactId);
  if (!profile) {
    await markTargetSkipped(tx, target.id, 'The contact no longer exists.');
    return 0;
  }
  // The address the user listed, whatever else mail knows for the person.
  const contact = { ...profile, address: target.email, name: target.name };
  const kind = outreachKind(target);
  const account = await draftAccountFor(tx, null, null);
  const { draft, created } = await createPlannedDraft(deps, tx, {
    kind,
    key: outreachKey(kind, target.contactId),
    fields: outreachFields({ user: deps.config.user, userEmail: senderAddress(deps, account), contact, now }),
    contact,
    account,
    reason: outreachReason(target),
    dueAt: now,
  });
  if (!created) {
    await markTargetSkipped(tx, target.id, `A first request to them exists already (draft ${draft.id}).`);
    return 0;
  }
  await markTargetDrafted(tx, target.id, draft.id, now);
  return 1;
}
