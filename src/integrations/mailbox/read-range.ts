/**
 * Positional reads of a file: a byte range or the first bytes. Every caller of this module
 * reads a bounded number of bytes, so memory never depends on the size of the file.
 */
import { open } from 'node:fs/promises';
import { InvalidInputError } from '../../core/errors.ts';

/** Chunk size for streaming reads: large enough for few system calls, small enough for RAM. */
export const DEFAULT_CHUNK_SIZE = 1024 * 1024;

/** The first bytes of a file and the file's size at the time they were read. */
export interface FileHead {
  head: Buffer;
  size: number;
}

/**
 * Reads bytes `[start, end)` of a file.
 *
 * @throws InvalidInputError when the file is shorter than `end` (it changed since it was scanned).
 */
export async function readRange(path: string, start: number, end: number): Promise<Buffer> {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new InvalidInputError(`invalid byte range ${start}–${end}`);
  }
  const handle = await open(path, 'r');
  try {
    const out = Buffer.alloc(end - start);
    let filled = 0;
    // A read may return fewer bytes than asked for, so loop until the range is full.
    while (filled < out.length) {
      const { bytesRead } = await handle.read(out, filled, out.length - filled, start + filled);
      if (bytesRead === 0) {
        throw new InvalidInputError(
          `file ends at byte ${start + filled}, expected ${end} (did it change since the scan?)`,
        );
      }
      filled += bytesRead;
    }
    return out;
  } finally {
    await handle.close();
  }
}

/** Reads at most `maxBytes` from the start of a file, with the file's size. */
export async function readHead(path: string, maxBytes: number): Promise<FileHead> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(maxBytes, size));
    let filled = 0;
    while (filled < head.length) {
      const { bytesRead } = await handle.read(head, filled, head.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return { head: head.subarray(0, filled), size };
  } finally {
    await handle.close();
  }
}
