import { describe, expect, it } from 'vitest';
import { extractReferrals } from '../../../src/detect/extract-referrals.ts';

describe('extractReferrals', () => {
  it('finds the person named after a suggestion, with an address given beside the name', () => {
    expect(extractReferrals('You should talk to Maria Lopez (maria.lopez@initech.example), she runs pricing.', [])).toEqual([
      { name: 'Maria Lopez', address: 'maria.lopez@initech.example' },
    ]);
  });

  it('takes the address of a copied person from the Cc line', () => {
    const cc = [{ address: 'sam.rivera@acme.example', name: 'Sam Rivera' }];
    expect(extractReferrals('Happy to talk. I am copying Sam, who runs our platform team.', cc)).toEqual([
      { name: 'Sam', address: 'sam.rivera@acme.example' },
    ]);
  });

  it('knows a forwarded resume and "the best person" phrasing, once per person', () => {
    const text = 'I forwarded your resume to Stinson Gibner. Stinson Gibner is the best person to ask.';
    expect(extractReferrals(text, [])).toEqual([{ name: 'Stinson Gibner', address: null }]);
  });

  it('ignores pronouns and weekdays after the same verbs', () => {
    expect(extractReferrals('Please contact me on Monday, or talk to HR.', [])).toEqual([]);
  });
});
