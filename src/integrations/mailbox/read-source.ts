/**
 * Turns a {@link SourceRef} back into the bytes of one message or calendar file. Everything
 * stays a Buffer: charsets are the parser's business, so no byte is decoded here.
 */
import { InvalidInputError } from '../../core/errors.ts';
import type { SourceRef } from '../../core/types.ts';
import { readRange } from './read-range.ts';

const NEWLINE = 0x0a;
const CR = 0x0d;
const QUOTE = 0x3e; // '>'
const FROM = Buffer.from('From ', 'latin1');

/**
 * Returns the bytes of one message (RFC 822) or calendar file. `raw` and `ics` refs are
 * returned as they are on disk; `mbox` refs lose their "From " separator line and the blank
 * line mbox puts after each message, and quoted "From " lines are un-escaped.
 *
 * @throws InvalidInputError when the file changed since it was scanned; fs errors as thrown.
 */
export async function readSource(ref: SourceRef): Promise<Buffer> {
  return frameSource(ref, await readRange(ref.path, ref.start, ref.end));
}

// A batch from one mbox is one stretch of the file: read it at once, up to this size.
const MAX_SPAN_BYTES = 32 * 1024 * 1024;

/**
 * Reads several refs, each as {@link readSource} would, opening each file once for a run
 * of refs that lie close together in it (a batch of mbox messages). A ref that cannot be
 * read gives its Error in its place; the others are unaffected.
 */
export async function readSources(refs: readonly SourceRef[]): Promise<(Buffer | Error)[]> {
  const out: (Buffer | Error)[] = [];
  for (let i = 0; i < refs.length; ) {
    let j = i + 1;
    while (j < refs.length && refs[j]!.path === refs[i]!.path) j += 1;
    out.push(...(await readRun(refs.slice(i, j))));
    i = j;
  }
  return out;
}

async function readRun(run: readonly SourceRef[]): Promise<(Buffer | Error)[]> {
  const start = Math.min(...run.map((r) => r.start));
  const end = Math.max(...run.map((r) => r.end));
  const wanted = run.reduce((sum, r) => sum + (r.end - r.start), 0);
  if (run.length > 1 && end - start <= MAX_SPAN_BYTES && wanted * 2 >= end - start) {
    try {
      const span = await readRange(run[0]!.path, start, end);
      return run.map((r) => attempt(() => frameSource(r, span.subarray(r.start - start, r.end - start))));
    } catch {
      // Fall through: reading one by one says which refs are at fault.
    }
  }
  const out: (Buffer | Error)[] = [];
  for (const r of run) out.push(await readSource(r).catch((err: unknown) => asError(err)));
  return out;
}

function attempt(read: () => Buffer): Buffer | Error {
  try {
    return read();
  } catch (err) {
    return asError(err);
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** Applies a ref's framing to its bytes: mbox separators and quoting are undone. */
function frameSource(ref: SourceRef, bytes: Buffer): Buffer {
  if (ref.format !== 'mbox') return bytes;
  if (!bytes.subarray(0, FROM.length).equals(FROM)) {
    throw new InvalidInputError(
      `no "From " line at byte ${ref.start} (did the file change since the scan?)`,
    );
  }
  return unescapeFromLines(dropTrailingBlankLine(dropFirstLine(bytes)));
}

/** The bytes after the first line (the mbox separator); empty when there is no second line. */
function dropFirstLine(bytes: Buffer): Buffer {
  const newline = bytes.indexOf(NEWLINE);
  return newline === -1 ? bytes.subarray(bytes.length) : bytes.subarray(newline + 1);
}

/**
 * Drops the one line break that mbox writers add after each message, but only when the
 * message really ends in a blank line: a writer that did not add one must not cost the
 * message its own last line break.
 */
export function dropTrailingBlankLine(bytes: Buffer): Buffer {
  const n = bytes.length;
  if (n >= 2 && bytes[n - 1] === NEWLINE && bytes[n - 2] === NEWLINE) return bytes.subarray(0, n - 1);
  const crlfBlank = n >= 4 && bytes[n - 1] === NEWLINE && bytes[n - 2] === CR &&
    bytes[n - 3] === NEWLINE && bytes[n - 4] === CR;
  return crlfBlank ? bytes.subarray(0, n - 2) : bytes;
}

/**
 * Removes one ">" from every line matching `^>+From ` (mboxrd un-escaping, which is also
 * the right reading of mboxo's ">From "). Returns the input itself when no line is quoted.
 */
export function unescapeFromLines(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let copiedUpTo = 0;
  let lineStart = 0;
  while (lineStart < bytes.length) {
    if (isQuotedFrom(bytes, lineStart)) {
      parts.push(bytes.subarray(copiedUpTo, lineStart));
      copiedUpTo = lineStart + 1; // skip exactly one '>'
    }
    const newline = bytes.indexOf(NEWLINE, lineStart);
    if (newline === -1) break;
    lineStart = newline + 1;
  }
  if (parts.length === 0) return bytes;
  parts.push(bytes.subarray(copiedUpTo));
  return Buffer.concat(parts);
}

function isQuotedFrom(bytes: Buffer, lineStart: number): boolean {
  let i = lineStart;
  while (bytes[i] === QUOTE) i++;
  if (i === lineStart || i + FROM.length > bytes.length) return false;
  return bytes.compare(FROM, 0, FROM.length, i, i + FROM.length) === 0;
}
