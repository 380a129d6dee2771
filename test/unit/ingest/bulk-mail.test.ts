import { describe, expect, it } from 'vitest';
import type { BulkHeaders } from '../../../src/core/types.ts';
import { isBulkMail } from '../../../src/ingest/bulk-mail.ts';

const none: BulkHeaders = { listId: null, listUnsubscribe: null, precedence: null, autoSubmitted: null };

describe('isBulkMail', () => {
  it.each<[string, Partial<BulkHeaders>, boolean]>([
    ['a person-to-person message', {}, false],
    ['a mailing-list post', { listId: '"CSAIL-related announcements." <csail-announce.lists.csail.mit.edu>' }, true],
    ['a list id without brackets', { listId: 'Ubuntu bug tracker changes - HIGH VOLUME' }, true],
    ['a newsletter with an unsubscribe link', { listUnsubscribe: '<mailto:unsubscribe+45b0d380@blah.com>' }, true],
    ['Precedence: bulk', { precedence: 'bulk' }, true],
    ['Precedence: list', { precedence: 'list' }, true],
    ['Precedence: junk', { precedence: 'Junk' }, true],
    ['Precedence: first-class', { precedence: 'first-class' }, false],
    ['an auto-reply', { autoSubmitted: 'auto-replied' }, true],
    ['a bounce with a comment', { autoSubmitted: 'auto-generated (failure)' }, true],
    ['Auto-Submitted: no', { autoSubmitted: 'no' }, false],
    ['Auto-Submitted: No with a comment', { autoSubmitted: 'No (sent by a person)' }, false],
    ['empty header values', { listId: '', listUnsubscribe: '  ', precedence: '', autoSubmitted: '' }, false],
  ])('%s → %s', (_label, headers, expected) => {
    expect(isBulkMail({ ...none, ...headers })).toBe(expected);
  });
});
