import { toSingleLine } from './plain-text.ts';

/** Longest subject rapport writes, in user-perceived characters; mail clients show ~60–80. */
export const MAX_SUBJECT_LENGTH = 120;

// Bidirectional embeddings, overrides and isolates can make a header display as something
// other than what it says; a subject never needs them.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
// "Re:", "RE[2]:", "Re: Re:", and the German, Scandinavian and Dutch forms clients add.
const REPLY_PREFIXES = /^(?:(?:re|aw|sv|antw)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*)+/i;

/** A value safe inside a header: one line, no control characters, whitespace collapsed. */
export function toHeaderText(value: string): string {
  return toSingleLine(value.replace(BIDI_CONTROLS, ''));
}

/** `subject` as a reply's subject: exactly one "Re: " in front, whatever it had before. */
export function toReplySubject(subject: string): string {
  return `Re: ${toHeaderText(subject).replace(REPLY_PREFIXES, '')}`;
}

/**
 * The final subject header: header-safe, with a reply prefix reduced to one "Re: ", and cut at
 * a word boundary when longer than {@link MAX_SUBJECT_LENGTH}.
 */
export function toSubjectHeader(rendered: string): string {
  const text = toHeaderText(rendered);
  const subject = REPLY_PREFIXES.test(text) ? toReplySubject(text) : text;
  return truncate(subject, MAX_SUBJECT_LENGTH);
}

function truncate(text: string, maxLength: number): string {
  // Count graphemes, so a cut never splits an accented letter, an emoji or a surrogate pair.
  const graphemes = [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);
  if (graphemes.length <= maxLength) return text;
  const head = graphemes.slice(0, maxLength - 1).join('');
  const lastSpace = head.lastIndexOf(' ');
  const cut = lastSpace > head.length * 0.6 ? head.slice(0, lastSpace) : head;
  return `${cut.replace(/[\s,;:.–-]+$/, '')}…`;
}
