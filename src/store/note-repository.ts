import { createHash } from 'node:crypto';
import { InvalidInputError } from '../core/errors.ts';
import type { Queryable } from './database.ts';
import { upsertInteractions } from './interaction-repository.ts';

/** A note is what was said at a meeting or a call, not a document. */
export const MAX_NOTE_CHARS = 4_000;
/** Clocks differ a little; a note "from the future" by more than this is a typo. */
const FUTURE_SLACK_MS = 5 * 60_000;

/** A note the user writes in a contact's log: what was discussed, when. */
export interface NewNote {
  contactId: number;
  text: string;
  at: Date;
  /**
   * Names the note, so the same submission twice adds it once: a form's nonce, or
   * {@link noteKeyOf} for a command.
   */
  key: string;
}

/**
 * The note's text as the log keeps it: line breaks as `\n`, no blank edges. Empty or
 * overlong text, or a time still to come, is refused with what to do.
 */
export function checkedNote(note: NewNote, now: Date): NewNote {
  const text = note.text.replace(/\r\n?/g, '\n').trim();
  if (!text) throw new InvalidInputError('Write what was discussed: the note is empty.');
  if (text.length > MAX_NOTE_CHARS) {
    throw new InvalidInputError(`A note holds up to ${MAX_NOTE_CHARS} characters; this one has ${text.length}. Shorten it or split it in two.`);
  }
  if (note.at.getTime() > now.getTime() + FUTURE_SLACK_MS) {
    throw new InvalidInputError('A note records what already happened: give a time that has passed.');
  }
  if (!/^[\w:.-]{8,100}$/.test(note.key)) throw new InvalidInputError('The note form is out of date: reload the page and write it again.');
  return { ...note, text };
}

/** A key that names a note by its contact, minute and words: running a command twice adds one note. */
export function noteKeyOf(contactId: number, at: Date, text: string): string {
  const minute = at.toISOString().slice(0, 16);
  return createHash('sha256').update(`${contactId}\n${minute}\n${text.replace(/\r\n?/g, '\n').trim()}`).digest('hex').slice(0, 32);
}

/** Adds a checked note to the contact's log; false when that note is there already. */
export async function addNote(db: Queryable, note: NewNote): Promise<boolean> {
  const added = await upsertInteractions(db, [{
    contactId: note.contactId, kind: 'note', occurredAt: note.at, messageId: null, meetingId: null,
    summary: note.text, sourceKey: `note:${note.key}`,
  }]);
  return added.size > 0;
}
