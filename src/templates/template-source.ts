import { TemplateError } from './template-error.ts';

/**
 * A draft template file is: optional Handlebars comments (`{{!-- … --}}`) and blank lines,
 * then one line `Subject: <subject template>`, then the body template. Mail-like, so a user
 * writing an override reads it at a glance.
 */
export interface DraftSource {
  /** The subject template, padded so that Handlebars reports the file's own line numbers. */
  subject: string;
  /** The body template, padded the same way; renders with leading blank lines to trim. */
  body: string;
}

const SUBJECT_LINE = /^Subject:(.*)$/i;

export function splitDraftSource(source: string, file: string): DraftSource {
  const lines = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  let at = 0;
  while (at < lines.length) {
    const text = lines[at]!.trim();
    if (text === '') at += 1;
    else if (text.startsWith('{{!')) at = lineAfterComment(lines, at, file);
    else break;
  }
  const subject = SUBJECT_LINE.exec(lines[at] ?? '');
  if (!subject) {
    throw new TemplateError(file, at < lines.length ? at + 1 : null, 'expected a "Subject: …" line before the body');
  }
  return {
    subject: '\n'.repeat(at) + ' '.repeat('Subject:'.length) + subject[1],
    body: '\n'.repeat(at + 1) + lines.slice(at + 1).join('\n'),
  };
}

/** Index of the first line after the comment opening on line `start`. */
function lineAfterComment(lines: string[], start: number, file: string): number {
  const opening = lines[start]!;
  const isLong = opening.trimStart().startsWith('{{!--');
  const closer = isLong ? '--}}' : '}}';
  const from = opening.indexOf('{{!') + (isLong ? 5 : 3);
  for (let i = start; i < lines.length; i += 1) {
    const end = lines[i]!.indexOf(closer, i === start ? from : 0);
    if (end === -1) continue;
    if (lines[i]!.slice(end + closer.length).trim() !== '') {
      throw new TemplateError(file, i + 1, 'put the "Subject:" line on a line of its own, after the comment');
    }
    return i + 1;
  }
  throw new TemplateError(file, start + 1, `comment is not closed with "${closer}"`);
}
