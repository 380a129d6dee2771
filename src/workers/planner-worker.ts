import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { planContact } from './planner-check-in.ts';
import type { PlanOutcome, PlannerDeps } from './planner-context.ts';
import { planThread } from './planner-follow-up.ts';
import { draftOutreachBatch } from './planner-outreach.ts';
import { planChanged, scanAll } from './planner-scan.ts';
import { planMeeting, remindThankYou } from './planner-thank-you.ts';
import type { PlanJobData, PlanJobName, PlanJobResult } from './queue-map.ts';

/**
 * Processes one `plan` job. Every job reads the database afresh and decides from it, so a
 * job that runs twice, late, or after the thing it planned for changed does the right
 * thing. A job that fires before its work is due (the meeting moved later) waits on.
 */
export async function processPlanJob(
  deps: PlannerDeps,
  job: Job<PlanJobData, PlanJobResult, PlanJobName>,
  token?: string,
): Promise<PlanJobResult> {
  const outcome = await run(deps, job.name, job.data);
  if (outcome.wait && outcome.wait.jobId === job.id && token) {
    const delayMs = Math.max(1, outcome.wait.until.getTime() - deps.now().getTime());
    await job.moveToDelayed(Date.now() + delayMs, token);
    throw new DelayedError();
  }
  return { created: outcome.created, superseded: outcome.superseded };
}

function run(deps: PlannerDeps, name: PlanJobName, data: PlanJobData): Promise<PlanOutcome> {
  switch (name) {
    case 'meeting-ended':
      return planMeeting(deps, required(name, 'meetingId', data.meetingId));
    case 'thank-you-reminder':
      return remindThankYou(deps, required(name, 'meetingId', data.meetingId));
    case 'follow-up-due':
      return planThread(deps, required(name, 'threadId', data.threadId));
    case 'check-in-due':
      return planContact(deps, required(name, 'contactId', data.contactId));
    case 'changed':
      return planChanged(deps, { messageRowIds: data.messageRowIds ?? [], meetingIds: data.meetingIds ?? [] });
    case 'scan':
      return scanAll(deps);
    case 'outreach-batch':
      return draftOutreachBatch(deps);
    default:
      throw new UnrecoverableError(`Unknown plan job "${String(name)}": this rapport is older than the one that queued it; upgrade it.`);
  }
}

function required(name: PlanJobName, field: keyof PlanJobData, value: number | undefined): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new UnrecoverableError(`A ${name} job needs a whole-number ${field}; it had ${JSON.stringify(value)}.`);
  }
  return value;
}
