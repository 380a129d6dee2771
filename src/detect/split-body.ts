/**
 * Splits a plain-text body into what its sender wrote and what they quoted or forwarded,
 * so detection judges the new text and uses the quoted part only as context.
 */
export interface BodyParts {
  /** What the sender wrote, without signature. */
  newText: string;
  /** Quoted history or forwarded material below (or interleaved with) the new text. */
  quoted: string;
  /** True when the quoted part is a forward rather than a reply's history. */
  isForward: boolean;
}

// Lines that open a quoted or forwarded block in the mail clients our users' mail comes from.
const FORWARD_MARKERS = [
  /^-{2,}\s*Forwarded by .*-*$/i, // Lotus Notes
  /^-{2,}\s*Forwarded message\s*-{2,}/i, // Gmail
  /^Begin forwarded message:/i, // Apple Mail
  /^-{2,}\s*Original Message\s*-{2,}/i, // Outlook (also used for forwards)
];
const REPLY_MARKERS = [
  /^(On|At|Am|Le|El) .{4,160}(wrote|writes|schrieb|a écrit|escribió)\s*:\s*$/i, // Gmail, Apple, Eudora…
  /^.{1,120}\b(wrote|writes)\s*:\s*$/i, // "Jane Doe wrote:"
  /^>?\s*-{2,}\s*(Original|Forwarded) Message\s*-{2,}/i,
  /^_{10,}\s*$/, // Outlook's rule above "From: … Sent: …"
  /^From:\s.+\s(on|sent)\s.*\d{1,2}:\d{2}/i, // Notes "From: X on 04/25/2001 10:15 AM"
  /^.{1,120}\son \d{1,2}\/\d{1,2}\/\d{2,4},? \d{1,2}:\d{2}(:\d{2})?\s?(AM|PM)?\s*$/i, // Notes header line
  /^\S.{0,80}@\S+\s*$/, // Notes "Name@ECT" line (confirmed by the next line: a date)
];
const SIGNATURE_MARKER = /^--\s*$/;
// A rule of stars or equals signs under the text sets off a signature block.
const SIGNATURE_RULE = /^\s*[*=~]{5,}\s*$/;
// Notes exports put an empty "Please respond to" header in front of the first line of text.
const NOTES_RESPOND_TO = /^Please respond to\s+(?=\S)/;

/** Splits `text` at the first quote or forward marker; `>` lines count as quoted too. */
export function splitBody(text: string): BodyParts {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const cut = firstMarker(lines);
  const head = cut === null ? lines : lines.slice(0, cut.index);
  const tail = cut === null ? [] : lines.slice(cut.index);
  const own = head.filter((l) => !/^\s*>/.test(l));
  const inlineQuotes = head.filter((l) => /^\s*>/.test(l)).map((l) => l.replace(/^\s*>+ ?/, ''));
  return {
    newText: withoutSignature(own).join('\n').trim().replace(NOTES_RESPOND_TO, ''),
    quoted: [...inlineQuotes, ...tail].join('\n').trim(),
    isForward: cut?.isForward ?? false,
  };
}

function firstMarker(lines: string[]): { index: number; isForward: boolean } | null {
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!.trim();
    if (!line) continue;
    if (FORWARD_MARKERS.some((re) => re.test(line))) {
      return { index: i, isForward: !/Original Message/i.test(line) || looksForwarded(lines, i) };
    }
    if (REPLY_MARKERS.slice(0, -1).some((re) => re.test(line))) return { index: i, isForward: false };
    if (isNotesHeader(lines, i) || isWrappedNotesHeader(lines, i)) return { index: i, isForward: false };
  }
  return null;
}

/**
 * Notes puts the quoted sender on one line ("Vince J Kaminski" or "Name@ECT"), the date on
 * the next, and a "To:" line soon after.
 */
