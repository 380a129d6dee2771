/**
 * Normalises Message-ID, In-Reply-To and References values so threads can be joined on
 * them. Message-IDs compare case-sensitively in practice, so case is kept.
 */

/**
 * Normalises one Message-ID: the text inside its angle brackets (the first pair, if a
 * comment follows), with whitespace removed (folding can split long ids).
 *
 * Ids without `@` are kept: some producers emit them, and they still match each other.
 *
 * @returns the id, or null when nothing is left.
 */
export function normalizeMessageId(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const text = withoutComments(unescapeHtml(raw));
  const bracketed = /<([^<>]*)>/.exec(text);
  const id = (bracketed ? (bracketed[1] ?? '') : text.replace(/[<>]/g, '')).replace(/\s+/g, '');
  return id === '' ? null : id;
}

/**
 * Parses References or In-Reply-To into ids, in order, without repeats. Takes the header
 * text (`<a@x> <b@y>`, `<a@x>, <b@y>`) or the array mailparser splits it into.
 *
 * When the value has `<id>` tokens only those count: old clients wrote prose around them
 * ("<id@host> (message from John Doe on Tue...)"). Without brackets, a single token is
 * taken as an id, and among several only those with `@`, for the same reason.
 */
export function parseMessageIdList(raw: string | string[] | null | undefined): string[] {
  const values = raw === null || raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const ids = values.flatMap(idsOf);
  return [...new Set(ids)];
}

function idsOf(value: string): string[] {
  const text = withoutComments(unescapeHtml(value));
  const bracketed = [...text.matchAll(/<([^<>]*)>/g)].map((m) => m[1] ?? '');
  if (bracketed.length > 0) return bracketed.map(normalizeMessageId).filter((id) => id !== null);
  const tokens = text.split(/[\s,]+/).filter((t) => t !== '');
  const candidates = tokens.length === 1 ? tokens : tokens.filter((t) => t.includes('@'));
  return candidates.map(normalizeMessageId).filter((id) => id !== null);
}

/** Some archives store headers HTML-escaped: `&lt;id@host&gt;`. */
function unescapeHtml(text: string): string {
  return text.replace(/&lt;/gi, '<').replace(/&gt;/gi, '>');
}

/**
 * Drops `(comments)` outside `<id>` tokens. They hold prose that can look like ids
 * ("(message from John Doe <john@x.example>)"), never ids.
 */
function withoutComments(text: string): string {
  return text.replace(/(<[^<>]*>)|\([^()]*\)/g, (_match, id: string | undefined) => id ?? ' ');
}
