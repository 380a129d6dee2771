import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../../src/core/types.ts';
import { planThreads } from '../../../src/store/thread-planner.ts';

const message = (over: Partial<MessageRecord>): MessageRecord => ({
  messageKey: over.messageId ?? 'k', messageId: null, inReplyTo: [], references: [],
  sentAt: new Date('2026-03-01T10:00:00Z'), subject: 'Hello', normalizedSubject: 'hello',
  direction: 'received', fromAddress: 'a@x.example', participants: [], counterparts: ['a@x.example'],
  excerpt: '', isBulk: false, source: 'test', contacts: [],
  detection: { labels: [], scores: {} as MessageRecord['detection']['scores'], signals: [] }, referrals: [], ...over,
});

describe('planThreads', () => {
  it('joins a reply to the thread that holds the message it answers', () => {
    const plan = planThreads(
      [{ rowId: 10, record: message({ messageId: 'r@x', inReplyTo: ['q@x'] }) }],
      new Map([['q@x', 7]]),
      [],
      60,
    );
    expect(plan.threadOf.get(10)).toBe(7);
    expect(plan.newThreads.size).toBe(0);
  });

  it('opens one new thread for a request and its reply in the same batch', () => {
    const plan = planThreads(
      [
        { rowId: 1, record: message({ messageId: 'q@x', subject: 'Coffee?' }) },
        { rowId: 2, record: message({ messageId: 'r@x', references: ['q@x'], subject: 'Re: Coffee?' }) },
      ],
      new Map(),
      [],
      60,
    );
    expect(plan.threadOf.get(1)).toBe(plan.threadOf.get(2));
    expect([...plan.newThreads.values()]).toEqual([{ subject: 'Coffee?', normalizedSubject: 'hello' }]);
  });

  it('falls back on subject and a shared correspondent, within the window only', () => {
    const candidates = [
      { threadId: 3, normalizedSubject: 'hello', counterparts: ['a@x.example'], sentAt: new Date('2026-02-20T00:00:00Z') },
      { threadId: 4, normalizedSubject: 'hello', counterparts: ['b@y.example'], sentAt: new Date('2026-03-01T00:00:00Z') },
    ];
    const near = planThreads([{ rowId: 1, record: message({}) }], new Map(), candidates, 60);
    expect(near.threadOf.get(1)).toBe(3);
    const far = planThreads([{ rowId: 1, record: message({}) }], new Map(), candidates, 5);
    expect(far.threadOf.get(1)).toBeLessThan(0);
  });

  it('merges two stored threads that a message shows to be one conversation, into the older', () => {
    const plan = planThreads(
      [{ rowId: 9, record: message({ messageId: 'm@x', references: ['a@x', 'b@x'] }) }],
      new Map([['a@x', 12], ['b@x', 5]]),
      [],
      60,
    );
    expect(plan.threadOf.get(9)).toBe(5);
    expect(plan.merges).toEqual([{ into: 5, from: [12] }]);
  });
});
