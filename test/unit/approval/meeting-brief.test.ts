import { describe, expect, it } from 'vitest';
import { buildMeetingBrief, type BriefPerson, type MeetingBriefInput } from '../../../src/approval/meeting-brief.ts';

const NOW = new Date('2026-03-09T12:00:00Z'); // a Monday
const START = new Date('2026-03-10T16:00:00Z');

function jane(overrides: Partial<BriefPerson> = {}): BriefPerson {
  return {
    name: 'Jane Doe',
    address: 'jane.doe@acme.example',
    title: 'Director of Structured Finance',
    howWeMet: 'the Kellogg alumni directory',
    referredBy: null,
    company: { name: 'Acme Capital', domain: 'acme.example', status: 'target', otherContacts: ['Bob Roe'] },
    history: [
      { at: new Date('2026-03-02T09:00:00Z'), kind: 'email_sent', summary: 'Coffee chat?' },
      { at: new Date('2026-03-04T10:00:00Z'), kind: 'email_received', summary: 'Re: Coffee chat?' },
      { at: START, kind: 'meeting', summary: 'Coffee chat: Alex / Jane' }, // the meeting itself
    ],
    referralsGiven: [],
    ...overrides,
  };
}

function input(overrides: Partial<MeetingBriefInput> = {}): MeetingBriefInput {
  return {
    meeting: { summary: 'Coffee chat: Alex / Jane', startAt: START },
    people: [jane()],
    thread: {
      subject: 'Coffee chat?',
      messages: [
        { at: new Date('2026-03-02T09:00:00Z'), direction: 'sent', excerpt: 'Would you have 20 minutes for a call?' },
        { at: new Date('2026-03-04T10:00:00Z'), direction: 'received', excerpt: 'Happy to. Could you send your CV beforehand? What areas interest you most? Thanks.' },
      ],
    },
    field: 'renewable energy finance',
    timeZone: 'America/Chicago',
    now: NOW,
    ...overrides,
  };
}

describe('the brief before a meeting', () => {
  it('says who the person is, how the user got their name, and their company', () => {
    const brief = buildMeetingBrief(input());
    expect(brief.people).toEqual([
      'Jane Doe, Director of Structured Finance at Acme Capital; you got their name through the Kellogg alumni directory.',
    ]);
    expect(brief.company).toEqual(['Acme Capital (acme.example) (on your list: target).', 'You also know Bob Roe there.']);
  });

  it('counts the history before the meeting only, in the user’s time zone', () => {
    const brief = buildMeetingBrief(input());
    expect(brief.history).toEqual(['Jane Doe: 2 emails (1 from them), since March 2.']);
  });

  it('summarises the thread and lists the questions they asked after the user last wrote', () => {
    const brief = buildMeetingBrief(input());
    expect(brief.thread).toEqual([
      '“Coffee chat?”: 2 messages.',
      'You wrote on March 2.',
      'They last wrote on Wednesday: “Happy to. Could you send your CV beforehand? What areas interest you most? Thanks.”',
    ]);
    expect(brief.theirQuestions).toEqual(['Could you send your CV beforehand?', 'What areas interest you most?']);
  });

  it('suggests open-ended questions about their path, their company and the user’s field', () => {
    const questions = buildMeetingBrief(input()).questionsToAsk;
    expect(questions).toHaveLength(5);
    expect(questions[0]).toBe('How did you come to be Director of Structured Finance, and what does a typical week look like?');
    expect(questions).toContain('What do you enjoy most about working at Acme Capital, and what is hardest?');
    expect(questions).toContain('What skills or experience matter most for someone moving into renewable energy finance?');
    expect(questions).toContain('Is there anyone else you think I should talk to?');
    for (const q of questions) expect(q).toMatch(/^(How|What|Is|Who)\b.*\?$/);
    expect(questions.join(' ')).not.toMatch(/job|position|opening/i); // informational, not asking for a job
  });

  it('for a second meeting asks what changed, and recalls the people they suggested', () => {
    const met = jane({
      history: [{ at: new Date('2025-11-20T15:00:00Z'), kind: 'meeting', summary: 'Call with Jane' }],
      referralsGiven: [{ name: 'Maria Lopez', contacted: true }, { name: 'Sam Rivera', contacted: false }],
    });
    const brief = buildMeetingBrief(input({ people: [met], thread: null }));
    expect(brief.history).toEqual([
      'Jane Doe: 1 earlier meeting, since November 20, 2025.',
      'You last met on November 20, 2025 (Call with Jane).',
      'Jane Doe suggested you talk to Maria Lopez, and you have been in touch since: tell Jane how it went.',
      'Jane Doe also suggested you talk to Sam Rivera, whom you have not contacted yet.',
    ]);
    expect(brief.questionsToAsk[0]).toBe('What has changed for you since we last spoke?');
    expect(brief.questionsToAsk).not.toContain('Is there anyone else you think I should talk to?');
    expect(brief.thread).toEqual([]);
  });

  it('recalls the last note the user wrote before the meeting, cut to a few lines', () => {
    const long = `Talked through the rotation programme and the desk's deal flow. ${'She described a typical week in detail. '.repeat(10)}`;
    const noted = jane({
      history: [
        { at: new Date('2025-11-20T15:00:00Z'), kind: 'meeting', summary: 'Call with Jane' },
        { at: new Date('2025-11-20T17:00:00Z'), kind: 'note', summary: 'Ask about the\nCFA sponsorship.' },
        { at: new Date('2026-01-15T18:00:00Z'), kind: 'note', summary: long },
        { at: new Date('2026-03-11T09:00:00Z'), kind: 'note', summary: 'Written after the meeting' },
      ],
    });
    const brief = buildMeetingBrief(input({ people: [noted], thread: null }));
    expect(brief.history.slice(0, 2)).toEqual([
      'Jane Doe: 1 earlier meeting and 2 notes, since November 20, 2025.',
      'You last met on November 20, 2025 (Call with Jane).',
    ]);
    const line = brief.history[2]!;
    expect(line).toMatch(/^Your note from January 15: “Talked through the rotation programme and the desk's deal flow\. She described .*\w…”$/);
    expect(line.length).toBeLessThan(340);
    expect(brief.history.join(' ')).not.toContain('Written after the meeting');

    const onlyNote = jane({ history: [{ at: new Date('2026-02-10T12:00:00Z'), kind: 'note', summary: 'Met at the career fair;\nlikes sailing.' }] });
    expect(buildMeetingBrief(input({ people: [onlyNote], thread: null })).history).toEqual([
      'Jane Doe: 1 note, since February 10.',
      'Your note from February 10: “Met at the career fair; likes sailing.”',
    ]);
  });

  it('with someone new and nothing known, still gives a brief that says so', () => {
    const stranger: BriefPerson = {
      name: null, address: 'kim@example.org', title: null, howWeMet: null, referredBy: 'Jane Doe',
      company: null, history: [], referralsGiven: [],
    };
    const brief = buildMeetingBrief(input({ people: [stranger], thread: null, field: '' }));
    expect(brief.people).toEqual(['kim@example.org; referred by Jane Doe.']);
    expect(brief.history).toEqual(['This is your first contact with kim@example.org in the log.']);
    expect(brief.company).toEqual([]);
    expect(brief.questionsToAsk).toEqual([
      'How did you get into your current role, and what does a typical week look like?',
      'Is there anyone else you think I should talk to?',
      'What do you wish you had known when you were starting out?',
    ]);
  });
});
