import { InvalidInputError, NotFoundError } from '../core/errors.ts';
import type { Queryable } from '../store/database.ts';
import { getDraft, rewriteUnchangedDraft, type DraftRecord } from '../store/draft-repository.ts';
import { PLACEHOLDER_LABELS, type DraftFields, type DraftRenderer, type RequiredFieldPath } from '../templates/index.ts';
import { fieldsOfUntouchedDraft, renderIfValid } from './stored-draft.ts';

/** What the user gives for a draft's missing fields: words, and for `meeting.start` a time. */
export type FillValues = { [P in RequiredFieldPath]?: P extends 'meeting.start' ? Date : string };

/** Fields the template uses as paragraphs of their own; the rest are read inside a sentence. */
const PARAGRAPH_FIELDS: ReadonlySet<RequiredFieldPath> = new Set(['takeaway', 'update']);
export const MAX_FILL_LINE_CHARS = 200;
export const MAX_FILL_PARAGRAPH_CHARS = 2000;

export interface FillDeps {
  db: Queryable;
  renderer: DraftRenderer;
}

/**
 * Fills in what a `needs_input` draft was waiting for (the takeaway of a thank-you, the
 * news of a check-in, a first name) and renders it again from its template, so the words
 * land where the placeholders were. Once nothing is missing the draft is ready to approve;
 * otherwise it waits for the rest. Fields the draft does not lack are ignored.
 *
 * @throws InvalidInputError when the draft needs nothing, has been edited by hand (replace
 *   the placeholders in its text then), nothing usable was given, or a value is too long.
 */
export async function fillDraft(deps: FillDeps, id: number, values: FillValues): Promise<DraftRecord> {
  const draft = await getDraft(deps.db, id);
  if (!draft) throw new NotFoundError('draft', String(id));
  if (draft.status !== 'needs_input') throw new InvalidInputError(`Draft ${id} is ${draft.status}: it needs nothing filled in.`);
  const fields = fieldsOfUntouchedDraft(deps.renderer, draft);
  if (!fields) {
    throw new InvalidInputError(`Draft ${id} is no longer the text rapport wrote, so it cannot be filled in: replace the [bracketed] placeholders in its text instead.`);
  }
  const given = checkedValues(values, draft.missingFields);
  if (given.length === 0) {
    throw new InvalidInputError(`Nothing was filled in: give ${(draft.missingFields as RequiredFieldPath[]).map(labelOf).join(' or ')}.`);
  }
  const next = given.reduce((f, [path, value]) => withValue(f, path, value), fields);
  const after = renderIfValid(deps.renderer, draft, next);
  if (!after) throw new InvalidInputError(`Draft ${id} could not be written with that; replace the [bracketed] placeholders in its text instead.`);
  const rewritten = await rewriteUnchangedDraft(deps.db, id, { subject: draft.subject, body: draft.body }, {
    subject: after.draft.subject,
    body: after.draft.text,
    html: after.draft.html,
    missingFields: after.status === 'needs_input' ? after.missing : [],
    fields: { ...next },
    toName: draft.toName,
    reason: draft.reason,
  }, { byUser: true });
  if (!rewritten) throw new InvalidInputError(`Draft ${id} changed while you were filling it in, so nothing was saved; look at it again.`);
  return rewritten;
}

/** The missing fields among `values`, cleaned: one line for names, paragraphs for the rest. */
function checkedValues(values: FillValues, missing: readonly string[]): [RequiredFieldPath, string | Date][] {
  const out: [RequiredFieldPath, string | Date][] = [];
  for (const path of missing as RequiredFieldPath[]) {
    const value = values[path];
    if (value instanceof Date) {
      if (Number.isNaN(value.getTime())) throw new InvalidInputError(`Give ${labelOf(path)} as a date and time.`);
      out.push([path, value]);
      continue;
    }
    if (typeof value !== 'string') continue;
    const text = PARAGRAPH_FIELDS.has(path) ? paragraphText(value) : value.replace(/\s+/g, ' ').trim();
    if (!text) continue;
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)) throw new InvalidInputError(`${capitalised(labelOf(path))} holds a control character; type it again.`);
    const max = PARAGRAPH_FIELDS.has(path) ? MAX_FILL_PARAGRAPH_CHARS : MAX_FILL_LINE_CHARS;
    if (text.length > max) throw new InvalidInputError(`${capitalised(labelOf(path))} holds up to ${max} characters; this has ${text.length}.`);
    out.push([path, text]);
  }
  return out;
}

function paragraphText(value: string): string {
  return value.replace(/\r\n?/g, '\n').split('\n').map((line) => line.trimEnd()).join('\n').trim();
}

function withValue(fields: DraftFields, path: RequiredFieldPath, value: string | Date): DraftFields {
  const text = typeof value === 'string' ? value : null;
  switch (path) {
    case 'user.name': return { ...fields, user: { ...fields.user, name: text } };
    case 'user.fieldOfInterest': return { ...fields, user: { ...fields.user, fieldOfInterest: text } };
    case 'contact.firstName': return { ...fields, contact: { ...fields.contact, firstName: text } };
    case 'contact.source': return { ...fields, contact: { ...fields.contact, source: text } };
    case 'referrer.name': return { ...fields, referrer: { ...fields.referrer, name: text } };
    case 'meeting.start': return { ...fields, meeting: { ...fields.meeting, start: value instanceof Date ? value : null } };
    case 'takeaway': return { ...fields, takeaway: text };
    case 'update': return { ...fields, update: text };
  }
}

function labelOf(path: RequiredFieldPath): string {
  return PLACEHOLDER_LABELS[path];
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
