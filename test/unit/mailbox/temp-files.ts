/**
 * Throw-away folders for mailbox tests: every fixture is written by the test itself, under
 * the OS temp folder, and removed when the test file is done.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/** Makes a fresh folder under the OS temp folder, removed after the calling test file. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-mailbox-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `content` at `relative` under `dir`, creating folders, and returns the full path. */
export function writeFile(dir: string, relative: string, content: string | Buffer): string {
  const full = path.join(dir, relative);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, content);
  return full;
}

/**
 * Writes messages as an mboxrd file would: a "From " line before each, `>` added to every
 * `^>*From ` line, a blank line after each. `eol` is the line break of the separator lines.
 */
export function toMboxrd(messages: Buffer[], eol = '\n'): Buffer {
  const parts: Buffer[] = [];
  messages.forEach((message, i) => {
    parts.push(Buffer.from(`From sender${i}@example.com Mon Jan  1 00:00:0${i} 2024${eol}`, 'latin1'));
    const escaped = message.toString('latin1').replace(/^(>*From )/gm, '>$1');
    parts.push(Buffer.from(escaped, 'latin1'), Buffer.from(eol, 'latin1'));
  });
  return Buffer.concat(parts);
}

/** Collects an async generator into an array. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
