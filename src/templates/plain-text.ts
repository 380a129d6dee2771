/**
 * Clean-up of plain text: merge-field values on the way in, rendered bodies on the way out.
 * Mail text is not HTML, so nothing here escapes; it only removes what no letter contains.
 */

// Control characters other than tab and newline: NUL, ESC, BEL, DEL, the C1 range…
const CONTROL_EXCEPT_TAB_NEWLINE = /(?![\t\n])\p{Cc}/gu;

/** A value meant for one line (a name, a title): no control characters, no line breaks. */
export function toSingleLine(value: string): string {
  return value.replace(/\p{Cc}/gu, ' ').replace(/\s+/g, ' ').trim();
}

/** A value that may hold paragraphs (a takeaway, a signature): newlines kept, controls gone. */
export function toMultiLine(value: string): string {
  return tidyLines(value).trim();
}

/** A rendered body: clean line ends, no trailing spaces, at most one blank line in a row. */
export function tidyBody(text: string): string {
  return tidyLines(text).replace(/\n{3,}/g, '\n\n').trim();
}

function tidyLines(text: string): string {
  return text
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(CONTROL_EXCEPT_TAB_NEWLINE, '')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}
