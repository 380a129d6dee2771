import { InvalidInputError, NotFoundError } from '../core/errors.ts';
import { mailNameOf } from './contact-name-sql.ts';
import type { Queryable } from './database.ts';

/** Long enough for any real name or job title, short enough to stay a line. */
export const MAX_DETAIL_CHARS = 200;

/**
 * What the user corrects about a contact: the name drafts greet them by and pages show
 * (an empty one goes back to the name in their mail), and their job title (empty: none).
 * A field left undefined stays as it is.
 */
export interface ContactDetails {
  name?: string | null;
  title?: string | null;
}

/** The details as stored: one line each, trimmed, empty as null; a control character or an overlong value is refused. */
export function checkedDetails(input: { name?: string; title?: string }): ContactDetails {
  const field = (label: string, value: string | undefined): string | null | undefined => {
    if (value === undefined) return undefined;
    const text = value.replace(/\s+/g, ' ').trim();
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(text)) throw new InvalidInputError(`The ${label} holds a control character; type it again.`);
    if (text.length > MAX_DETAIL_CHARS) throw new InvalidInputError(`A ${label} holds up to ${MAX_DETAIL_CHARS} characters; this one has ${text.length}.`);
    return text || null;
  };
  return { name: field('name', input.name), title: field('title', input.title) };
}

/** Sets the given details of a contact; setting them again changes nothing. */
export async function setContactDetails(db: Queryable, contactId: number, details: ContactDetails): Promise<void> {
  const rows = await db.query<{ id: number }>(
    `update contact set
       chosen_name = case when $2 then $3 else chosen_name end,
       title = case when $4 then $5 else title end
     where id = $1 returning id`,
    [contactId, details.name !== undefined, details.name ?? null, details.title !== undefined, details.title ?? null],
  );
  if (rows.length === 0) throw new NotFoundError('contact', String(contactId));
}

/** The name their mail gives them, whatever the user chose: what an empty name goes back to. */
export async function nameFromMail(db: Queryable, contactId: number): Promise<string | null> {
  const [row] = await db.query<{ name: string | null }>(`select ${mailNameOf('$1::int')} as name`, [contactId]);
  return row?.name ?? null;
}
