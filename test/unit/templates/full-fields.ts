import type { DraftFields } from '../../../src/templates/index.ts';

/** Thursday 6 March 2025, 14:00 UTC (08:00 in Chicago). */
export const NOW = new Date('2025-03-06T14:00:00Z');

/** Every field a user could give, for a draft that needs nothing more. */
export function fullFields(overrides: Partial<DraftFields> = {}): DraftFields {
  return {
    user: {
      name: 'Alex Chen',
      role: 'a second-year MBA student at Kellogg',
      fieldOfInterest: 'renewable energy finance',
      email: 'alex.chen@example.edu',
      timeZone: 'America/Chicago',
    },
    contact: {
      firstName: 'Jane',
      fullName: 'Jane Doe',
      email: 'jane.doe@acme.example',
      title: 'Director of Structured Finance',
      source: 'the Kellogg alumni directory',
    },
    company: { name: 'Acme Power' },
    // Tuesday 4 March 2025, 09:00–09:30 in Chicago.
    meeting: { start: new Date('2025-03-04T15:00:00Z'), end: new Date('2025-03-04T15:30:00Z'), kind: 'call' },
    thread: { subject: 'Request for a brief conversation', requestedAt: new Date('2025-02-20T16:00:00Z') },
    referrer: { name: 'Sam Rivera' },
    referrals: ['Maria Lopez', 'Kim Lee'],
    takeaway: 'Your advice to start with the trading desk’s own reports was the most practical thing I have heard.',
    update: 'I accepted a summer internship at a solar developer, partly thanks to your advice.',
    share: 'the IEA’s new report on grid financing, https://example.org/grid-report',
    followUpNumber: 1,
    now: NOW,
    ...overrides,
  };
}

/** The body's paragraphs, without the greeting and the signature. */
export function paragraphs(text: string): string[] {
  return text.split('\n\n');
}
