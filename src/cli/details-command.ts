import type { Config } from '../config/load-config.ts';
import { redraftRenamedContact } from '../approval/redraft-renamed.ts';
import { openApp } from '../main.ts';
import { changesSomething, checkedDetails, nameFromMail, setContactDetails } from '../store/contact-details.ts';
import { findContact } from '../store/contact-queries.ts';
import { rendererForConfig } from '../templates/index.ts';

/**
 * `rapport details CONTACT [--name N] [--title T] [--source S]`: the name drafts greet
 * them by, their job title and how the user got their name. Without options it shows
 * them; `--name ""` goes back to the name in their mail, `--title ""` clears the title,
 * `--source ""` goes back to what rapport noted. Setting the same again changes nothing.
 * Waiting drafts that name them, and that the user has not edited, are written again.
 */
export async function detailsCommand(config: Config, query: string, options: { name?: string; title?: string; source?: string }): Promise<void> {
  const app = await openApp(config);
  try {
    const contact = await findContact(app.db, query);
    const change = checkedDetails(options);
    let redrafted = 0;
    if (changesSomething(change)) {
      await setContactDetails(app.db, contact.id, change);
      redrafted = await redraftRenamedContact({ db: app.db, renderer: rendererForConfig(config) }, contact.id);
    }
    const now = await findContact(app.db, String(contact.id));
    const [row] = await app.db.query<{ title: string | null; source: string | null }>(
      'select title, coalesce(chosen_source, how_we_met) as source from contact where id = $1', [contact.id]);
    const fromMail = await nameFromMail(app.db, contact.id);
    const lines = [
      `Contact ${contact.id} <${contact.addresses.join(', ')}>`,
      `  name:  ${now?.name ?? '(none)'}${fromMail && fromMail !== now?.name ? ` (their mail says “${fromMail}”)` : ''}`,
      `  title: ${row?.title ?? '(none)'}`,
    ];
    // Shown once known, so the output stays two lines for a contact with nothing noted.
    if (row?.source) lines.push(`  source: ${row.source} (how you got their name)`);
    if (redrafted > 0) lines.push(`${redrafted === 1 ? '1 waiting draft' : `${redrafted} waiting drafts`} written again with them.`);
    process.stdout.write(lines.join('\n') + '\n');
  } finally {
    await app.close();
  }
}
