import { describe, expect, it } from 'vitest';
import { describeDay, formatDate } from '../../../src/templates/date-wording.ts';
import { toSubjectHeader } from '../../../src/templates/header-text.ts';
import { createRenderer } from '../../../src/templates/index.ts';
import { firstNameOf, joinNames } from '../../../src/templates/person-name.ts';
import { textToHtml } from '../../../src/templates/text-to-html.ts';
import { fullFields } from './full-fields.ts';

describe('describeDay', () => {
  const now = new Date('2025-03-06T14:00:00Z'); // Thursday
  const zone = 'America/Chicago';
  it.each([
    ['2025-03-06T15:00:00Z', 'today'],
    ['2025-03-05T20:00:00Z', 'yesterday'],
    ['2025-03-07T20:00:00Z', 'tomorrow'],
    ['2025-03-04T15:00:00Z', 'on Tuesday'],
    ['2025-02-28T15:00:00Z', 'on Friday'],
    ['2025-02-20T15:00:00Z', 'on February 20'],
    ['2024-12-30T15:00:00Z', 'on December 30, 2024'],
  ])('%s is "%s" on a Thursday in Chicago', (iso, words) => {
    expect(describeDay(new Date(iso), now, zone)).toBe(words);
  });

  it('counts days in the time zone given: 02:00 UTC Thursday is still Wednesday in Chicago', () => {
    expect(describeDay(new Date('2025-03-06T02:00:00Z'), now, zone)).toBe('yesterday');
    expect(describeDay(new Date('2025-03-06T02:00:00Z'), now, 'UTC')).toBe('today');
  });
});

describe('formatDate', () => {
  it('formats in the time zone given', () => {
    const date = new Date('2025-03-04T23:30:00Z');
    expect(formatDate(date, 'America/New_York', 'full')).toBe('Tuesday, March 4, 2025');
    expect(formatDate(date, 'Asia/Tokyo', 'full')).toBe('Wednesday, March 5, 2025');
    expect(formatDate(date, 'America/New_York', 'time')).toBe('6:30 PM');
  });
});

describe('firstNameOf', () => {
  it.each([
    ['Jane Doe', 'Jane'],
    ['Doe, Jane', 'Jane'],
    ['Dr. Jane Doe', 'Jane'],
    ['Jane Doe, PhD', 'Jane'],
    ['"Jane Doe"', 'Jane'],
    ['J. Robert Smith', 'Robert'],
    ['Zoë Ångström', 'Zoë'],
    ['Łukasz Żółć', 'Łukasz'],
    ['Ngozi Okonjo-Iweala', 'Ngozi'],
    ['jane.doe@acme.example', null],
    ['   ', null],
  ])('%s → %s', (name, first) => {
    expect(firstNameOf(name)).toBe(first);
  });
});

describe('joinNames', () => {
  it('joins with commas and "and", dropping blanks and repeats', () => {
    expect(joinNames([])).toBe('');
    expect(joinNames(['Maria Lopez'])).toBe('Maria Lopez');
    expect(joinNames(['Maria Lopez', ' ', 'Kim Lee'])).toBe('Maria Lopez and Kim Lee');
    expect(joinNames(['A', 'B', 'C', 'B'])).toBe('A, B, and C');
  });
});

describe('toSubjectHeader', () => {
  it('leaves one "Re: " whatever the client wrote', () => {
    expect(toSubjectHeader('RE: Re: AW: Coffee')).toBe('Re: Coffee');
    expect(toSubjectHeader('Re[3]:Coffee')).toBe('Re: Coffee');
    expect(toSubjectHeader('Resume review')).toBe('Resume review');
  });
});

describe('textToHtml', () => {
  it('makes paragraphs and escapes every character that means something in HTML', () => {
    expect(textToHtml('A & B\n<b>"x"</b>\n\nC\'s')).toBe('<p>A &amp; B<br>\n&lt;b&gt;&quot;x&quot;&lt;/b&gt;</p>\n<p>C&#39;s</p>');
  });
});

describe('unicode names and text', () => {
  const renderer = createRenderer();

  it('keeps accented, non-Latin and right-to-left names intact in the subject, text and HTML', () => {
    const fields = fullFields({
      user: { ...fullFields().user, name: 'Siobhán Ní Bhriain', fieldOfInterest: 'énergie renouvelable' },
      contact: { fullName: 'José Álvarez-Núñez' },
      referrer: { name: '李小龍' },
      referrals: ['Zoë Ångström', 'محمد علي', 'Łukasz Żółć'],
    });
    const intro = renderer.render('referral_intro', fields);
    expect(intro.status).toBe('ready');
    expect(intro.draft.subject).toBe('李小龍 suggested I get in touch');
    expect(intro.draft.text.startsWith('Dear José,\n\n李小龍 suggested that I reach out to you.')).toBe(true);
    expect(intro.draft.text).toContain('My name is Siobhán Ní Bhriain');
    expect(intro.draft.html).toContain('a career in énergie renouvelable');

    const thanks = renderer.render('thank_you', fields).draft.text;
    expect(thanks).toContain('speak with Zoë Ångström, محمد علي, and Łukasz Żółć.');
  });
});
