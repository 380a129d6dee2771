/**
 * A template file that cannot be compiled or rendered. Names the file and, when Handlebars
 * knows it, the line, so a user fixing an override knows where to look.
 */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(
    /** Path of the template file (or of the overrides folder when that is the problem). */
    readonly file: string,
    /** 1-based line in `file`, or null when the error has no position. */
    readonly line: number | null,
    /** What is wrong, without the location. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}${line === null ? '' : `:${line}`}: ${reason}`, options);
  }
}

/**
 * Turns what Handlebars threw into a {@link TemplateError} for `file`. Handlebars puts the
 * position on `lineNumber` (compiler and runtime errors) or only in the text (parser errors).
 */
export function toTemplateError(error: unknown, file: string): TemplateError {
  if (error instanceof TemplateError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const lineNumber = (error as { lineNumber?: unknown } | null)?.lineNumber;
  const parsed = /Parse error on line (\d+):/.exec(message);
  const line = typeof lineNumber === 'number' ? lineNumber : parsed ? Number(parsed[1]) : null;
  return new TemplateError(file, line, cleanReason(message), { cause: error });
}

// Handlebars appends " - line:column" and the parser lists every token it would accept;
// the location is already in the TemplateError and the token list helps nobody.
function cleanReason(message: string): string {
  return message
    .replace(/ - \d+:\d+$/, '')
    .replace(/^Parse error on line \d+:\n/, 'syntax error:\n')
    .replace(/\nExpecting .*, got ('[^']*')$/s, '\nunexpected $1')
    .trim();
}
