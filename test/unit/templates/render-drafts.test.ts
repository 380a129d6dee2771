import { describe, expect, it } from 'vitest';
import { createRenderer, DRAFT_KINDS, type DraftKind, type RenderedDraft } from '../../../src/templates/index.ts';
import { fullFields, paragraphs } from './full-fields.ts';

const renderer = createRenderer();

function ready(kind: DraftKind, fields = fullFields()): RenderedDraft {
  const result = renderer.render(kind, fields);
  expect(result).toMatchObject({ status: 'ready' });
  return result.draft;
}

describe('every default template with every field given', () => {
  it.each(DRAFT_KINDS)('%s greets the contact by first name and signs with the user’s name', (kind) => {
    const { text, subject } = ready(kind);
    expect(text.split('\n')[0]).toMatch(/^(Dear|Hi) Jane,$/);
    expect(text).toMatch(/\nAlex Chen\nalex\.chen@example\.edu$/);
    expect(subject).not.toMatch(/[\r\n]/);
    expect(text).not.toMatch(/\n{3,}|[ \t]\n|\[|\]/);
  });
});

describe('outreach_request', () => {
  it('says who the user is, how they got the name, the field, and asks for 20–30 minutes, not a job', () => {
    const { subject, text } = ready('outreach_request', fullFields({ referrer: null }));
    expect(subject).toBe('Request for a brief conversation about renewable energy finance');
    expect(text).toContain('My name is Alex Chen, and I am a second-year MBA student at Kellogg.');
    expect(text).toContain('I came across your name through the Kellogg alumni directory');
    expect(text).toContain('a career in renewable energy finance');
    expect(text).toMatch(/20–30 minute conversation/);
    expect(text).toMatch(/not asking about jobs or openings/);
    expect(text).not.toMatch(/\b(hire|hiring|position|vacanc|job opening)/i);
  });

  it('names the referrer instead of the source when someone gave the user the name', () => {
    const { text } = ready('outreach_request');
    expect(text).toContain('Sam Rivera suggested that I get in touch with you.');
    expect(text).not.toContain('alumni directory');
  });

  it('stays short: under 150 words', () => {
    expect(ready('outreach_request').text.split(/\s+/).length).toBeLessThan(150);
  });
});

describe('referral_intro', () => {
  it('names the referrer in its first line and in the subject, then asks like an outreach', () => {
    const { subject, text } = ready('referral_intro');
    expect(paragraphs(text)[1]).toMatch(/^Sam Rivera suggested that I reach out to you\./);
    expect(subject).toBe('Sam Rivera suggested I get in touch');
    expect(text).toContain('Sam thought you would be a good person to learn from, given your work at Acme Power.');
    expect(text).toMatch(/20–30 minute conversation/);
  });
});

