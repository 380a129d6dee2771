import { describe, expect, it } from 'vitest';
import type { Label } from '../../../src/core/detection.ts';
import { threadState, type ThreadMessage } from '../../../src/detect/thread-state.ts';

const at = (day: number) => new Date(Date.UTC(2026, 2, day, 12));
const msg = (day: number, direction: 'sent' | 'received', labels: Label[], signals: string[] = []): ThreadMessage => ({
  direction, sentAt: at(day), labels, signals, counterpart: 'jane@acme.example',
});
const now = at(20);

describe('threadState', () => {
  it('is not outreach without a request or an answer to one', () => {
    expect(threadState([msg(1, 'received', ['scheduling'])], [], now)).toEqual({ kind: 'other', state: null, counterpart: null });
  });

  it('follows a request through reply, scheduling, meeting and thanks', () => {
    const request = msg(1, 'sent', ['outreach_request']);
    expect(threadState([request], [], now).state).toBe('awaiting_reply');
    const reply = msg(2, 'received', ['outreach_reply']);
    expect(threadState([request, reply], [], now).state).toBe('replied');
    const times = msg(3, 'sent', ['scheduling']);
    expect(threadState([request, reply, times], [], now).state).toBe('scheduling');
    const future = { start: at(25), end: at(25), status: 'confirmed' as const };
    expect(threadState([request, reply, times], [future], now).state).toBe('scheduled');
    const past = { start: at(10), end: at(10), status: 'confirmed' as const };
    expect(threadState([request, reply, times], [past], now).state).toBe('met');
    const thanks = msg(11, 'sent', ['thank_you']);
    expect(threadState([request, reply, times, thanks], [past], now)).toEqual({
      kind: 'outreach', state: 'thanked', counterpart: 'jane@acme.example',
    });
  });

  it('closes on a decline, and a cancelled meeting does not count as met', () => {
    const request = msg(1, 'sent', ['outreach_request']);
    const decline = msg(2, 'received', ['outreach_reply'], ['outreach_reply:decline']);
    expect(threadState([request, decline], [], now).state).toBe('closed');
    const cancelled = { start: at(10), end: at(10), status: 'cancelled' as const };
    expect(threadState([request, msg(3, 'received', ['scheduling'])], [cancelled], now).state).toBe('scheduling');
  });

  it('takes a thread whose request is missing as already replied', () => {
    expect(threadState([msg(5, 'received', ['outreach_reply'])], [], now).state).toBe('replied');
  });
});
