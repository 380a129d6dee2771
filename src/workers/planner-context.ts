import type { Config } from '../config/load-config.ts';
import type { Database } from '../store/database.ts';
import type { DraftRenderer } from '../templates/index.ts';
import type { PlanScheduler } from './planner-jobs.ts';

/** What every part of the planner works with. */
export interface PlannerDeps {
  db: Database;
  config: Config;
  renderer: DraftRenderer;
  scheduler: PlanScheduler;
  /** The planner's clock: every decision and every delay is measured from it (tests move it). */
  now: () => Date;
  /** One line per thing worth telling the user (reminders, a template that failed); never mail text. */
  log: (line: string) => void;
}

/** What planning one thing did. */
export interface PlanOutcome {
  created: number;
  superseded: number;
  /** The job `waitJobId` fired before its work is due (the thing moved): run it again at `waitUntil`. */
  wait?: { jobId: string; until: Date };
}

export const NOTHING: PlanOutcome = { created: 0, superseded: 0 };

export function addOutcomes(a: PlanOutcome, b: PlanOutcome): PlanOutcome {
  return { created: a.created + b.created, superseded: a.superseded + b.superseded, ...(b.wait ? { wait: b.wait } : a.wait ? { wait: a.wait } : {}) };
}