function isNotesHeader(lines: string[], i: number): boolean {
  if (!DATE_LINE.test(lines[i + 1] ?? '')) return false;
  const line = lines[i]!.trim();
  if (line.split(/\s+/).length > 6) return false;
  return REPLY_MARKERS.at(-1)!.test(line) || lines.slice(i + 2, i + 5).some((l) => /^\s*To:/i.test(l));
}

/** A long Notes header line wraps before its date: "Jane Doe <jane@…> on" / "01/22/2001 03:41 PM". */
function isWrappedNotesHeader(lines: string[], i: number): boolean {
  return /\bon\s*$/.test(lines[i]!) && /@/.test(lines[i]!) && /^\s*\d{1,2}\/\d{1,2}\/\d{2,4}\s+\d{1,2}:\d{2}/.test(lines[i + 1] ?? '');
}

function looksForwarded(lines: string[], from: number): boolean {
  return lines.slice(from, from + 6).some((l) => /^Subject:\s*(fw|fwd)\b/i.test(l.trim()));
}

function withoutSignature(lines: string[]): string[] {
  const at = lines.findIndex((l, i) => SIGNATURE_MARKER.test(l) || (i > 0 && SIGNATURE_RULE.test(l)));
  return at === -1 ? lines : lines.slice(0, at);
}

// The answered message is at the top of the quoted part; what lies further down is older.
const ANSWERED_CHARS = 2_000;
// Header lines a client writes above a quoted or forwarded message.
const QUOTE_HEADER = /^\s*((from|to|cc|bcc|sent|date|subject|importance)\s*:.*|please respond to.*|\S.{0,80}@\S*|-+\s*(original|forwarded) message\s*-+|-+\s*forwarded by .*|.{0,160}\b(wrote|writes)\s*:|.{1,120}\son \d{1,2}\/\d{1,2}\/\d{2,4}.*|\d{1,2}\/\d{1,2}\/\d{2,4}\s+\d{1,2}:\d{2}.*|[-_ ]*)\s*$/i;

// A Notes header wraps its time onto the next line ("02:20 PM ------"); its sender stands
// alone above the date line.
const WRAPPED_HEADER = /^\s*(\d{1,2}:\d{2}(:\d{2})?\s*(AM|PM)?\s*)?-{5,}\s*$/i;
const DATE_LINE = /^\s*\d{1,2}\/\d{1,2}\/\d{2,4}\s+\d{1,2}:\d{2}/;

function isHeaderLine(lines: string[], i: number): boolean {
  const line = lines[i]!;
  if (QUOTE_HEADER.test(line) || WRAPPED_HEADER.test(line)) return true;
  return line.trim().split(/\s+/).length <= 6 && DATE_LINE.test(lines[i + 1] ?? '');
}

/**
 * What the message at the top of a quoted part says: its header lines dropped, up to where
 * it quotes something older. The answered message is the context a reply is judged in.
 */
export function answeredText(quoted: string): string {
  const lines = quoted.slice(0, ANSWERED_CHARS).split('\n');
  let start = 0;
  while (start < lines.length && start < 12 && isHeaderLine(lines, start)) start += 1;
  return unwrapped(splitBody(lines.slice(start).join('\n')).newText);
}

// A line this long that runs on was wrapped by the mail client, and so was a shorter one
// that stops mid-sentence; a greeting, a list item or a sign-off ends where it was ended.
const WRAPPED_LINE_CHARS = 50;
const MID_SENTENCE_LINE_CHARS = 25;

function isWrapped(line: string): boolean {
  return line.length >= WRAPPED_LINE_CHARS || (line.length >= MID_SENTENCE_LINE_CHARS && !/[.!?:;,]$/.test(line));
}

/** Joins lines a client wrapped, so a phrase split over two lines still reads as one. */
export function unwrapped(text: string): string {
  const lines = text.split('\n').map((l) => l.replace(/[ \t]+/g, ' ').trim());
  let out = lines[0] ?? '';
  for (let i = 1; i < lines.length; i += 1) {
    const previous = lines[i - 1]!;
    out += lines[i] && isWrapped(previous) ? ' ' : '\n';
    out += lines[i];
  }
  return out;
}

