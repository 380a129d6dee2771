import { describe, expect, it } from 'vitest';
import { checkInKey, checkInReason, planCheckIn } from '../../../src/approval/plan-check-in.ts';
import { followUpReason, planFollowUp, type FollowUpMessage } from '../../../src/approval/plan-follow-up.ts';
import { outreachKey, outreachKind, outreachReason, outreachRoomToday } from '../../../src/approval/plan-outreach.ts';
import { isReminderDue, planThankYou, thankYouReason, type PlannedMeeting } from '../../../src/approval/plan-thank-you.ts';

const NY = 'America/New_York';
const DRAFTS = { thankYouDueHours: 24, thankYouReminderHours: 20 };
const FOLLOW = { followUpBusinessDays: 7, maxFollowUps: 2, timeZone: NY };

describe('the thank-you after a meeting', () => {
  const meeting: PlannedMeeting = {
    status: 'confirmed', isInformational: true, recurrenceRule: null, contactId: 7,
    start: new Date('2026-03-10T15:00:00Z'), end: new Date('2026-03-10T15:30:00Z'),
  };

  it('waits for the end, then is due a day later with a reminder four hours before', () => {
    expect(planThankYou(meeting, DRAFTS, new Date('2026-03-10T15:00:00Z'))).toEqual({ action: 'wait', until: meeting.end });
    expect(planThankYou(meeting, DRAFTS, new Date('2026-03-10T15:31:00Z'))).toEqual({
      action: 'draft', endedAt: meeting.end,
      dueAt: new Date('2026-03-11T15:30:00Z'), remindAt: new Date('2026-03-11T11:30:00Z'),
    });
    expect(isReminderDue(meeting.end!, DRAFTS, new Date('2026-03-11T11:29:00Z'))).toBe(false);
    expect(isReminderDue(meeting.end!, DRAFTS, new Date('2026-03-11T11:30:00Z'))).toBe(true);
  });

  it('is not drafted for meetings that are not networking conversations, cancelled, a series, or long past', () => {
    const after = new Date('2026-03-10T16:00:00Z');
    expect(planThankYou({ ...meeting, status: 'cancelled' }, DRAFTS, after)).toEqual({ action: 'none', why: 'cancelled' });
    expect(planThankYou({ ...meeting, isInformational: false }, DRAFTS, after)).toMatchObject({ why: 'not_informational' });
    expect(planThankYou({ ...meeting, contactId: null }, DRAFTS, after)).toMatchObject({ why: 'no_contact' });
    expect(planThankYou({ ...meeting, recurrenceRule: 'FREQ=WEEKLY' }, DRAFTS, after)).toMatchObject({ why: 'series' });
    expect(planThankYou(meeting, DRAFTS, new Date('2026-03-18T16:00:00Z'))).toMatchObject({ why: 'too_old' });
  });

  it('says why in words, in the user time zone', () => {
    expect(thankYouReason('Jane Doe', meeting.start, new Date('2026-03-11T15:30:00Z'), 24, NY)).toBe(
      'Met Jane Doe on Tuesday, March 10; a thank-you is due within 24 hours (by Wednesday, March 11, 11:30 AM).',
    );
  });
});

