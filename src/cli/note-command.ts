import type { Config } from '../config/load-config.ts';
import { InvalidInputError } from '../core/errors.ts';
import { formatLocalTime, parseLocalTime } from '../http/local-time.ts';
import { openApp } from '../main.ts';
import { findContact } from '../store/contact-queries.ts';
import { addNote, checkedNote, noteKeyOf } from '../store/note-repository.ts';

/**
 * `rapport note CONTACT TEXT [--at TIME]`: write what was discussed into a contact's log
 * (a call, a meeting, a chat at a fair that left no mail). The same note twice is kept once.
 */
export async function noteCommand(config: Config, query: string, text: string, options: { at?: string; now?: Date }): Promise<void> {
  const zone = config.user.timeZone;
  const now = options.now ?? new Date();
  const at = options.at === undefined ? now : parseLocalTime(options.at, zone);
  if (!at) {
    throw new InvalidInputError(`--at takes an ISO 8601 time (2026-03-06T09:00:00Z) or "YYYY-MM-DD HH:MM" in your time zone (${zone}); got "${options.at}".`);
  }
  const app = await openApp(config);
  try {
    const contact = await findContact(app.db, query);
    const note = checkedNote({ contactId: contact.id, text, at, key: noteKeyOf(contact.id, at, text) }, now);
    const added = await addNote(app.db, note);
    const who = contact.name ?? contact.addresses[0] ?? `contact ${contact.id}`;
    const when = `${formatLocalTime(at, zone)} (${zone})`;
    process.stdout.write(added ? `${who}: note added at ${when}.\n` : `${who}: that note is in the log already (${when}).\n`);
  } finally {
    await app.close();
  }
}
