import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors.ts';
import { createRenderer, DRAFT_KINDS, REQUIRED_FIELDS, type DraftFields } from '../../../src/templates/index.ts';
import { fullFields, NOW } from './full-fields.ts';

const renderer = createRenderer();
const NAMELESS_GREETING = /(dear|hi|hello)\s*,/i;

describe('missing fields', () => {
  it.each(DRAFT_KINDS)('%s with no fields at all lists what is needed and shows placeholders', (kind) => {
    const result = renderer.render(kind, { user: {}, contact: {}, now: NOW });
    expect(result.status).toBe('needs_input');
    expect(result.status === 'needs_input' && result.missing).toEqual(REQUIRED_FIELDS[kind].map((r) => r.path));
    expect(result.draft.text.split('\n')[0]).toMatch(/^(Dear|Hi) \[contact first name\],$/);
    expect(result.draft.text).toContain('[your name]');
    expect(result.draft.text).not.toMatch(NAMELESS_GREETING);
    expect(result.draft.subject).not.toBe('');
  });

  it('counts blank and whitespace-only values as missing', () => {
    const fields = fullFields({ takeaway: '  \n\t ', contact: { firstName: ' ', fullName: '' } });
    const result = renderer.render('thank_you', fields);
    expect(result).toMatchObject({ status: 'needs_input', missing: ['contact.firstName', 'takeaway'] });
    expect(result.draft.text).toContain('Hi [contact first name],');
    expect(result.draft.text).toContain('\n\n[what you took from the conversation]\n\n');
  });

  it('derives the first name from the full name before calling it missing', () => {
    const result = renderer.render('check_in', fullFields({ contact: { fullName: 'Doe, Jane' } }));
    expect(result.status).toBe('ready');
    expect(result.draft.text.startsWith('Hi Jane,\n')).toBe(true);
  });

  it('does not greet an email address', () => {
    const result = renderer.render('check_in', fullFields({ contact: { fullName: 'jane.doe@acme.example' } }));
    expect(result).toMatchObject({ status: 'needs_input', missing: ['contact.firstName'] });
  });

  it('thank_you needs the meeting, and puts a placeholder where its day goes', () => {
    const result = renderer.render('thank_you', fullFields({ meeting: null, thread: null }));
    expect(result).toMatchObject({ status: 'needs_input', missing: ['meeting.start'] });
    expect(result.draft.text).toContain('Thank you for our conversation on [meeting date]');
    expect(result.draft.subject).toBe('Thank you for your time on [meeting date]');
  });

  it('an invalid meeting date counts as missing', () => {
    const result = renderer.render('thank_you', fullFields({ meeting: { start: new Date('nonsense') } }));
    expect(result).toMatchObject({ status: 'needs_input', missing: ['meeting.start'] });
  });

  it('outreach needs a referrer or a source, and takes either', () => {
    const neither = renderer.render('outreach_request', fullFields({ referrer: null, contact: { firstName: 'Jane' } }));
    expect(neither).toMatchObject({ status: 'needs_input', missing: ['contact.source'] });
    expect(neither.draft.text).toContain('I came across your name through [how you got their name].');
    expect(renderer.render('outreach_request', fullFields({ referrer: null })).status).toBe('ready');
    expect(renderer.render('outreach_request', fullFields({ contact: { firstName: 'Jane' } })).status).toBe('ready');
  });

  it('referral_intro needs the referrer and names the gap in the subject and first line', () => {
    const result = renderer.render('referral_intro', fullFields({ referrer: { name: '' } }));
    expect(result).toMatchObject({ status: 'needs_input', missing: ['referrer.name'] });
    expect(result.draft.subject).toBe('[who referred you] suggested I get in touch');
    expect(result.draft.text).toContain('\n\n[who referred you] suggested that I reach out to you.');
  });

  it('leaves optional parts out rather than printing blanks', () => {
    const fields: DraftFields = {
      user: { name: 'Alex Chen', fieldOfInterest: 'energy' },
      contact: { firstName: 'Jane', source: 'a panel at the Energy Forum' },
      now: NOW,
    };
    const { status, draft } = renderer.render('outreach_request', fields);
    expect(status).toBe('ready');
    expect(draft.text).toContain('My name is Alex Chen. I came across your name through a panel at the Energy Forum.');
    expect(draft.text).toContain('would value your perspective.');
    expect(draft.text).not.toMatch(/ ,| \.|\bat \.|\bas \./);
  });
});

describe('fields no user could fix', () => {
  it('rejects an unknown time zone, a bad follow-up number and a bad clock', () => {
    const badZone = fullFields({ meeting: { start: NOW, timeZone: 'Pacific Standard Time' } });
    expect(() => renderer.render('thank_you', badZone)).toThrow(/meeting\.timeZone.*Pacific Standard Time/);
    expect(() => renderer.render('follow_up', fullFields({ followUpNumber: 0 }))).toThrow(InvalidInputError);
    expect(() => renderer.render('check_in', fullFields({ now: new Date(Number.NaN) }))).toThrow(InvalidInputError);
  });
});
