/**
 * What keeps mail and secrets out of the logs, whatever a caller passes: fields whose name
 * says they hold a secret or mail content are replaced, token-like text inside strings is
 * masked, long strings are cut, and errors become their name, message and status.
 */

export const REDACTED = '[redacted]';

/** Field names that hold a credential or mail content, at any depth. */
const SECRET_OR_CONTENT_KEY =
  /token|secret|password|passwd|authorization|cookie|credential|sealed|^(body|bodies|html|htmlbody|text|raw|mime|content|excerpt|snippet|payload|subject)$/i;

/** Token-like text within a string: bearer tokens, OAuth parameters, Google tokens, JWTs, URL passwords. */
const TOKEN_PATTERNS: [RegExp, string][] = [
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/\b(access_token|refresh_token|id_token|client_secret|code_verifier|code|token|password|secret|key)=([^&\s"']+)/gi, `$1=${REDACTED}`],
  [/\bya29\.[A-Za-z0-9._-]+/g, REDACTED],
  [/\b1\/\/[A-Za-z0-9_-]{20,}/g, REDACTED],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, REDACTED],
  [/\b([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@/\s]+@/gi, `$1:${REDACTED}@`],
];

const MAX_STRING = 500;
const MAX_DEPTH = 4;
const MAX_KEYS = 30;

/** `text` with token-like parts masked and cut to a few hundred characters. */
export function scrubText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of TOKEN_PATTERNS) out = out.replace(pattern, replacement);
  return out.length > MAX_STRING ? `${out.slice(0, MAX_STRING)}…` : out;
}

/**
 * An error as it may be logged: its class, its message (scrubbed), a status or code when
 * it has one, and the same for its causes. Never the request, response or headers a
 * client library attaches to its errors.
 */
export function describeError(err: unknown, depth = 0): Record<string, unknown> {
  if (!(err instanceof Error)) return { message: scrubText(String(err)) };
  const out: Record<string, unknown> = { type: err.name, message: scrubText(err.message) };
  const fields = err as Error & { status?: unknown; statusCode?: unknown; code?: unknown; reason?: unknown; provider?: unknown };
  for (const key of ['status', 'statusCode', 'code', 'reason', 'provider'] as const) {
    const value = fields[key];
    if (typeof value === 'number' || (typeof value === 'string' && value.length <= 64)) out[key] = typeof value === 'string' ? scrubText(value) : value;
  }
  if (err.cause !== undefined && depth < 2) out.cause = describeError(err.cause, depth + 1);
  return out;
}

/** A copy of a log record's fields that is safe to write (see the module comment). */
export function safeFields(value: unknown, depth = 0): unknown {
  if (value instanceof Error) return describeError(value);
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  if (depth >= MAX_DEPTH) return '[…]';
  if (Array.isArray(value)) return value.slice(0, MAX_KEYS).map((item) => safeFields(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value).slice(0, MAX_KEYS)) {
    out[key] = SECRET_OR_CONTENT_KEY.test(key) ? REDACTED : safeFields(item, depth + 1);
  }
  return out;
}

/**
 * The top-level figures of a job's data or result: numbers, booleans and short strings
 * (ids, states), arrays as their length (`refsCount`); nested objects are left out.
 */
export function summaryOf(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object') return {};
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value).slice(0, MAX_KEYS)) {
    if (SECRET_OR_CONTENT_KEY.test(key)) continue;
    if (typeof item === 'number' || typeof item === 'boolean') out[key] = item;
    else if (typeof item === 'string' && item.length <= 100) out[key] = scrubText(item);
    else if (Array.isArray(item)) out[`${key}Count`] = item.length;
  }
  return out;
}
