/**
 * One user's mailbox: messages with labels and threads, drafts, and the history log every
 * change writes to. Route handlers and the control API both go through it, so every change
 * is recorded and announced the same way.
 */
import { notFound } from './errors.ts';
import { HistoryLog, type HistoryRecord } from './history.ts';
import type { HexIds, PrefixedIds } from './ids.ts';
import { readFacts, type MessageFacts } from './message-facts.ts';

export const SYSTEM_LABELS = [
  'INBOX', 'SENT', 'DRAFT', 'SPAM', 'TRASH', 'UNREAD', 'STARRED', 'IMPORTANT', 'CHAT',
  'CATEGORY_PERSONAL', 'CATEGORY_SOCIAL', 'CATEGORY_PROMOTIONS', 'CATEGORY_UPDATES', 'CATEGORY_FORUMS',
] as const;

export interface StoredMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  internalDate: number;
  raw: Buffer;
  /** The id of the last history record that touched the message. */
  historyId: bigint;
  facts: MessageFacts;
}

export interface MailboxDeps {
  messageIds: HexIds;
  draftIds: PrefixedIds;
  now: () => number;
  /** Called after each change with the labels involved (for watch label filters). */
  onChange: (labelIds: string[]) => void;
}

export class Mailbox {
  readonly history: HistoryLog;
  private readonly byId = new Map<string, StoredMessage>();
  /** thread id -> message ids, and Message-ID header -> message ids: lookups stay O(1) for large seeds */
  private readonly byThread = new Map<string, Set<string>>();
  private readonly byRfcId = new Map<string, Set<string>>();
  /** draft id -> message id */
  readonly drafts = new Map<string, string>();
  private readonly userLabels = new Set<string>();

  constructor(
    readonly email: string,
    private readonly deps: MailboxDeps,
  ) {
    this.history = new HistoryLog(email);
  }

  get(id: string): StoredMessage | undefined {
    return this.byId.get(id);
  }

  /** The message, or the API's 404. */
  require(id: string): StoredMessage {
    const message = this.byId.get(id);
    if (!message) throw notFound();
    return message;
  }

  all(): StoredMessage[] {
    return [...this.byId.values()];
  }

  /** A thread's messages, oldest first; empty when the thread does not exist. */
  thread(threadId: string): StoredMessage[] {
    return [...(this.byThread.get(threadId) ?? [])]
      .map((id) => this.byId.get(id) as StoredMessage)
      .sort((a, b) => a.internalDate - b.internalDate || compareIds(a.id, b.id));
  }

  /** Messages whose Message-ID header is `rfcId` (without brackets). */
  withMessageId(rfcId: string): StoredMessage[] {
    return [...(this.byRfcId.get(rfcId) ?? [])].map((id) => this.byId.get(id) as StoredMessage);
  }

  labels(): string[] {
    return [...SYSTEM_LABELS, ...this.userLabels];
  }

  insert(input: { raw: Buffer; labelIds: string[]; internalDate: number; threadId?: string }): StoredMessage {
    const id = this.deps.messageIds.nextId();
    const message: StoredMessage = {
      id,
      threadId: input.threadId ?? id,
      labelIds: unique(input.labelIds),
      internalDate: input.internalDate,
      raw: input.raw,
      historyId: 0n,
      facts: readFacts(input.raw),
    };
    this.noteLabels(message.labelIds);
    this.byId.set(id, message);
    this.index(message, true);
    this.record(message, { added: true });
    return message;
  }

  remove(id: string): void {
    const message = this.require(id);
    this.byId.delete(id);
    this.index(message, false);
    for (const [draftId, messageId] of this.drafts) if (messageId === id) this.drafts.delete(draftId);
    this.record(message, { deleted: true });
  }

  /** Adds and removes labels in one history record; only actual changes are recorded. */
  modify(id: string, add: string[], remove: string[]): StoredMessage {
    const message = this.require(id);
    const added = unique(add).filter((l) => !message.labelIds.includes(l));
    const removed = unique(remove).filter((l) => message.labelIds.includes(l) && !added.includes(l));
    if (added.length === 0 && removed.length === 0) return message;
    this.noteLabels(added);
    message.labelIds = [...message.labelIds.filter((l) => !removed.includes(l)), ...added];
    this.record(message, { labelsAdded: added, labelsRemoved: removed });
    return message;
  }

  /** Replaces a message's bytes without a history record (headers Gmail adds when sending). */
  replaceRaw(id: string, raw: Buffer): void {
    const message = this.require(id);
    this.index(message, false);
    message.raw = raw;
    message.facts = readFacts(raw);
    this.index(message, true);
  }

  newDraftId(): string {
    return this.deps.draftIds.nextId();
  }

  private record(message: StoredMessage, change: Partial<Pick<HistoryRecord, 'added' | 'deleted' | 'labelsAdded' | 'labelsRemoved'>>): void {
    const record = { added: false, deleted: false, labelsAdded: [], labelsRemoved: [], ...change };
    message.historyId = this.history.append({
      ...record,
      atMs: this.deps.now(),
      message: { id: message.id, threadId: message.threadId },
      labelIds: [...message.labelIds],
    });
    this.deps.onChange([...message.labelIds, ...record.labelsAdded, ...record.labelsRemoved]);
  }

  private index(message: StoredMessage, add: boolean): void {
    const keys: [Map<string, Set<string>>, string | null][] = [
      [this.byThread, message.threadId],
      [this.byRfcId, message.facts.messageId],
    ];
    for (const [map, key] of keys) {
      if (key === null) continue;
      const set = map.get(key) ?? new Set<string>();
      if (add) set.add(message.id);
      else set.delete(message.id);
      if (set.size > 0) map.set(key, set);
      else map.delete(key);
    }
  }

  private noteLabels(labelIds: string[]): void {
    for (const label of labelIds) {
      if (!(SYSTEM_LABELS as readonly string[]).includes(label)) this.userLabels.add(label);
    }
  }
}

/** Hex ids of equal length compare as strings; shorter ones are smaller. */
export function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
