/**
 * One user's mailbox: folders (well-known ones plus any created), messages with a REST id
 * that changes on every move and an immutable id that does not, conversations, and a
 * version per message that delta snapshots compare.
 */
import { readFacts, type MessageFacts } from '../google/message-facts.ts';
import { itemNotFound } from './errors.ts';

export const WELL_KNOWN = ['inbox', 'drafts', 'sentitems', 'deleteditems', 'archive', 'junkemail'] as const;
const DISPLAY: Record<string, string> = {
  inbox: 'Inbox', drafts: 'Drafts', sentitems: 'Sent Items', deleteditems: 'Deleted Items', archive: 'Archive', junkemail: 'Junk Email',
};

export interface Folder {
  /** The key messages refer to: a well-known name, or the id of a created folder. */
  key: string;
  id: string;
  displayName: string;
}

export interface StoredMessage {
  immutableId: string;
  restId: string;
  folder: string;
  raw: Buffer;
  facts: MessageFacts;
  internetMessageId: string | null;
  conversationId: string;
  receivedMs: number;
  sentMs: number | null;
  createdMs: number;
  modifiedMs: number;
  isDraft: boolean;
  isRead: boolean;
  version: number;
}

export type MailChange = 'created' | 'updated' | 'deleted';

export interface MailDeps {
  now: () => number;
  nextId: (kind: 'rest' | 'immutable' | 'conversation') => string;
  onChange: (change: MailChange, message: StoredMessage, folder: string) => void;
}

export class MailStore {
  readonly folders = new Map<string, Folder>();
  private readonly messages = new Map<string, StoredMessage>();
  private readonly byRestId = new Map<string, string>();

  constructor(
    readonly email: string,
    private readonly deps: MailDeps,
  ) {
    for (const key of WELL_KNOWN) {
      this.folders.set(key, { key, id: `AQMkAGEmuFolder${Buffer.from(`${email}/${key}`).toString('base64url')}`, displayName: DISPLAY[key] ?? key });
    }
  }

  /** A folder by well-known name or id; throws 404. */
  folder(idOrName: string): Folder {
    const byName = this.folders.get(idOrName.toLowerCase());
    if (byName) return byName;
    for (const folder of this.folders.values()) if (folder.id === idOrName) return folder;
    throw itemNotFound();
  }

  all(): StoredMessage[] {
    return [...this.messages.values()];
  }

  inFolder(key: string): StoredMessage[] {
    return this.all().filter((m) => m.folder === key);
  }

  /** By REST or immutable id; throws 404. */
  get(id: string): StoredMessage {
    const message = this.find(id);
    if (!message) throw itemNotFound();
    return message;
  }

  find(id: string): StoredMessage | undefined {
    return this.messages.get(this.byRestId.get(id) ?? id);
  }

  withInternetMessageId(id: string): StoredMessage | undefined {
    return this.all().find((m) => m.internetMessageId === id);
  }

  insert(input: { raw: Buffer; folder: string; receivedMs: number; isDraft?: boolean; isRead?: boolean; conversationId?: string; sentMs?: number | null }): StoredMessage {
    const facts = readFacts(input.raw);
    const now = this.deps.now();
    const message: StoredMessage = {
      immutableId: this.deps.nextId('immutable'),
      restId: this.deps.nextId('rest'),
      folder: this.folder(input.folder).key,
      raw: input.raw,
      facts,
      internetMessageId: facts.messageId ? `<${facts.messageId}>` : null,
      conversationId: input.conversationId ?? this.conversationFor(facts),
      receivedMs: input.receivedMs,
      sentMs: input.sentMs === undefined ? (facts.date?.getTime() ?? input.receivedMs) : input.sentMs,
      createdMs: now,
      modifiedMs: now,
      isDraft: input.isDraft ?? false,
      isRead: input.isRead ?? false,
      version: 1,
    };
    this.messages.set(message.immutableId, message);
    this.byRestId.set(message.restId, message.immutableId);
    this.deps.onChange('created', message, message.folder);
    return message;
  }

  /** Replaces the MIME (a draft edit); threading ids and the internetMessageId stay. */
  replaceRaw(message: StoredMessage, raw: Buffer): void {
    message.raw = raw;
    message.facts = readFacts(raw);
    this.touch(message);
  }

  touch(message: StoredMessage): void {
    message.version += 1;
    message.modifiedMs = this.deps.now();
    this.deps.onChange('updated', message, message.folder);
  }

  /** Moves to another folder under a new REST id. */
  move(message: StoredMessage, folder: string): StoredMessage {
    const target = this.folder(folder).key;
    const from = message.folder;
    this.deps.onChange('deleted', message, from);
    this.byRestId.delete(message.restId);
    message.restId = this.deps.nextId('rest');
    this.byRestId.set(message.restId, message.immutableId);
    message.folder = target;
    message.version += 1;
    message.modifiedMs = this.deps.now();
    this.deps.onChange('created', message, target);
    return message;
  }

  remove(message: StoredMessage): void {
    this.messages.delete(message.immutableId);
    this.byRestId.delete(message.restId);
    this.deps.onChange('deleted', message, message.folder);
  }

  /** The conversation of a message it answers (In-Reply-To / References), else a new one. */
  private conversationFor(facts: MessageFacts): string {
    for (const parentId of [...facts.parentIds].reverse()) {
      const parent = this.withInternetMessageId(`<${parentId}>`);
      if (parent) return parent.conversationId;
    }
    if (facts.messageId) {
      const twin = this.withInternetMessageId(`<${facts.messageId}>`);
      if (twin) return twin.conversationId;
    }
    return this.deps.nextId('conversation');
  }
}