describe('follow-ups to an outreach request', () => {
  const request: FollowUpMessage = { rowId: 1, direction: 'sent', sentAt: new Date('2026-03-02T14:15:00Z'), labels: ['outreach_request'] };
  const thread = (messages: FollowUpMessage[], state = 'awaiting_reply') => ({ kind: 'outreach' as const, state, messages });

  it('waits seven business days after the request, then drafts the first', () => {
    const due = new Date('2026-03-11T13:15:00Z');
    expect(planFollowUp(thread([request]), FOLLOW, new Date('2026-03-11T13:00:00Z'))).toEqual({ action: 'wait', number: 1, until: due, after: request });
    expect(planFollowUp(thread([request]), FOLLOW, new Date('2026-03-11T14:00:00Z'))).toEqual({ action: 'draft', number: 1, dueAt: due, after: request });
  });

  it('counts the follow-ups already sent and stops at the limit', () => {
    const first: FollowUpMessage = { rowId: 2, direction: 'sent', sentAt: new Date('2026-03-11T14:00:00Z'), labels: ['follow_up'] };
    const second: FollowUpMessage = { rowId: 3, direction: 'sent', sentAt: new Date('2026-03-20T14:00:00Z'), labels: ['follow_up'] };
    // Wednesday March 11 + 7 business days = Friday March 20, same time.
    expect(planFollowUp(thread([request, first]), FOLLOW, new Date('2026-03-20T13:00:00Z'))).toMatchObject({
      action: 'wait', number: 2, until: new Date('2026-03-20T14:00:00Z'),
    });
    expect(planFollowUp(thread([request, first]), FOLLOW, new Date('2026-03-20T15:00:00Z'))).toMatchObject({
      action: 'draft', number: 2, dueAt: new Date('2026-03-20T14:00:00Z'), after: first,
    });
    expect(planFollowUp(thread([request, first, second]), FOLLOW, new Date('2026-05-01T12:00:00Z'))).toEqual({ action: 'stop', why: 'limit_reached' });
  });

  it('stops at any reply, and never follows up a request someone else made', () => {
    const reply: FollowUpMessage = { rowId: 2, direction: 'received', sentAt: new Date('2026-03-03T14:00:00Z'), labels: ['outreach_reply'] };
    const later = new Date('2026-04-01T00:00:00Z');
    expect(planFollowUp(thread([request, reply], 'replied'), FOLLOW, later)).toEqual({ action: 'stop', why: 'not_awaiting' });
    expect(planFollowUp(thread([request, reply]), FOLLOW, later)).toEqual({ action: 'stop', why: 'not_awaiting' });
    expect(planFollowUp(thread([{ ...request, direction: 'received' }]), FOLLOW, later)).toMatchObject({ why: 'not_requested_by_user' });
    expect(planFollowUp({ kind: 'other', state: null, messages: [request] }, FOLLOW, later)).toMatchObject({ why: 'not_outreach' });
  });

  it('leaves a request from months ago alone', () => {
    expect(planFollowUp(thread([request]), FOLLOW, new Date('2026-06-01T00:00:00Z'))).toEqual({ action: 'late', number: 1 });
  });

  it('says why in words', () => {
    expect(followUpReason('Jane Doe', request.sentAt!, 1, FOLLOW, new Date('2026-03-11T13:15:00Z'))).toBe(
      'You wrote to Jane Doe on Monday, March 2 and have had no reply in 7 business days; follow-up 1 of at most 2.',
    );
    // Drafted late (the planner caught up on Friday): the days that really went by.
    expect(followUpReason('Jane Doe', request.sentAt!, 1, FOLLOW, new Date('2026-03-13T15:00:00Z'))).toBe(
      'You wrote to Jane Doe on Monday, March 2 and have had no reply in 9 business days; follow-up 1 of at most 2.',
    );
  });
});

describe('check-ins with nurtured contacts', () => {
  const settings = { checkInDays: 90, timeZone: NY };
  const last = new Date('2026-03-02T14:15:00Z');

  it('are due ninety days after the last interaction, keyed on its date', () => {
    const contact = { contactId: 4, nurture: true, lastInteractionAt: last };
    expect(planCheckIn(contact, settings, new Date('2026-05-30T00:00:00Z'))).toEqual({
      action: 'wait', key: 'check_in:4:2026-03-02', until: new Date('2026-05-31T14:15:00Z'),
    });
    expect(planCheckIn(contact, settings, new Date('2026-06-01T00:00:00Z'))).toMatchObject({ action: 'draft', key: 'check_in:4:2026-03-02' });
  });

  it('need a nurtured contact and something to measure silence from', () => {
    expect(planCheckIn({ contactId: 4, nurture: false, lastInteractionAt: last }, settings, new Date())).toEqual({ action: 'none', why: 'not_nurtured' });
    expect(planCheckIn({ contactId: 4, nurture: true, lastInteractionAt: null }, settings, new Date())).toEqual({ action: 'none', why: 'no_interaction' });
  });

  it('name the day in the user time zone, and say why', () => {
    expect(checkInKey(4, new Date('2026-03-03T03:00:00Z'), NY)).toBe('check_in:4:2026-03-02');
    expect(checkInReason('Jane Doe', last, new Date('2026-06-05T14:15:00Z'), NY)).toBe(
      'Last in touch with Jane Doe on March 2, 2026 (95 days ago); you asked to keep in touch with them.',
    );
  });
});

describe('requests to the target list', () => {
  it('introduce through the referrer when there is one, one per person, a few a day', () => {
    expect(outreachKind({ referrer: 'Prof. Lee' })).toBe('referral_intro');
    expect(outreachKind({ referrer: ' ' })).toBe('outreach_request');
    expect(outreachKey('outreach_request', 12)).toBe('outreach_request:12');
    expect(outreachRoomToday(3, 10)).toBe(7);
    expect(outreachRoomToday(12, 10)).toBe(0);
    expect(outreachReason({ name: 'Jane Doe', company: 'Acme', source: null, referrer: 'Sam Lee', importFile: 'targets.csv', importLine: 4 })).toBe(
      'On your target list (targets.csv, line 4): Jane Doe at Acme; Sam Lee gave you the name.',
    );
  });
});
