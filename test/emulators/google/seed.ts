/**
 * Seeding a mailbox from a folder: .eml files, extension-less RFC 822 files, maildirs,
 * mbox files, and .ics calendars. Threads are rebuilt from In-Reply-To/References/
 * Message-ID, then from the normalised subject; mail from the owner goes to SENT, the
 * rest to INBOX; internalDate is the Date: header.
 */
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Mailbox } from './gmail-store.ts';
import { readFacts, type MessageFacts } from './message-facts.ts';
import { normalizeSubject } from './outgoing.ts';

export interface SeedFolder {
  messages: Buffer[];
  calendars: string[];
}

/** Reads every message and calendar under `dir`, in a stable (sorted) order. */
export async function readSeedFolder(dir: string): Promise<SeedFolder> {
  const found: SeedFolder = { messages: [], calendars: [] };
  await walk(dir, found, false);
  return found;
}

async function walk(dir: string, found: SeedFolder, inMaildirPart: boolean): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const isMaildir = entries.some((e) => e.isDirectory() && (e.name === 'cur' || e.name === 'new'));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    // Maildir++ subfolders are dot-folders; other dotfiles and maildir tmp/ are skipped.
    if (entry.name.startsWith('.') && !(isMaildir && entry.isDirectory())) continue;
    if (entry.isDirectory()) {
      if (!(isMaildir && entry.name === 'tmp')) await walk(path, found, isMaildir && (entry.name === 'cur' || entry.name === 'new'));
    } else if (entry.isFile()) {
      await readOne(path, found, inMaildirPart);
    }
  }
}

async function readOne(path: string, found: SeedFolder, inMaildirPart: boolean): Promise<void> {
  const ext = extname(path).toLowerCase();
  if (ext === '.ics') {
    found.calendars.push(await readFile(path, 'utf8'));
    return;
  }
  const messageLike = inMaildirPart || ext === '.eml' || ext === '' || ext === '.' || ext === '.mbox' || ext === '.mbx';
  if (!messageLike) return;
  const bytes = await readFile(path);
  if (bytes.subarray(0, 5).toString('latin1') === 'From ') found.messages.push(...splitMbox(bytes));
  else if (looksLikeMail(bytes)) found.messages.push(bytes);
}

/** Splits an mbox at its "From " lines and undoes ">From " quoting. */
export function splitMbox(bytes: Buffer): Buffer[] {
  const text = bytes.toString('latin1');
  return text
    .split(/\r?\n(?=From )/)
    .map((chunk) => chunk.replace(/^From [^\n]*\n/, '').replace(/^>(>*From )/gm, '$1'))
    .filter((chunk) => chunk.trim() !== '')
    .map((chunk) => Buffer.from(chunk, 'latin1'));
}

function looksLikeMail(bytes: Buffer): boolean {
  return /^[!-9;-~]+:/.test(bytes.subarray(0, 200).toString('latin1'));
}

/** The address that sent the most messages (the mailbox owner, usually), or null. */
export function mostFrequentSender(messages: Buffer[]): string | null {
  const counts = new Map<string, number>();
  for (const raw of messages) {
    const from = readFacts(raw).fromAddress;
    if (from) counts.set(from, (counts.get(from) ?? 0) + 1);
  }
  let best: string | null = null;
  for (const [address, count] of counts) if (best === null || count > (counts.get(best) ?? 0)) best = address;
  return best;
}

/** Adds the messages to the mailbox, oldest first, threaded; returns how many were added. */
export function seedMessages(mailbox: Mailbox, messages: Buffer[], nowMs: number): number {
  const items = messages
    .map((raw) => ({ raw, facts: readFacts(raw) }))
    .map((item) => ({ ...item, dateMs: item.facts.date?.getTime() ?? nowMs }))
    .sort((a, b) => a.dateMs - b.dateMs);
  const groups = groupThreads(mailbox, items.map((i) => i.facts));
  const threadOfGroup = new Map<number, string>();
  for (const [i, item] of items.entries()) {
    const group = groups.groupOf(i);
    const threadId = threadOfGroup.get(group) ?? groups.existingThread(group);
    const label = item.facts.fromAddress === mailbox.email ? 'SENT' : 'INBOX';
    const message = mailbox.insert({ raw: item.raw, labelIds: [label], internalDate: item.dateMs, ...(threadId ? { threadId } : {}) });
    threadOfGroup.set(group, message.threadId);
  }
  return items.length;
}

/**
 * Groups messages (in date order) into threads with union-find: first by Message-ID links
 * among them and to mail already in the box, then messages without any link join the
 * thread of an earlier message with the same normalised subject.
 */
function groupThreads(mailbox: Mailbox, facts: MessageFacts[]) {
  const groups = new UnionFind(facts.length);
  const existing = new Map<number, string>();
  const linked = linkByHeaders(mailbox, facts, groups, existing);
  const bySubject = new Map<string, number>();
  const oldBySubject = new Map(mailbox.all().map((m) => [normalizeSubject(m.facts.subject), m.threadId]));
  facts.forEach((f, i) => {
    const subject = normalizeSubject(f.subject);
    if (subject === '') return;
    const earlier = bySubject.get(subject);
    const old = oldBySubject.get(subject);
    if (!linked.has(i) && earlier !== undefined) groups.union(i, earlier);
    else if (!linked.has(i) && old) existing.set(i, old);
    if (earlier === undefined) bySubject.set(subject, i);
  });
  const existingByGroup = new Map<number, string>();
  for (const [i, threadId] of existing) if (!existingByGroup.has(groups.find(i))) existingByGroup.set(groups.find(i), threadId);
  return { groupOf: (i: number) => groups.find(i), existingThread: (group: number) => existingByGroup.get(group) };
}

/** Joins messages linked by Message-ID/In-Reply-To/References; returns which ones had a link. */
function linkByHeaders(mailbox: Mailbox, facts: MessageFacts[], groups: UnionFind, existing: Map<number, string>): Set<number> {
  const byMessageId = new Map<string, number>();
  facts.forEach((f, i) => {
    const seen = f.messageId ? byMessageId.get(f.messageId) : undefined;
    if (seen !== undefined) groups.union(i, seen);
    else if (f.messageId) byMessageId.set(f.messageId, i);
  });
  const linked = new Set<number>();
  facts.forEach((f, i) => {
    for (const id of f.parentIds) {
      const j = byMessageId.get(id);
      if (j !== undefined) {
        groups.union(i, j);
        linked.add(i).add(j);
      }
    }
    for (const id of [...f.parentIds, ...(f.messageId ? [f.messageId] : [])]) {
      const old = mailbox.withMessageId(id)[0];
      if (old) {
        existing.set(i, old.threadId);
        linked.add(i);
      }
    }
  });
  return linked;
}

class UnionFind {
  private readonly parent: number[];

  constructor(size: number) {
    this.parent = Array.from({ length: size }, (_v, i) => i);
  }

  find(i: number): number {
    const p = this.parent[i] as number;
    if (p === i) return i;
    const root = this.find(p);
    this.parent[i] = root;
    return root;
  }

  /** The smaller index (the older message) stays the root. */
  union(a: number, b: number): void {
    const [ra, rb] = [this.find(a), this.find(b)];
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}
