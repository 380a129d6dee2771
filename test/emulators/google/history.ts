/**
 * A mailbox's change log: gapped, monotonic history ids (compare as BigInt), one record
 * per change, a retention floor below which start ids get 404, and history.list paging.
 */
import { badRequest, notFound } from './errors.ts';
import { hashString, seededRandom } from './ids.ts';

export type HistoryType = 'messageAdded' | 'messageDeleted' | 'labelAdded' | 'labelRemoved';
export const HISTORY_TYPES: readonly HistoryType[] = ['messageAdded', 'messageDeleted', 'labelAdded', 'labelRemoved'];

/** Gmail keeps history for at least a week; the emulator keeps exactly that. */
const RETENTION_MS = 7 * 24 * 3600_000;

export interface HistoryRecord {
  id: bigint;
  atMs: number;
  message: { id: string; threadId: string };
  /** The message's labels after the change (before it, for a deletion). */
  labelIds: string[];
  added: boolean;
  deleted: boolean;
  /** One modify call is one record, holding both its additions and removals. */
  labelsAdded: string[];
  labelsRemoved: string[];
}

export function typesOf(record: HistoryRecord): HistoryType[] {
  const types: HistoryType[] = [];
  if (record.added) types.push('messageAdded');
  if (record.deleted) types.push('messageDeleted');
  if (record.labelsAdded.length > 0) types.push('labelAdded');
  if (record.labelsRemoved.length > 0) types.push('labelRemoved');
  return types;
}

export interface HistoryQuery {
  startHistoryId: string | null;
  historyTypes: string[];
  labelId: string | null;
  maxResults: number;
  pageToken: string | null;
}

export class HistoryLog {
  private headId: bigint;
  /** start ids below this get 404 */
  private floor = 0n;
  private records: HistoryRecord[] = [];
  private readonly random: () => number;

  constructor(owner: string) {
    const seed = hashString(owner);
    this.random = seededRandom(seed);
    this.headId = 100_000n + BigInt(seed % 900_000);
  }

  get head(): bigint {
    return this.headId;
  }

  /** Appends a record; its id is the new head, 1..9 above the previous one. */
  append(record: Omit<HistoryRecord, 'id'>): bigint {
    this.advanceHead();
    this.records.push({ ...record, id: this.headId });
    return this.headId;
  }

  /** Every id up to the current head becomes too old; the head moves past the floor. */
  expire(): void {
    this.floor = this.headId + 1n;
    this.records = [];
    this.advanceHead();
  }

  list(query: HistoryQuery, nowMs: number): { records: HistoryRecord[]; nextPageToken: string | null } {
    this.prune(nowMs);
    const start = parseStart(query.startHistoryId);
    if (start < this.floor) throw notFound();
    const after = query.pageToken ? parsePageToken(query.pageToken) : start;
    const types = query.historyTypes.map(parseType);
    const matching = this.records.filter(
      (r) =>
        r.id > after &&
        (types.length === 0 || typesOf(r).some((t) => types.includes(t))) &&
        (!query.labelId || [...r.labelIds, ...r.labelsAdded, ...r.labelsRemoved].includes(query.labelId)),
    );
    const page = matching.slice(0, query.maxResults);
    const last = page[page.length - 1];
    const more = matching.length > page.length && last;
    return { records: page, nextPageToken: more ? Buffer.from(`h${last.id}`).toString('base64url') : null };
  }

  private advanceHead(): void {
    this.headId += BigInt(1 + Math.floor(this.random() * 9));
  }

  /** Drops records older than the retention; start ids before them can no longer be served. */
  private prune(nowMs: number): void {
    const cutoff = nowMs - RETENTION_MS;
    let dropped = 0;
    while (dropped < this.records.length && (this.records[dropped] as HistoryRecord).atMs < cutoff) dropped++;
    if (dropped === 0) return;
    this.floor = maxBig(this.floor, (this.records[dropped - 1] as HistoryRecord).id);
    this.records = this.records.slice(dropped);
  }
}

/** One record as history.list returns it, limited to the requested history types. */
export function recordJson(record: HistoryRecord, historyTypes: string[]): Record<string, unknown> {
  const wanted = historyTypes.length === 0 ? HISTORY_TYPES : HISTORY_TYPES.filter((t) => historyTypes.some((h) => h.toLowerCase() === t.toLowerCase()));
  const ref = { id: record.message.id, threadId: record.message.threadId };
  const withLabels = { ...ref, labelIds: record.labelIds };
  const json: Record<string, unknown> = { id: String(record.id), messages: [ref] };
  const types = typesOf(record).filter((t) => wanted.includes(t));
  if (types.includes('messageAdded')) json['messagesAdded'] = [{ message: withLabels }];
  if (types.includes('messageDeleted')) json['messagesDeleted'] = [{ message: ref }];
  if (types.includes('labelAdded')) json['labelsAdded'] = [{ message: withLabels, labelIds: record.labelsAdded }];
  if (types.includes('labelRemoved')) json['labelsRemoved'] = [{ message: withLabels, labelIds: record.labelsRemoved }];
  return json;
}

function parseStart(text: string | null): bigint {
  if (text === null || text === '') throw badRequest('Missing required parameter: startHistoryId', 'required');
  if (!/^\d+$/.test(text)) throw badRequest(`Invalid startHistoryId: ${text}`);
  return BigInt(text);
}

function parseType(text: string): HistoryType {
  const found = HISTORY_TYPES.find((t) => t.toLowerCase() === text.toLowerCase());
  if (!found) throw badRequest(`Invalid value for historyTypes: ${text}`);
  return found;
}

function parsePageToken(token: string): bigint {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!/^h\d+$/.test(text)) throw badRequest('Invalid pageToken');
  return BigInt(text.slice(1));
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
