/**
 * Recognises mail sent to many people by a list or a machine: not a conversation, so its
 * recipients are not contacts.
 */
import type { BulkHeaders } from '../core/types.ts';

/** Precedence values that mark list or mass mail (RFC 2076); `first-class` and others do not. */
const BULK_PRECEDENCE = new Set(['bulk', 'list', 'junk']);

/**
 * Tells whether a message is bulk mail: it has a List-Id or List-Unsubscribe header, a
 * Precedence of bulk, list or junk, or an Auto-Submitted value other than `no` (RFC 3834:
 * auto-replies, vacation notices, bounces and other generated mail).
 */
export function isBulkMail(b: BulkHeaders): boolean {
  if (present(b.listId) || present(b.listUnsubscribe)) return true;
  const precedence = firstWord(b.precedence);
  if (precedence !== null && BULK_PRECEDENCE.has(precedence)) return true;
  const autoSubmitted = firstWord(b.autoSubmitted);
  return autoSubmitted !== null && autoSubmitted !== 'no';
}

/** Some producers write a header with an empty value; that says nothing. */
function present(value: string | null): boolean {
  return value !== null && value.trim() !== '';
}

/** The keyword of a header value, without a comment or parameters: `auto-generated (failure)`. */
function firstWord(value: string | null): string | null {
  const word = value?.trim().toLowerCase().split(/[\s;(]/, 1)[0];
  return word ? word : null;
}
