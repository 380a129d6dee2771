/**
 * Turns the paths a user gave into a stream of message references. Only offsets travel:
 * the bytes are read later, one message at a time, by `readSource`.
 */
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { SourceFailure, SourceRef } from '../../core/types.ts';
import { classifyFile, SNIFF_BYTES } from './classify-file.ts';
import { readHead, type FileHead } from './read-range.ts';
import { scanMbox } from './scan-mbox.ts';
import { reasonOf, walkFiles } from './walk-files.ts';

/** One thing found by {@link scanExport}: a message (or calendar file) to read, or a problem. */
export type ScanItem = { ref: SourceRef } | { failure: SourceFailure };

/**
 * Finds every message and calendar file under the given paths, in a deterministic order.
 * Folders are walked recursively (see `walkFiles` for what is skipped); each file is
 * classified from its first bytes: iCalendar → one `ics` ref, mbox → one `mbox` ref per
 * message, RFC 822 headers → one `raw` ref, files that are clearly not mail by name →
 * nothing, anything else → a failure with the reason.
 *
 * Never throws for a bad path or file: unreadable, empty or unrecognised files become
 * `{ failure }` items and the scan goes on.
 */
export async function* scanExport(paths: string[]): AsyncGenerator<ScanItem> {
  for (const path of paths) yield* scanPath(path);
}

async function* scanPath(path: string): AsyncGenerator<ScanItem> {
  let info: Stats;
  try {
    info = await stat(path);
  } catch (err) {
    yield failure(path, 0, reasonOf(err));
    return;
  }
  if (info.isDirectory()) {
    for await (const item of walkFiles(path)) {
      if ('failure' in item) yield item;
      else yield* scanFile(item.file);
    }
  } else if (info.isFile()) {
    yield* scanFile(path);
  } else {
    yield failure(path, 0, 'not a regular file or folder');
  }
}

async function* scanFile(path: string): AsyncGenerator<ScanItem> {
  let file: FileHead;
  try {
    file = await readHead(path, SNIFF_BYTES);
  } catch (err) {
    yield failure(path, 0, reasonOf(err));
    return;
  }
  const kind = classifyFile(path, file);
  switch (kind.kind) {
    case 'ics':
    case 'raw':
      yield { ref: { path, format: kind.kind, start: 0, end: file.size, index: 0 } };
      return;
    case 'mbox':
      yield* scanMboxFile(path);
      return;
    case 'failure':
      yield failure(path, 0, kind.reason);
      return;
    case 'skip':
      return;
  }
}

/** The messages of an mbox; a read error ends the file with a failure at the next ordinal. */
async function* scanMboxFile(path: string): AsyncGenerator<ScanItem> {
  let next = 0;
  try {
    for await (const ref of scanMbox(path)) {
      yield { ref };
      next = ref.index + 1;
    }
  } catch (err) {
    yield failure(path, next, reasonOf(err));
  }
}

function failure(path: string, position: number, reason: string): ScanItem {
  return { failure: { path, position, reason } };
}
