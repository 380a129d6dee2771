import { InvalidInputError } from '../core/errors.ts';
import type { DraftRecord } from '../store/draft-repository.ts';
import { PLACEHOLDER_LABELS } from '../templates/index.ts';

/** A missing merge field in words ("what you took from the conversation"), as its placeholder names it. */
export function missingFieldLabel(path: string): string {
  return (PLACEHOLDER_LABELS as Readonly<Record<string, string>>)[path]
    ?? path.replace(/\./g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/**
 * Refuses an edit of a draft that waited for input while its text still holds one of the
 * "[…]" placeholders of what was missing: saving makes the draft approvable, and a
 * contact must never receive "[contact first name]".
 *
 * @throws InvalidInputError naming the placeholders left.
 */
export function requirePlaceholdersFilled(draft: DraftRecord, edit: { subject: string; body: string }): void {
  const left = draft.missingFields
    .map((path) => `[${missingFieldLabel(path)}]`)
    .filter((placeholder) => edit.subject.includes(placeholder) || edit.body.includes(placeholder));
  if (left.length > 0) {
    throw new InvalidInputError(`Replace ${left.join(' and ')} with your own words first; nothing was saved.`);
  }
}