describe('follow_up', () => {
  it('replies in the thread with exactly one "Re:", even when the thread subject had several', () => {
    const fields = fullFields({ thread: { subject: 'RE: Re:  re[2]: Request for a brief conversation' } });
    expect(ready('follow_up', fields).subject).toBe('Re: Request for a brief conversation');
    expect(ready('follow_up').subject).toBe('Re: Request for a brief conversation');
  });

  it('gets a subject of its own when there is no thread', () => {
    expect(ready('follow_up', fullFields({ thread: null })).subject).toBe(
      'Following up: a brief conversation about renewable energy finance',
    );
  });

  it('restates the request, names the day of the first note, and is easy to decline', () => {
    const { text } = ready('follow_up');
    expect(text).toContain('I wanted to follow up on my note on February 20');
    expect(text).toMatch(/20–30 minutes/);
    expect(text).toMatch(/renewable energy finance/);
    expect(text).toMatch(/not a good time, I completely understand/);
    expect(text).not.toMatch(/last message|haven't heard|have not heard|disappoint/i);
  });

  it('says the second follow-up is the last one, without guilt', () => {
    const first = ready('follow_up').text;
    const second = ready('follow_up', fullFields({ followUpNumber: 2 })).text;
    expect(second).not.toBe(first);
    expect(second).toContain('I am writing one last time about my note on February 20');
    expect(second).toMatch(/this will be my last message about it/);
    expect(second).toMatch(/there is no need to reply/);
  });
});

describe('thank_you', () => {
  it('names the kind of meeting and its day, the takeaway, and the people suggested', () => {
    const { text } = ready('thank_you', fullFields({ thread: null }));
    expect(paragraphs(text)[1]).toBe(
      'Thank you for our call on Tuesday and for being so generous with your time and advice.',
    );
    expect(paragraphs(text)[2]).toBe(fullFields().takeaway);
    expect(text).toContain('Thank you also for suggesting that I speak with Maria Lopez and Kim Lee. I will follow up with them');
  });

  it('says "yesterday" the day after, and names a single referral by first name', () => {
    const now = new Date('2025-03-05T14:00:00Z');
    const referrals = ['Maria Lopez', ' Maria Lopez '];
    const { text, subject } = ready('thank_you', fullFields({ now, thread: null, referrals }));
    expect(text).toContain('Thank you for our call yesterday');
    expect(text).toContain('speak with Maria Lopez. I will follow up with Maria soon');
    expect(subject).toBe('Thank you for your time yesterday');
  });

  it('leaves out the referral paragraph when nobody was suggested', () => {
    expect(ready('thank_you', fullFields({ referrals: [] })).text).not.toMatch(/suggesting/);
  });

  it('names the day in the meeting’s time zone, not UTC', () => {
    // 23:30 UTC on Tuesday is already Wednesday in Tokyo; drafted on Friday there.
    const now = new Date('2025-03-07T03:00:00Z');
    const start = new Date('2025-03-04T23:30:00Z');
    const inTokyo = ready('thank_you', fullFields({ now, meeting: { start, kind: 'video call', timeZone: 'Asia/Tokyo' } }));
    expect(inTokyo.text).toContain('Thank you for our video call on Wednesday');
    const inChicago = ready('thank_you', fullFields({ now, meeting: { start, kind: 'video call' } }));
    expect(inChicago.text).toContain('Thank you for our video call on Tuesday');
  });

  it('guesses the kind of meeting from the calendar title', () => {
    const meeting = { start: new Date('2025-03-04T15:00:00Z'), summary: 'Coffee with Jane Doe' };
    expect(ready('thank_you', fullFields({ meeting })).text).toContain('Thank you for our coffee on Tuesday');
  });

  it('replies in the request thread when there is one', () => {
    expect(ready('thank_you').subject).toBe('Re: Request for a brief conversation');
  });
});

describe('check_in', () => {
  it('gives the update, asks how they are, shares something, and asks for nothing', () => {
    const { subject, text } = ready('check_in');
    expect(subject).toBe('Checking in, with a quick update');
    expect(text).toContain(fullFields().update!);
    expect(text).toContain('How have things been with you at Acme Power?');
    expect(text).toContain('https://example.org/grid-report');
    expect(text).not.toMatch(/20–30|would you be open|could you|introduce me/i);
  });

  it('offers help instead when the user has nothing to share', () => {
    expect(ready('check_in', fullFields({ share: null })).text).toMatch(/anything I can help with/);
  });
});

describe('signature', () => {
  it('uses the user’s own signature block instead of name and email', () => {
    const user = { ...fullFields().user, signature: 'Alex Chen\r\nMBA Candidate 2026, Kellogg\n+1 312 555 0100' };
    const { text } = ready('check_in', fullFields({ user }));
    expect(text).toMatch(/\n\nAll the best,\nAlex Chen\nMBA Candidate 2026, Kellogg\n\+1 312 555 0100$/);
    expect(text).not.toContain('alex.chen@example.edu');
  });
});

describe('html', () => {
  it('is the text as paragraphs, line breaks kept', () => {
    const { text, html } = ready('thank_you');
    expect(html.match(/<p>/g)).toHaveLength(paragraphs(text).length);
    expect(html).toContain('<p>Best regards,<br>\nAlex Chen<br>\nalex.chen@example.edu</p>');
  });
});
