import { InvalidInputError, NotFoundError } from '../core/errors.ts';
import { mailNameOf } from './contact-name-sql.ts';
import type { Queryable } from './database.ts';

/** Long enough for any real name or job title, short enough to stay a line. */
export const MAX_DETAIL_CHARS = 200;

/**
 * What the user corrects about a contact: the name drafts greet them by and pages show
 * (an empty one goes back to the name in their mail), their job title (empty: none), and
 * how they got their name, which outreach drafts mention (empty: what rapport noted).
 * A field left undefined stays as it is.
 */
export interface ContactDetails {
  name?: string | null;
  title?: string | null;
  source?: string | null;
}

/** How each field is named in an error: the subject of "… holds up to" and of "… holds a control character". */
const LABELS: Record<keyof ContactDetails, { some: string; the: string }> = {
  name: { some: 'A name', the: 'The name' },
  title: { some: 'A title', the: 'The title' },
  source: { some: '“How you got their name”', the: '“How you got their name”' },
};

/** The details as stored: one line each, trimmed, empty as null; a control character or an overlong value is refused. */
export function checkedDetails(input: { name?: string; title?: string; source?: string }): ContactDetails {
  const field = (key: keyof ContactDetails): string | null | undefined => {
    const value = input[key];
    if (value === undefined) return undefined;
    const text = value.replace(/\s+/g, ' ').trim();
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(text)) throw new InvalidInputError(`${LABELS[key].the} holds a control character; type it again.`);
    if (text.length > MAX_DETAIL_CHARS) throw new InvalidInputError(`${LABELS[key].some} holds up to ${MAX_DETAIL_CHARS} characters; this one has ${text.length}.`);
    return text || null;
  };
  return { name: field('name'), title: field('title'), source: field('source') };
}

/** Whether `details` changes anything at all. */
export function changesSomething(details: ContactDetails): boolean {
  return details.name !== undefined || details.title !== undefined || details.source !== undefined;
}

/** Sets the given details of a contact; setting them again changes nothing. */
export async function setContactDetails(db: Queryable, contactId: number, details: ContactDetails): Promise<void> {
  const rows = await db.query<{ id: number }>(
    `update contact set
       chosen_name = case when $2 then $3 else chosen_name end,
       title = case when $4 then $5 else title end,
       chosen_source = case when $6 then $7 else chosen_source end
     where id = $1 returning id`,
    [
      contactId, details.name !== undefined, details.name ?? null, details.title !== undefined, details.title ?? null,
      details.source !== undefined, details.source ?? null,
    ],
  );
  if (rows.length === 0) throw new NotFoundError('contact', String(contactId));
}

/** The name their mail gives them, whatever the user chose: what an empty name goes back to. */
export async function nameFromMail(db: Queryable, contactId: number): Promise<string | null> {
  const [row] = await db.query<{ name: string | null }>(`select ${mailNameOf('$1::int')} as name`, [contactId]);
  return row?.name ?? null;
}
