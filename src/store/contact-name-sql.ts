/**
 * The name a contact goes by, as SQL to put in any query: the one the user gave them
 * (`contact.chosen_name`), else the display name most used in their mail, ties going to
 * the longer (fuller) name, then alphabetical, so it does not depend on import order.
 * SQL text rather than a database function, which PostgreSQL would run row by row
 * (three times slower over a contact list) instead of planning it into the query.
 * The aliases are rare words so that `contact` may name a column of an outer alias.
 */

/** The display name most used in the mail of the contact whose id is the SQL expression `contact`. */
export const mailNameOf = (contact: string): string =>
  `(select name_seen.name from contact_name name_seen where name_seen.contact_id = ${contact}
    order by name_seen.seen_count desc, length(name_seen.name) desc, name_seen.name limit 1)`;

/** The name the contact whose id is the SQL expression `contact` goes by. */
export const displayNameOf = (contact: string): string =>
  `coalesce((select name_chosen.chosen_name from contact name_chosen where name_chosen.id = ${contact}), ${mailNameOf(contact)})`;
