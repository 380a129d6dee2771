/**
 * Graph's patternedRecurrence as RRULE lines, so the Google emulator's expansion serves
 * both emulators: daily, weekly, absolute/relative monthly and yearly patterns, with an
 * endDate, a count or no end.
 */
import { badRequest } from './errors.ts';

const DAYS: Record<string, string> = { sunday: 'SU', monday: 'MO', tuesday: 'TU', wednesday: 'WE', thursday: 'TH', friday: 'FR', saturday: 'SA' };
const INDEX: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4, last: -1 };

interface Pattern {
  type?: string;
  interval?: number;
  daysOfWeek?: string[];
  dayOfMonth?: number;
  month?: number;
  index?: string;
  firstDayOfWeek?: string;
}

interface Range {
  type?: string;
  endDate?: string;
  numberOfOccurrences?: number;
}

export function toRrule(value: unknown): string[] {
  const { pattern, range } = (value ?? {}) as { pattern?: Pattern; range?: Range };
  if (!pattern?.type) throw badRequest('recurrence.pattern.type is required.', 'ErrorInvalidRecurrencePattern');
  const parts: string[] = [];
  const days = (pattern.daysOfWeek ?? []).map((d) => DAYS[d.toLowerCase()]).filter(Boolean).join(',');
  const setPos = INDEX[(pattern.index ?? 'first').toLowerCase()] ?? 1;
  switch (pattern.type) {
    case 'daily':
      parts.push('FREQ=DAILY');
      break;
    case 'weekly':
      parts.push('FREQ=WEEKLY', ...(days ? [`BYDAY=${days}`] : []), `WKST=${DAYS[(pattern.firstDayOfWeek ?? 'sunday').toLowerCase()] ?? 'SU'}`);
      break;
    case 'absoluteMonthly':
      parts.push('FREQ=MONTHLY', `BYMONTHDAY=${pattern.dayOfMonth ?? 1}`);
      break;
    case 'relativeMonthly':
      parts.push('FREQ=MONTHLY', `BYDAY=${days || 'MO'}`, `BYSETPOS=${setPos}`);
      break;
    case 'absoluteYearly':
      parts.push('FREQ=YEARLY', `BYMONTH=${pattern.month ?? 1}`, `BYMONTHDAY=${pattern.dayOfMonth ?? 1}`);
      break;
    case 'relativeYearly':
      parts.push('FREQ=YEARLY', `BYMONTH=${pattern.month ?? 1}`, `BYDAY=${days || 'MO'}`, `BYSETPOS=${setPos}`);
      break;
    default:
      throw badRequest(`Unknown recurrence pattern type '${pattern.type}'.`, 'ErrorInvalidRecurrencePattern');
  }
  parts.push(`INTERVAL=${pattern.interval ?? 1}`);
  if (range?.type === 'numbered') parts.push(`COUNT=${range.numberOfOccurrences ?? 1}`);
  if (range?.type === 'endDate' && range.endDate) parts.push(`UNTIL=${range.endDate.replace(/-/g, '')}`);
  return [`RRULE:${parts.join(';')}`];
}
