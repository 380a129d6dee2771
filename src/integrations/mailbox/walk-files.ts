/**
 * Lists the files under a folder in a fixed order, so two scans of the same export find
 * the same messages in the same order (and make the same import jobs).
 */
import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SourceFailure } from '../../core/types.ts';

/** A file to classify, or a folder or link that could not be followed. */
export type WalkItem = { file: string } | { failure: SourceFailure };

/**
 * Yields every regular file under `dir`, depth first, entries sorted by name (by UTF-16
 * code unit, not locale, so the order does not depend on the machine).
 *
 * Skipped: dotfiles and dot-folders (`.DS_Store`, `.git`); sockets and FIFOs, which would
 * block a read; maildir `tmp/` folders, which hold messages still being delivered, possibly
 * half-written. A folder is a maildir when it has `cur/` or `new/`; its dot-folders are
 * Maildir++ subfolders (`.Sent`, `.Archive`) and are read, since sent mail matters most here.
 * Symbolic links are followed, each folder at most once, so a link loop ends.
 */
export async function* walkFiles(dir: string, seen = new Set<string>()): AsyncGenerator<WalkItem> {
  let entries: Dirent[];
  try {
    const real = await realpath(dir);
    if (seen.has(real)) return;
    seen.add(real);
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    yield { failure: { path: dir, position: 0, reason: reasonOf(err) } };
    return;
  }
  const maildir = entries.some((e) => e.name === 'cur' || e.name === 'new');
  for (const entry of entries.sort(byName)) {
    if (!wanted(entry, maildir)) continue;
    const path = join(dir, entry.name);
    let kind: 'file' | 'folder' | 'other';
    try {
      kind = await kindOf(entry, path);
    } catch (err) {
      yield { failure: { path, position: 0, reason: reasonOf(err) } };
      continue;
    }
    if (kind === 'folder') yield* walkFiles(path, seen);
    else if (kind === 'file') yield { file: path };
  }
}

function wanted(entry: Dirent, inMaildir: boolean): boolean {
  if (inMaildir && entry.name === 'tmp') return false;
  if (!entry.name.startsWith('.')) return true;
  // Maildir++ keeps subfolders as dot-folders (`.Sent/cur/…`); dotfiles stay out.
  return inMaildir && !entry.isFile();
}

/** What an entry is, following a symbolic link (which throws when the link is broken). */
async function kindOf(entry: Dirent, path: string): Promise<'file' | 'folder' | 'other'> {
  const target = entry.isSymbolicLink() ? await stat(path) : entry;
  if (target.isDirectory()) return 'folder';
  return target.isFile() ? 'file' : 'other';
}

function byName(a: Dirent, b: Dirent): number {
  if (a.name === b.name) return 0;
  return a.name < b.name ? -1 : 1;
}

/** The OS's own words for an fs error (`ENOENT: no such file or directory, …`). */
export function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
