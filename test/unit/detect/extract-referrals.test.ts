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

  it('looks past who the person is to the writer: "my colleague", "my former manager,", "a friend of mine,"', () => {
    expect(extractReferrals('You should also talk to my colleague Elena Garcia (elena.garcia@helio.example), who leads forecasting.', [])).toEqual([
      { name: 'Elena Garcia', address: 'elena.garcia@helio.example' },
    ]);
    expect(extractReferrals('You may also want to talk to my former manager, Omar Haddad (omar@gridworks.example); he hires analysts.', [])).toEqual([
      { name: 'Omar Haddad', address: 'omar@gridworks.example' },
    ]);
    expect(extractReferrals('Please contact a friend of mine, Lena Park, at Initech.', [])).toEqual([{ name: 'Lena Park', address: null }]);
    expect(extractReferrals('I can connect you with our director Ravi Mehta.', [])).toEqual([{ name: 'Ravi Mehta', address: null }]);
  });

  it('does not take a report of a conversation for a suggestion', () => {
    expect(extractReferrals('I have just finished talking with Rick. He is also talking to Morgan Stanley.', [])).toEqual([]);
  });

  it('ignores pronouns and weekdays after the same verbs', () => {
    expect(extractReferrals('Please contact me on Monday, or talk to HR.', [])).toEqual([]);
  });
});
