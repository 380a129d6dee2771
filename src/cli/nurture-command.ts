import type { Config } from '../config/load-config.ts';
import { openApp } from '../main.ts';
import { findContact } from '../store/contact-queries.ts';
import { setNurture } from '../store/planner-contact-queries.ts';

/**
 * `rapport nurture CONTACT [--off]`: keep in touch with someone. A nurtured contact gets a
 * check-in draft after `drafts.checkInDays` without contact (planned by `rapport start`).
 */
export async function nurtureCommand(config: Config, query: string, on: boolean): Promise<void> {
  const app = await openApp(config);
  try {
    const contact = await findContact(app.db, query);
    await setNurture(app.db, contact.id, on);
    const who = contact.name ?? contact.addresses[0] ?? `contact ${contact.id}`;
    process.stdout.write(
      on
        ? `${who}: rapport will draft a check-in after ${config.drafts.checkInDays} days without contact.\n`
        : `${who}: no more check-ins.\n`,
    );
  } finally {
    await app.close();
  }
}
