import type { PlanJobData, PlanJobName } from './queue-map.ts';
import type { TypedQueue } from './queues.ts';

/**
 * The planner's delayed jobs, with ids derived from the work (BullMQ ids may not hold
 * `:`), so planning the same thing twice leaves one job, and moving it moves that job.
 */
export const planJobId = {
  meetingEnded: (meetingId: number) => `meeting-ended-${meetingId}`,
  thankYouReminder: (meetingId: number) => `thank-you-reminder-${meetingId}`,
  followUpDue: (threadId: number, n: number) => `follow-up-due-${threadId}-${n}`,
  checkInDue: (contactId: number) => `check-in-due-${contactId}`,
  outreachBatch: (localDate: string) => `outreach-batch-${localDate}`,
};

/** Retries for planned work: a database hiccup should not lose a thank-you. */
export const PLAN_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: true,
  removeOnFail: true,
} as const;

/** Puts planned work on the queue, or takes it off. */
export interface PlanScheduler {
  /** Runs `name` at `at` (by the planner's clock); an existing job with this id is moved there. */
  at(name: PlanJobName, jobId: string, data: PlanJobData, at: Date): Promise<void>;
  /** Removes the job if it is still waiting; one that is running finds the database changed. */
  cancel(jobId: string): Promise<void>;
}

/**
 * Schedules on `queue`. Delays are computed from `now`, so a test that moves its clock
 * moves when work falls due; a job that fires early looks again and waits on.
 */
export function queueScheduler(queue: TypedQueue<'plan'>, now: () => Date): PlanScheduler {
  return {
    async at(name, jobId, data, at) {
      const delay = Math.max(0, at.getTime() - now().getTime());
      const existing = await queue.getJob(jobId);
      if (existing) {
        const state = await existing.getState();
        if (state === 'delayed') {
          // It may have started meanwhile; then it reads the database and decides for itself.
          await existing.changeDelay(delay).catch(() => undefined);
          return;
        }
        if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return;
        await existing.remove().catch(() => undefined);
      }
      await queue.add(name, data, { ...PLAN_JOB_OPTIONS, jobId, delay });
    },
    async cancel(jobId) {
      // A job that is running holds a lock and cannot be removed: it finds nothing to do.
      await queue.remove(jobId).catch(() => undefined);
    },
  };
}

/** For commands that plan without a running service: the service's scan picks up later work. */
export const noScheduler: PlanScheduler = {
  at: async () => undefined,
  cancel: async () => undefined,
};
