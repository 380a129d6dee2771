import type { Label } from '../core/detection.ts';
import type { Direction, MeetingStatus } from '../core/types.ts';
import type { Queryable } from './database.ts';

/** What deciding a thread's state needs, for each thread. */
export interface ThreadFacts {
  threadId: number;
  messages: { direction: Direction; sentAt: Date | null; labels: Label[]; signals: string[]; counterpart: string | null }[];
  meetings: { start: Date | null; end: Date | null; status: MeetingStatus }[];
}

export interface ThreadUpdate {
  threadId: number;
  kind: 'outreach' | 'other';
  state: string | null;
  counterpart: string | null;
}

/** The messages and linked meetings of the threads that hold the given messages or meetings. */
export async function loadThreadFacts(
  tx: Queryable,
  messageRowIds: readonly number[],
  meetingIds: readonly number[] = [],
): Promise<ThreadFacts[]> {
  const threads = await tx.query<{ thread_id: number }>(
    `select thread_id from message where id = any($1::int[]) and thread_id is not null
     union select thread_id from meeting where id = any($2::int[]) and thread_id is not null`,
    [messageRowIds, meetingIds],
  );
  return loadThreadFactsOf(tx, threads.map((t) => t.thread_id));
}

/** The facts of the named threads. */
export async function loadThreadFactsOf(tx: Queryable, ids: readonly number[]): Promise<ThreadFacts[]> {
  if (ids.length === 0) return [];
  const messages = await tx.query<{
    thread_id: number; direction: Direction; sent_at: Date | null; labels: { labels?: Label[]; signals?: string[] } | null; counterpart: string | null;
  }>(
    `select thread_id, direction, sent_at, labels, counterparts[1] as counterpart
     from message where thread_id = any($1) order by sent_at nulls first, id`,
    [ids],
  );
  const meetings = await tx.query<{ thread_id: number; start_at: Date | null; end_at: Date | null; status: MeetingStatus }>(
    'select thread_id, start_at, end_at, status from meeting where thread_id = any($1)',
    [ids],
  );
  return ids.map((threadId) => ({
    threadId,
    messages: messages
      .filter((m) => m.thread_id === threadId)
      .map((m) => ({
        direction: m.direction, sentAt: m.sent_at, labels: m.labels?.labels ?? [],
        signals: m.labels?.signals ?? [], counterpart: m.counterpart,
      })),
    meetings: meetings.filter((m) => m.thread_id === threadId).map((m) => ({ start: m.start_at, end: m.end_at, status: m.status })),
  }));
}

/** Stores each thread's kind, state and the contact it is about. */
export async function saveThreadStates(tx: Queryable, updates: readonly ThreadUpdate[]): Promise<void> {
  if (updates.length === 0) return;
  await tx.query(
    `update thread t set kind = v.kind, state = v.state,
       contact_id = (select contact_id from contact_email e where e.address = v.counterpart)
     from unnest($1::int[], $2::text[], $3::text[], $4::text[]) as v(id, kind, state, counterpart)
     where t.id = v.id`,
    [updates.map((u) => u.threadId), updates.map((u) => u.kind), updates.map((u) => u.state), updates.map((u) => u.counterpart)],
  );
}
