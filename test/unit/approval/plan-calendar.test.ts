import { describe, expect, it } from 'vitest';
import { addBusinessDays, businessDaysBetween, isWeekend, localDate, startOfLocalDay, startOfNextLocalDay } from '../../../src/approval/plan-calendar.ts';

const NY = 'America/New_York';

describe('business days in the user time zone', () => {
  it('skip Saturdays and Sundays', () => {
    // Friday 10:00 in New York + 1 business day = Monday 10:00.
    expect(addBusinessDays(new Date('2026-03-13T14:00:00Z'), 1, NY).toISOString()).toBe('2026-03-16T14:00:00.000Z');
    // A note written on Saturday waits until Monday for its first business day.
    expect(addBusinessDays(new Date('2026-03-14T15:00:00Z'), 1, NY).toISOString()).toBe('2026-03-16T15:00:00.000Z');
    // Seven business days from a Monday end on the Wednesday of the next week.
    expect(addBusinessDays(new Date('2026-04-06T13:00:00Z'), 7, NY).toISOString()).toBe('2026-04-15T13:00:00.000Z');
  });

  it('are counted back as whole days gone by', () => {
    const friday = new Date('2026-03-13T14:00:00Z');
    expect(businessDaysBetween(friday, new Date('2026-03-16T13:59:00Z'), NY)).toBe(0);
    expect(businessDaysBetween(friday, new Date('2026-03-16T14:00:00Z'), NY)).toBe(1);
    expect(businessDaysBetween(friday, new Date('2026-03-25T09:00:00Z'), NY)).toBe(7);
    expect(businessDaysBetween(friday, new Date('2026-03-01T00:00:00Z'), NY)).toBe(0);
  });

  it('keep the time of day across a change of clocks', () => {
    // Monday March 2, 09:15 EST; New York moves to EDT on March 8; due Wednesday March 11, 09:15 EDT.
    expect(addBusinessDays(new Date('2026-03-02T14:15:00Z'), 7, NY).toISOString()).toBe('2026-03-11T13:15:00.000Z');
  });

  it('count weekdays where the user is, not in UTC', () => {
    // Friday 22:00 in Los Angeles is already Saturday in UTC.
    const fridayEvening = new Date('2026-03-14T05:00:00Z');
    expect(isWeekend(fridayEvening, 'America/Los_Angeles')).toBe(false);
    expect(isWeekend(fridayEvening, 'UTC')).toBe(true);
    expect(addBusinessDays(fridayEvening, 1, 'America/Los_Angeles').toISOString()).toBe('2026-03-17T05:00:00.000Z');
  });

  it('zero days is the same moment, and a negative count is refused', () => {
    const at = new Date('2026-03-14T15:00:00Z');
    expect(addBusinessDays(at, 0, NY)).toEqual(at);
    expect(() => addBusinessDays(at, -1, NY)).toThrow(RangeError);
  });
});

describe('local days', () => {
  it('start at the user midnight', () => {
    const at = new Date('2026-06-10T02:30:00Z'); // June 9, 22:30 in New York
    expect(localDate(at, NY)).toBe('2026-06-09');
    expect(startOfLocalDay(at, NY).toISOString()).toBe('2026-06-09T04:00:00.000Z');
    expect(startOfNextLocalDay(at, NY).toISOString()).toBe('2026-06-10T04:00:00.000Z');
    expect(startOfLocalDay(at, 'UTC').toISOString()).toBe('2026-06-10T00:00:00.000Z');
  });

  it('the day after the clocks change starts at the right midnight', () => {
    expect(startOfNextLocalDay(new Date('2026-03-08T12:00:00Z'), NY).toISOString()).toBe('2026-03-09T04:00:00.000Z');
    expect(startOfNextLocalDay(new Date('2026-03-07T12:00:00Z'), NY).toISOString()).toBe('2026-03-08T05:00:00.000Z');
  });
});
