/** What a note must be before it goes into the log, and how a command names one. */
import { describe, expect, it } from 'vitest';
import { checkedNote, MAX_NOTE_CHARS, noteKeyOf } from '../../../src/store/note-repository.ts';

const NOW = new Date('2026-03-09T12:00:00Z');
const note = (text: string, at = NOW, key = 'form-key-1234') => ({ contactId: 7, text, at, key });

describe('a note', () => {
  it('keeps the words with plain line breaks and no blank edges', () => {
    expect(checkedNote(note('\r\n  Talked about the desk.\r\nNext: Sam.  \n'), NOW).text).toBe('Talked about the desk.\nNext: Sam.');
  });

  it('refuses one too long to be a note, saying how long it may be', () => {
    expect(() => checkedNote(note('x'.repeat(MAX_NOTE_CHARS + 1)), NOW)).toThrow(`up to ${MAX_NOTE_CHARS} characters; this one has ${MAX_NOTE_CHARS + 1}`);
    expect(checkedNote(note('x'.repeat(MAX_NOTE_CHARS)), NOW).text).toHaveLength(MAX_NOTE_CHARS);
  });

  it('allows a clock a few minutes ahead, not a time to come', () => {
    expect(checkedNote(note('Lunch', new Date(NOW.getTime() + 60_000)), NOW).at.getTime()).toBe(NOW.getTime() + 60_000);
    expect(() => checkedNote(note('Lunch', new Date(NOW.getTime() + 3_600_000)), NOW)).toThrow('already happened');
  });

  it('refuses a key no form of rapport sent', () => {
    expect(() => checkedNote(note('Lunch', NOW, ''), NOW)).toThrow('reload the page');
    expect(() => checkedNote(note('Lunch', NOW, 'a b<c>d efgh'), NOW)).toThrow('reload the page');
  });

  it('is named by contact, minute and words when a command writes it', () => {
    const key = noteKeyOf(7, NOW, 'Lunch');
    expect(noteKeyOf(7, new Date(NOW.getTime() + 30_000), ' Lunch\r\n')).toBe(key);
    expect(noteKeyOf(7, new Date(NOW.getTime() + 60_000), 'Lunch')).not.toBe(key);
    expect(noteKeyOf(8, NOW, 'Lunch')).not.toBe(key);
    expect(noteKeyOf(7, NOW, 'Dinner')).not.toBe(key);
    expect(checkedNote(note('Lunch', NOW, key), NOW).key).toBe(key);
  });
});
