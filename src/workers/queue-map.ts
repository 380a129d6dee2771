import type { SourceRef } from '../core/types.ts';

/**
 * Every queue, its job names, payloads and results, in one typed map. Payloads carry
 * references (file + byte range, provider ids), never message bytes, so Redis stays small.
 */
export interface JobTypes {
  ingest: {
    name: 'ingest-batch';
    data: IngestBatchData;
    result: IngestBatchResult;
  };
  sync: {
    name: SyncJobName;
    data: SyncJobData;
    result: SyncJobResult;
  };
  deliver: {
    name: 'deliver';
    data: DeliverJobData;
    result: DeliverJobResult;
  };
  plan: {
    name: PlanJobName;
    data: PlanJobData;
    result: PlanJobResult;
  };
}

/** Delivers one approved draft (job id `deliver-<draft>`: one delivery per draft at a time). */
export interface DeliverJobData {
  draftId: number;
}

export interface DeliverJobResult {
  status: 'delivered' | 'already_delivered' | 'skipped';
  /** The provider's id of the sent message or of the draft put in the mailbox. */
  providerId?: string;
}

/**
 * `meeting-ended`, `follow-up-due`, `check-in-due`, `thank-you-reminder`: one piece of
 * planned work, with a job id derived from it; `changed`: ingest stored messages or
 * meetings that may make work due or moot; `scan`: the periodic look at everything due.
 */
export type PlanJobName = 'meeting-ended' | 'follow-up-due' | 'check-in-due' | 'thank-you-reminder' | 'changed' | 'scan' | 'outreach-batch';

export interface PlanJobData {
  meetingId?: number;
  threadId?: number;
  contactId?: number;
  draftId?: number;
  messageRowIds?: number[];
  meetingIds?: number[];
}

export interface PlanJobResult {
  created: number;
  superseded: number;
}

/** `mail` and `calendar` sync one account; `poll` starts both for every connected account. */
export type SyncJobName = 'mail' | 'calendar' | 'poll';

export interface SyncJobData {
  /** Absent for `poll`. */
  accountId?: number;
}

export interface SyncJobResult {
  status: 'synced' | 'needs_reauth' | 'skipped' | 'polled';
  mode?: 'full' | 'partial';
  /** Messages or events stored, and removed or cancelled. */
  stored?: number;
  removed?: number;
  /** `poll`: how many syncs it asked for. */
  requested?: number;
}

export type QueueName = keyof JobTypes;


export interface IngestBatchData {
  /** The account the messages belong to (a mailbox export is an account too). */
  accountId: number;
  refs: SourceRef[];
}

export interface IngestBatchResult {
  /** Messages stored for the first time. */
  stored: number;
  /** Messages that were already stored (same Message-ID): nothing added. */
  duplicates: number;
  /** Messages or files that could not be read; each is in `ingest_failure`. */
  failed: number;
  /** Calendar events stored or updated. */
  meetings: number;
}
