import { describe, expect, it } from 'vitest';
import { normalizeSubject } from '../../../src/ingest/normalize-subject.ts';

describe('normalizeSubject', () => {
  it.each([
    ['Re: FW: Re: Weather and energy price Data', 'weather and energy price data'],
    ['RE: Stanford Meeting', 'stanford meeting'],
    ['re:developing', 'developing'],
    ['Fwd: Fwd: Talk: Tuesday 09-23-2014 The Integrated Information Theory', 'talk: tuesday 09-23-2014 the integrated information theory'],
    ['Fw: Resume', 'resume'],
    ['AW: WG: Termin', 'termin'],
    ['SV: VS: Möte', 'möte'],
    ['Réf.: Réunion', 'réunion'],
    ['TR : Réunion', 'réunion'],
    ['R: RIF: Riunione', 'riunione'],
    ['Antw: vergadering', 'vergadering'],
    ['ODP: PD: spotkanie', 'spotkanie'],
    ['回复: 会议', '会议'],
    ['答复：转发：会议', '会议'],
    ['Re[2]: budget', 'budget'],
    ['Re(3): budget', 'budget'],
    ['[csail-announce] Re: Seminar today', 'seminar today'],
    ['[Fwd: New Commodity Marketplace Opportunity]', 'new commodity marketplace opportunity'],
    ['Re: [Fwd: Stanford Meeting]', 'stanford meeting'],
    ['Re: INFORMS Abstract (fwd)', 'informs abstract'],
    ['  Re:   Weather   and\tenergy  ', 'weather and energy'],
    // First words that merely end in a colon are part of the subject.
    ['ENRON: Update on the merger', 'enron: update on the merger'],
    ['REMINDER: Meeting at 3pm', 'reminder: meeting at 3pm'],
    ['Research Group Offsite', 'research group offsite'],
    ['Re:', ''],
    ['', ''],
  ])('%j → %j', (subject, expected) => {
    expect(normalizeSubject(subject)).toBe(expected);
  });

  it('gives a reply and its original the same key', () => {
    expect(normalizeSubject('RE: Weather and energy price Data')).toBe(normalizeSubject('Weather and energy price Data'));
  });
});
