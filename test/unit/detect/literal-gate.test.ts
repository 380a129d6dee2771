import { describe, expect, it } from 'vitest';
import { loadDetectConfig } from '../../../src/config/load-detect-config.ts';
import type { SignalRule } from '../../../src/core/detection.ts';
import { literalGates, ruleMatches } from '../../../src/detect/literal-gate.ts';

describe('literalGates', () => {
  it('admits a text holding one of a pattern’s literals, in any case, and only then', () => {
    const [hers, sheSaid, story] = literalGates([/hers/i, /\bshe said\b/i, /\bhis story/i]);
    // Literals that overlap or start inside one another are all found in one pass.
    expect(hers!.admits('the ushers came')).toBe(true);
    expect(sheSaid!.admits('SHE SAID so')).toBe(true);
    expect(story!.admits('she said his story was long')).toBe(true);
    expect(sheSaid!.admits('she\u00e9said')).toBe(false);
    expect(story!.admits('his stor')).toBe(false);
    expect(hers!.admits('her sister')).toBe(false);
  });

  it('has no gate for a pattern with no literal to go by, and gates a case-sensitive one safely', () => {
    const [time, referred] = literalGates([/\d{1,2}:\d{2}/, /\bWe referred [A-Z]\w+/]);
    expect(time).toBeNull();
    // Lower case passes the gate (it looks for the literals without case); the pattern decides.
    const rule = { pattern: /\bWe referred [A-Z]\w+/, gate: referred };
    expect(referred!.admits('we referred dana')).toBe(true);
    expect(ruleMatches(rule, 'we referred dana')).toBe(false);
    expect(ruleMatches(rule, 'We referred Dana to you')).toBe(true);
    expect(ruleMatches(rule, 'Dana will call you')).toBe(false);
  });
});

// Sentences of the kinds networking mail is made of, for the rules of config/detect.yaml.
const SENTENCES = [
  'Would you have 20 minutes next week for an informational interview?',
  'I am a graduate student at Rice and Professor Lee suggested I contact you.',
  "I'd be grateful for your advice on careers in energy analytics.",
  'Are you currently hiring analysts in your group?',
  'Happy to chat. How about coffee on Thursday at 3pm?',
  'Thursday at 10 works for me. See you then!',
  'Unfortunately I will not be able to make the lunch on Friday.',
  'Thank you for taking the time to meet with me yesterday; I learned a lot.',
  'It was a pleasure meeting you at the conference.',
  'You should talk to Maria Chen, she runs the trading desk.',
  'I have forwarded your resume to our recruiting team.',
  'Please send me your CV and I will pass it along.',
  'I am just following up on my note from last week, in case it got buried.',
  'I wanted to check whether you had a chance to read my email.',
  'Let me know what time works best and I will send an invite.',
  'The seminar will be held in Room EB-3321 at noon; all are welcome.',
  'To unsubscribe from this mailing list, click here.',
  'Dear Colleagues, please mark your calendars for the annual dinner.',
  'Thanks in advance for your help with the report.',
  'Could we reschedule our call to Monday morning?',
  'I am copying Dana, who is the best person to help with this.',
  'Please contact him directly at the number below.',
  'I look forward to seeing you next Tuesday.',
  'Can you give me his phone number?',
  'Great job on the presentation!',
  'Sorry, I am afraid I cannot attend the meeting then.',
  'I hope you received my earlier message about the internship.',
  'Spotkanie w poniedziałek o 10, dziękuję za odpowiedź.',
  'We could meet at the café on Main Street at 5:30 pm.',
  'Nothing here but a note about the weather and the quarterly numbers.',
];

describe('the gates of config/detect.yaml', () => {
  const config = loadDetectConfig();
  const rules: SignalRule[] = [config.signals, config.negatives, config.context].flatMap((g) => Object.values(g).flatMap((r) => r ?? []));

  it('never stop a rule that matches, and spare most rules the pattern on most sentences', () => {
    let matched = 0;
    let spared = 0;
    for (const sentence of SENTENCES) {
      for (const rule of rules) {
        const expected = rule.pattern.test(sentence);
        expect(ruleMatches(rule, sentence), `${rule.name} on "${sentence}"`).toBe(expected);
        if (expected) matched += 1;
        if (rule.gate && !rule.gate.admits(sentence)) spared += 1;
      }
    }
    expect(matched).toBeGreaterThan(SENTENCES.length);
    expect(spared / (SENTENCES.length * rules.length)).toBeGreaterThan(0.7);
    expect(rules.filter((r) => r.gate).length / rules.length).toBeGreaterThan(0.8);
  });
});
