import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRenderer, TemplateError } from '../../../src/templates/index.ts';
import { fullFields } from './full-fields.ts';

const roots: string[] = [];
afterAll(() => roots.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

/** An overrides folder holding `files` (relative path → content), removed after the file. */
function overridesWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-templates-'));
  roots.push(dir);
  for (const [relative, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    fs.writeFileSync(path.join(dir, relative), content);
  }
  return dir;
}

function renderError(run: () => unknown): TemplateError {
  try {
    run();
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('expected a TemplateError');
}

const defaults = createRenderer();

describe('template overrides', () => {
  it('replace one kind and leave the others as they were', () => {
    const dir = overridesWith({
      'thank_you.hbs': '{{!-- Mine. --}}\nSubject: Thanks, {{contact.firstName}}!\n\n{{> greeting}}\n\nCheers for the {{meeting.kind}}.\n\n{{> signature}}\n',
    });
    const renderer = createRenderer({ overridesDir: dir });
    const thanks = renderer.render('thank_you', fullFields()).draft;
    expect(thanks.subject).toBe('Thanks, Jane!');
    expect(thanks.text).toBe('Hi Jane,\n\nCheers for the call.\n\nBest regards,\nAlex Chen\nalex.chen@example.edu');
    expect(renderer.render('check_in', fullFields()).draft).toEqual(defaults.render('check_in', fullFields()).draft);
  });

  it('are read and compiled once: a later change on disk needs a new renderer', () => {
    const dir = overridesWith({ 'check_in.hbs': 'Subject: First\n\nHi {{contact.firstName}},\n' });
    const renderer = createRenderer({ overridesDir: dir });
    expect(renderer.render('check_in', fullFields()).draft.subject).toBe('First');
    fs.writeFileSync(path.join(dir, 'check_in.hbs'), 'Subject: Second\n\nHi {{contact.firstName}},\n');
    expect(renderer.render('check_in', fullFields()).draft.subject).toBe('First');
    expect(createRenderer({ overridesDir: dir }).render('check_in', fullFields()).draft.subject).toBe('Second');
  });

  it('cannot put a line break into the subject, even with a multi-line value', () => {
    const dir = overridesWith({ 'thank_you.hbs': 'Subject: {{takeaway}}\n\nHi {{contact.firstName}},\n' });
    const takeaway = 'Great advice.\r\nBcc: everyone@example.com\n\nMore.';
    const { subject } = createRenderer({ overridesDir: dir }).render('thank_you', fullFields({ takeaway })).draft;
    expect(subject).toBe('Great advice. Bcc: everyone@example.com More.');
  });

  it('replace a partial in every kind that uses it', () => {
    const dir = overridesWith({ 'partials/signature.hbs': 'Warmly,\n{{user.name}} · {{user.email}}\n' });
    const renderer = createRenderer({ overridesDir: dir });
    for (const kind of ['outreach_request', 'check_in'] as const) {
      expect(renderer.render(kind, fullFields()).draft.text).toMatch(/\n\nWarmly,\nAlex Chen · alex\.chen@example\.edu$/);
    }
  });

  it('may add partials of their own', () => {
    const dir = overridesWith({
      'check_in.hbs': 'Subject: Hello\n{{> greeting}}\n{{> ps}}\n',
      'partials/ps.hbs': 'P.S. {{update}}',
    });
    const { text } = createRenderer({ overridesDir: dir }).render('check_in', fullFields()).draft;
    expect(text).toBe(`Hi Jane,\nP.S. ${fullFields().update}`);
  });

  it('report a syntax error with the file and line, and the other kinds still render', () => {
    const dir = overridesWith({
      'follow_up.hbs': '{{!-- Broken on line 4. --}}\nSubject: Hello\n\n{{#if contact.firstName}}Hi\n{{/each}}\n',
    });
    const renderer = createRenderer({ overridesDir: dir });
    const error = renderError(() => renderer.render('follow_up', fullFields()));
    expect(error.file).toBe(path.join(dir, 'follow_up.hbs'));
    expect(error.line).toBe(4);
    expect(error.message).toMatch(/follow_up\.hbs:4: if doesn't match each/);
    expect(renderer.render('thank_you', fullFields()).status).toBe('ready');
    expect(renderError(() => renderer.render('follow_up', fullFields()))).toBe(error); // compiled once
  });

  it('report a parser error in the subject line with its line', () => {
    const dir = overridesWith({ 'check_in.hbs': '{{!--\n  two-line comment\n--}}\nSubject: Hi {{contact.firstName\n\nBody\n' });
    const error = renderError(() => createRenderer({ overridesDir: dir }).render('check_in', fullFields()));
    expect(error.message).toMatch(/check_in\.hbs:4: syntax error/);
  });

  it('report a misspelt field or an unknown helper with its line, instead of leaving a blank', () => {
    const dir = overridesWith({
      'check_in.hbs': 'Subject: Hello\n\nHi {{contact.nickname}},\n',
      'thank_you.hbs': 'Subject: Hello\n\n\n{{shout contact.firstName}}\n',
    });
    const renderer = createRenderer({ overridesDir: dir });
    expect(renderError(() => renderer.render('check_in', fullFields())).message).toMatch(
      /check_in\.hbs:3: "nickname" not defined/,
    );
    expect(renderError(() => renderer.render('thank_you', fullFields())).message).toMatch(
      /thank_you\.hbs:4: .*unknown helper shout/,
    );
  });

  it('report a broken partial by its own file, for the kinds that use it only', () => {
    const dir = overridesWith({
      'partials/greeting.hbs': 'Hello {{contact.firstName,\n',
      'thank_you.hbs': 'Subject: Thanks\n\nThank you, {{contact.firstName}}.\n',
    });
    const renderer = createRenderer({ overridesDir: dir });
    const error = renderError(() => renderer.render('check_in', fullFields()));
    expect(error.file).toBe(path.join(dir, 'partials', 'greeting.hbs'));
    expect(error.line).toBe(1);
    expect(error.message).toMatch(/greeting\.hbs:1: syntax error:\nHello \{\{contact\.firstName,\n-+\^\nunexpected 'INVALID'$/);
    expect(renderer.render('thank_you', fullFields()).draft.text).toBe('Thank you, Jane.');
  });

  it('report a partial that does not exist, and a file without a subject line', () => {
    const dir = overridesWith({
      'check_in.hbs': 'Subject: Hi\n\n{{> footer}}\n',
      'follow_up.hbs': '{{!-- no subject --}}\nHi {{contact.firstName}},\n',
    });
    const renderer = createRenderer({ overridesDir: dir });
    expect(renderError(() => renderer.render('check_in', fullFields())).message).toMatch(
      /check_in\.hbs:3: no partial named "footer"/,
    );
    expect(renderError(() => renderer.render('follow_up', fullFields())).message).toMatch(
      /follow_up\.hbs:2: expected a "Subject: …" line/,
    );
  });

  it('refuse a greeting that renders without a name', () => {
    const dir = overridesWith({ 'check_in.hbs': 'Subject: Hi\n\nDear {{contact.title}},\n' });
    const fields = fullFields({ contact: { firstName: 'Jane' } });
    expect(renderError(() => createRenderer({ overridesDir: dir }).render('check_in', fields)).message).toMatch(
      /greeting renders without a name/,
    );
  });

  it('are all checked at once by check(), including files that match no kind', () => {
    const dir = overridesWith({
      'thankyou.hbs': 'Subject: typo in the file name\n',
      'follow_up.hbs': 'Subject: {{#if}}\n',
      'partials/unused.hbs': '{{/if}}',
    });
    const problems = createRenderer({ overridesDir: dir }).check();
    expect(problems.map((p) => path.relative(dir, p.file)).sort()).toEqual([
      'follow_up.hbs',
      path.join('partials', 'unused.hbs'),
      'thankyou.hbs',
    ]);
    expect(createRenderer().check()).toEqual([]);
  });

  it('must be in a folder that exists', () => {
    const missing = path.join(os.tmpdir(), 'rapport-templates-no-such-folder');
    expect(() => createRenderer({ overridesDir: missing })).toThrow(/no-such-folder: the template overrides folder does not exist/);
  });
});
