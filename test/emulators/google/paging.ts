/**
 * Opaque page tokens for Gmail's newest-first lists. A token names the last item returned
 * (its time and id), so the next page starts after it even if mail arrived in between.
 */
import { badRequest } from './errors.ts';
import { compareIds } from './gmail-store.ts';

export interface Position {
  sortMs: number;
  id: string;
}

/** Newest first; equal times by id, higher first. */
export function newestFirst(a: Position, b: Position): number {
  return b.sortMs - a.sortMs || compareIds(b.id, a.id);
}

export function pageNewestFirst<T>(
  sorted: T[],
  positionOf: (item: T) => Position,
  pageToken: string | null,
  maxResults: number,
): { page: T[]; nextPageToken: string | null } {
  let start = 0;
  if (pageToken) {
    const cursor = decode(pageToken);
    start = sorted.findIndex((item) => newestFirst(positionOf(item), cursor) > 0);
    if (start === -1) start = sorted.length;
  }
  const page = sorted.slice(start, start + maxResults);
  const last = page[page.length - 1];
  const more = start + page.length < sorted.length && last !== undefined;
  return { page, nextPageToken: more ? encode(positionOf(last)) : null };
}

function encode(position: Position): string {
  return Buffer.from(`p:${position.sortMs}:${position.id}`).toString('base64url');
}

function decode(token: string): Position {
  const m = /^p:(-?\d+):([\w-]+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw badRequest('Invalid pageToken');
  return { sortMs: Number(m[1]), id: m[2] ?? '' };
}
