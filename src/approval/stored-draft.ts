import { InvalidInputError } from '../core/errors.ts';
import type { DraftRecord } from '../store/draft-repository.ts';
import { draftFieldsFromJson, TemplateError, type DraftFields, type DraftRenderer, type RenderResult } from '../templates/index.ts';

/**
 * The merge fields a draft was rendered from, while its text is still exactly what they
 * render to: nobody has edited it, and its template has not changed since. Null
 * otherwise, and for a draft written by hand; rapport then leaves its text to the user.
 */
export function fieldsOfUntouchedDraft(renderer: DraftRenderer, draft: DraftRecord): DraftFields | null {
  const fields = draftFieldsFromJson(draft.fields);
  if (!fields) return null;
  const again = renderIfValid(renderer, draft, fields);
  return again && again.draft.subject === draft.subject && again.draft.text === draft.body ? fields : null;
}

/** The draft rendered from `fields`, or null when its template is broken or the fields are not valid. */
export function renderIfValid(renderer: DraftRenderer, draft: DraftRecord, fields: DraftFields): RenderResult | null {
  try {
    return renderer.render(draft.kind, fields);
  } catch (err) {
    if (err instanceof TemplateError || err instanceof InvalidInputError) return null;
    throw err;
  }
}
