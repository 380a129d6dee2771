/**
 * Finds the messages of an mbox file without loading it: the file is read in fixed-size
 * chunks and only separator offsets are kept, so a 2 GB mbox costs one chunk of memory.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { InvalidInputError } from '../../core/errors.ts';
import type { SourceRef } from '../../core/types.ts';
import { DEFAULT_CHUNK_SIZE } from './read-range.ts';

const NEWLINE = 0x0a;
/** A separator is "From " at the start of a line; CRLF lines end in "\n" too. */
const SEPARATOR = Buffer.from('\nFrom ', 'latin1');
/** Bytes kept from one chunk to the next so a separator split across them is still found. */
const CARRY = SEPARATOR.length - 1;

/** A slice of the file as seen by the separator search: `bytes[0]` is at file offset `start`. */
interface Window {
  bytes: Buffer;
  start: number;
  /** Index in `bytes` of the first byte not seen in an earlier window. */
  fresh: number;
}

/**
 * Yields one {@link SourceRef} (format `mbox`) per message of an mbox file, in file order.
 * `start` is the offset of the message's "From " separator line and `end` the offset of the
 * next separator (or the end of the file). Blank lines before the first separator are allowed.
 *
 * @param chunkSize bytes read at a time; only tests need to change it.
 * @throws InvalidInputError when the file does not start (after blank lines) with "From ".
 */
export async function* scanMbox(
  path: string,
  chunkSize: number = DEFAULT_CHUNK_SIZE,
): AsyncGenerator<SourceRef> {
  if (!Number.isInteger(chunkSize) || chunkSize < SEPARATOR.length) {
    throw new RangeError(`chunkSize must be an integer of at least ${SEPARATOR.length}`);
  }
  const handle = await open(path, 'r');
  try {
    let start: number | null = null;
    let firstContent: number | null = null;
    let index = 0;
    let size = 0;
    for await (const window of windows(handle, chunkSize)) {
      if (start === null) firstContent ??= firstNonBlank(window);
      for (const offset of separatorsIn(window)) {
        // The first separator must be the first thing in the file but blank lines.
        if (start === null && offset !== firstContent) throw notAnMbox();
        if (start !== null) yield { path, format: 'mbox', start, end: offset, index: index++ };
        start = offset;
      }
      size = window.start + window.bytes.length;
      // Once "From ".length bytes past the first content are seen, a separator there would
      // have been found: give up after one chunk of a large file that is not an mbox.
      if (start === null && firstContent !== null && size >= firstContent + CARRY) {
        throw notAnMbox();
      }
    }
    if (start !== null) yield { path, format: 'mbox', start, end: size, index };
    else if (firstContent !== null) throw notAnMbox();
  } finally {
    await handle.close();
  }
}

/**
 * Reads the file chunk by chunk, each window prefixed with the last bytes of the one before.
 * The file is treated as if preceded by "\n", so a separator at offset 0 needs no special case.
 * The same buffer is reused: a window is only valid until the next one is requested.
 */
async function* windows(handle: FileHandle, chunkSize: number): AsyncGenerator<Window> {
  const buffer = Buffer.alloc(CARRY + chunkSize);
  buffer[0] = NEWLINE;
  let carried = 1;
  let position = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, carried, chunkSize, position);
    if (bytesRead === 0) return;
    const length = carried + bytesRead;
    yield { bytes: buffer.subarray(0, length), start: position - carried, fresh: carried };
    position += bytesRead;
    const keep = Math.min(CARRY, length);
    buffer.copyWithin(0, length - keep, length);
    carried = keep;
  }
}

/** File offsets of the separator lines that end inside this window. */
function separatorsIn(window: Window): number[] {
  const offsets: number[] = [];
  let at = window.bytes.indexOf(SEPARATOR);
  while (at !== -1) {
    offsets.push(window.start + at + 1);
    at = window.bytes.indexOf(SEPARATOR, at + 1);
  }
  return offsets;
}

/** File offset of the first byte of the window's new part that is not blank, or null. */
function firstNonBlank(window: Window): number | null {
  const { bytes } = window;
  for (let i = window.fresh; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d && byte !== NEWLINE) return window.start + i;
  }
  return null;
}

function notAnMbox(): InvalidInputError {
  return new InvalidInputError(`not an mbox file (it does not start with a "From " line)`);
}
