import type { Config } from '../config/load-config.ts';
import { openApp } from '../main.ts';
import { mergeContacts } from '../store/contact-merge.ts';
import { findContact, type ContactSummary } from '../store/contact-queries.ts';

/**
 * `rapport merge CONTACT OTHER`: the same person under two contacts (a work and a personal
 * address, a new job) becomes one; OTHER's addresses and log join CONTACT. Running it again
 * finds one contact and changes nothing.
 */
export async function mergeCommand(config: Config, keptQuery: string, otherQuery: string): Promise<void> {
  const app = await openApp(config);
  try {
    const kept = await findContact(app.db, keptQuery);
    const other = await findContact(app.db, otherQuery);
    if (kept.id === other.id) {
      process.stdout.write(`${describe(kept)} is already one contact: nothing to merge.\n`);
      return;
    }
    const result = await mergeContacts(app.db, kept.id, other.id);
    const now = await findContact(app.db, String(result.kept));
    process.stdout.write(
      `Merged ${describe(other)} into ${describe(now)}: ${result.addresses} addresses, ${result.interactions} interactions.\n`,
    );
  } finally {
    await app.close();
  }
}

function describe(c: ContactSummary): string {
  return `${c.name ?? `contact ${c.id}`} <${c.addresses.join(', ')}>`;
}
