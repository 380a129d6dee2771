import type { MessageRecord } from '../core/types.ts';

/** A message already stored that a new one may join by subject. */
export interface SubjectCandidate {
  threadId: number;
  normalizedSubject: string;
  counterparts: readonly string[];
  sentAt: Date;
}

export interface PlannedMessage {
  rowId: number;
  record: MessageRecord;
}

/**
 * Where each new message of a batch goes. Thread ids above zero exist in the database;
 * ids below zero are threads to create (`newThreads`, keyed by those ids).
 */
export interface ThreadPlan {
  threadOf: Map<number, number>;
  newThreads: Map<number, { subject: string; normalizedSubject: string }>;
  /** Existing threads that the batch showed to be one conversation: `from` merge into `into`. */
  merges: { into: number; from: number[] }[];
}

/**
 * Threads a batch of messages in memory, in order: a message joins the thread that holds
 * any of its Message-IDs, else one with the same normalised subject and a shared
 * correspondent within `windowDays`, else a new thread. Threads a message bridges merge,
 * into the oldest existing one. Pure, so the batch needs a handful of queries, not a few
 * per message.
 */
export function planThreads(
  messages: readonly PlannedMessage[],
  existingKeys: ReadonlyMap<string, number>,
  candidates: readonly SubjectCandidate[],
  windowDays: number,
): ThreadPlan {
  const sets = new DisjointThreads();
  const keyOwner = new Map(existingKeys);
  const pool = [...candidates];
  const newThreads: ThreadPlan['newThreads'] = new Map();
  const assigned: [number, number][] = [];
  for (const { rowId, record } of messages) {
    const keys = threadKeysOf(record);
    const found = [...new Set(keys.flatMap((k) => (keyOwner.has(k) ? [sets.find(keyOwner.get(k)!)] : [])))];
    if (found.length === 0) {
      const bySubject = findBySubject(pool, record, windowDays);
      if (bySubject !== null) found.push(sets.find(bySubject));
    }
    let thread = found[0];
    if (thread === undefined) {
      thread = -(newThreads.size + 1);
      newThreads.set(thread, { subject: record.subject, normalizedSubject: record.normalizedSubject });
    }
    for (const other of found.slice(1)) thread = sets.union(thread, other);
    for (const key of keys) if (!keyOwner.has(key)) keyOwner.set(key, thread);
    if (record.sentAt && record.normalizedSubject) {
      pool.push({ threadId: thread, normalizedSubject: record.normalizedSubject, counterparts: record.counterparts, sentAt: record.sentAt });
    }
    assigned.push([rowId, thread]);
  }
  return resolve(sets, assigned, newThreads);
}

/** Every Message-ID that ties a message to its thread: its own and those it answers. */
export function threadKeysOf(record: MessageRecord): string[] {
  const keys = [record.messageId, ...record.inReplyTo, ...record.references];
  return [...new Set(keys.filter((k): k is string => Boolean(k)))];
}

function findBySubject(pool: readonly SubjectCandidate[], m: MessageRecord, windowDays: number): number | null {
  if (!m.normalizedSubject || m.counterparts.length === 0 || !m.sentAt) return null;
  const windowMs = windowDays * 86_400_000;
  let best: { threadId: number; distance: number } | null = null;
  for (const c of pool) {
    if (c.normalizedSubject !== m.normalizedSubject) continue;
    const distance = Math.abs(c.sentAt.getTime() - m.sentAt.getTime());
    if (distance > windowMs || !c.counterparts.some((a) => m.counterparts.includes(a))) continue;
    if (!best || distance < best.distance || (distance === best.distance && c.threadId < best.threadId)) {
      best = { threadId: c.threadId, distance };
    }
  }
  return best?.threadId ?? null;
}

function resolve(
  sets: DisjointThreads,
  assigned: [number, number][],
  newThreads: ThreadPlan['newThreads'],
): ThreadPlan {
  const threadOf = new Map(assigned.map(([rowId, thread]) => [rowId, sets.find(thread)]));
  const survivors = new Map([...newThreads].filter(([id]) => sets.find(id) === id));
  const merges = new Map<number, number[]>();
  for (const id of sets.members()) {
    const root = sets.find(id);
    if (id > 0 && root !== id) merges.set(root, [...(merges.get(root) ?? []), id]);
  }
  return { threadOf, newThreads: survivors, merges: [...merges].map(([into, from]) => ({ into, from })) };
}

/** Union-find over thread ids; a union keeps the oldest existing thread as the root. */
class DisjointThreads {
  private readonly parent = new Map<number, number>();

  find(id: number): number {
    let root = id;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    if (!this.parent.has(id)) this.parent.set(id, id);
    return root;
  }

  union(a: number, b: number): number {
    const [ra, rb] = [this.find(a), this.find(b)];
    if (ra === rb) return ra;
    const root = preferred(ra, rb);
    this.parent.set(root === ra ? rb : ra, root);
    this.parent.set(root, root);
    return root;
  }

  members(): number[] {
    return [...this.parent.keys()];
  }
}

/** Existing threads (positive ids) win over new ones; among them the oldest (lowest id). */
function preferred(a: number, b: number): number {
  if (a > 0 && b > 0) return Math.min(a, b);
  if (a > 0 || b > 0) return Math.max(a, b);
  return Math.max(a, b); // both new: the one created first (-1 before -2)
}
