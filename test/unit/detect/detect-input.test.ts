import { describe, expect, it } from 'vitest';
import type { ParsedMessage } from '../../../src/core/types.ts';
import { detectInputOf } from '../../../src/detect/detect-input.ts';

const message = (over: Partial<ParsedMessage>): ParsedMessage => ({
  messageKey: 'k', messageId: null, inReplyTo: [], references: [], date: null, subject: 'News', text: 'Hello',
  from: { address: 'news@school.example', name: null }, to: [{ address: 'news@school.example', name: null }], cc: [], bcc: [],
  replyTo: [], bulk: { listId: null, listUnsubscribe: null, precedence: null, autoSubmitted: null }, calendarParts: [], ...over,
});

describe('detectInputOf', () => {
  it('takes a first message addressed only to its sender for a mailing to a hidden list', () => {
    expect(detectInputOf(message({}), false).isBulk).toBe(true);
  });

  it('does not take a reply or a forward kept for oneself for a mailing', () => {
    expect(detectInputOf(message({ subject: 'Re: News' }), false).isBulk).toBe(false);
    expect(detectInputOf(message({ subject: 'FW: News' }), false).isBulk).toBe(false);
    expect(detectInputOf(message({ to: [{ address: 'dana@acme.example', name: null }] }), false).isBulk).toBe(false);
  });
});
