import { describe, expect, it } from 'vitest';
import { createRenderer, MAX_SUBJECT_LENGTH } from '../../../src/templates/index.ts';
import { fullFields } from './full-fields.ts';

const renderer = createRenderer();

describe('values from mail are data', () => {
  it('prints template syntax in a name literally instead of running it', () => {
    const fields = fullFields({
      contact: { firstName: '{{user.email}}', source: '{{#each referrals}}{{this}}{{/each}}' },
      referrer: null,
    });
    const { text } = renderer.render('outreach_request', fields).draft;
    expect(text.startsWith('Dear {{user.email}},\n')).toBe(true);
    expect(text).toContain('through {{#each referrals}}{{this}}{{/each}}.');
    expect(text).not.toContain('Dear alex.chen@example.edu');
  });

  it('prints markup literally in the text and escaped in the HTML', () => {
    const fields = fullFields({ company: { name: '<script>alert("x")</script> & Sons' }, referrer: null });
    const { text, html } = renderer.render('outreach_request', fields).draft;
    expect(text).toContain('at <script>alert("x")</script> & Sons.');
    expect(html).toContain('at &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Sons.');
    expect(html).not.toMatch(/<script/i);
  });

  it('does not HTML-escape apostrophes or ampersands in the mail text', () => {
    const fields = fullFields({ contact: { firstName: "D'Arcy" }, company: { name: 'Johnson & Johnson' } });
    const { text } = renderer.render('check_in', fields).draft;
    expect(text.startsWith("Hi D'Arcy,\n")).toBe(true);
    expect(text).toContain('at Johnson & Johnson?');
    expect(text).not.toMatch(/&amp;|&#x27;|&#39;/);
  });
});

describe('the subject is a header', () => {
  it('drops CR/LF and other control characters from a value that goes into it', () => {
    const thread = { subject: 'Coffee?\r\nBcc: everyone@example.com\u0000\u0007 \u202Eevil' };
    const { subject } = renderer.render('follow_up', fullFields({ thread })).draft;
    expect(subject).toBe('Re: Coffee? Bcc: everyone@example.com evil');
    expect(subject).not.toMatch(/\p{Cc}|\u202E/u);
  });

  it('keeps values on one line in the subject even when they hold several', () => {
    const referrer = { name: 'Sam\nRivera\r\nTo: x@example.com' };
    const { subject } = renderer.render('referral_intro', fullFields({ referrer })).draft;
    expect(subject).toBe('Sam Rivera To: x@example.com suggested I get in touch');
  });

  it('keeps markup in the subject as it is: the subject is plain text, escaped where it is shown', () => {
    const thread = { subject: '<script>alert(1)</script>' };
    expect(renderer.render('thank_you', fullFields({ thread })).draft.subject).toBe('Re: <script>alert(1)</script>');
  });

  it('is cut at a word boundary when a value makes it too long', () => {
    const user = { ...fullFields().user, fieldOfInterest: `${'very '.repeat(40)}long field` };
    const { subject } = renderer.render('outreach_request', fullFields({ user })).draft;
    expect([...subject].length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
    expect(subject).toMatch(/ very…$/);
  });

  it('never cuts through a character made of several code points', () => {
    const user = { ...fullFields().user, fieldOfInterest: '👩🏽‍💻'.repeat(130) };
    const { subject } = renderer.render('outreach_request', fullFields({ user })).draft;
    expect(subject.endsWith('👩🏽‍💻…')).toBe(true);
  });
});

describe('control characters in the body', () => {
  it('are removed, while the user’s line breaks stay', () => {
    const takeaway = 'First line.\u0000\u001b[31m\r\nSecond line.';
    const { text } = renderer.render('thank_you', fullFields({ takeaway })).draft;
    expect(text).toContain('\n\nFirst line.[31m\nSecond line.\n\n');
    expect(text).not.toMatch(/(?!\n)\p{Cc}/u);
  });
});
