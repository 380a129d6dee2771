import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../../src/core/errors.ts';
import { composeMessage, newMessageId, type OutgoingMessage } from '../../../src/delivery/compose-message.ts';

const ME = { address: 'alex.student@university.example', name: 'Alex Student' };
const ANA = { address: 'ana@example.org', name: 'Ana Ruiz' };

function message(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    from: ME,
    to: [ANA],
    subject: 'Coffee chat?',
    text: 'Hello Ana,\n\nThursday at 10 works for me.\n\nAlex',
    messageId: 'rapport.0123456789abcdef@university.example',
    date: new Date('2024-06-01T10:00:00Z'),
    ...overrides,
  };
}

const parse = (m: OutgoingMessage): Promise<ParsedMail> => simpleParser(composeMessage(m));
const addresses = (field: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((f) => f.value);
/** The header block as it was written, one entry per (unfolded) header field. */
const headerFields = (raw: Buffer) =>
  raw.toString('latin1').split('\r\n\r\n')[0]!.replace(/\r\n[ \t]/g, ' ').split('\r\n');

describe('composeMessage: what the recipient sees', () => {
  it('writes sender, recipients, subject, date, Message-ID and the text body', async () => {
    const mail = await parse(message({ cc: [{ address: 'sam@example.org' }] }));
    expect(addresses(mail.from)).toEqual([{ address: ME.address, name: ME.name }]);
    expect(addresses(mail.to)).toEqual([{ address: ANA.address, name: ANA.name }]);
    expect(addresses(mail.cc)).toEqual([{ address: 'sam@example.org', name: '' }]);
    expect(mail.subject).toBe('Coffee chat?');
    expect(mail.date?.toISOString()).toBe('2024-06-01T10:00:00.000Z');
    expect(mail.messageId).toBe('<rapport.0123456789abcdef@university.example>');
    expect(mail.text).toBe('Hello Ana,\n\nThursday at 10 works for me.\n\nAlex');
    expect(mail.html).toBe(false);
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'text/plain', params: { charset: 'UTF-8' } });
    expect(mail.headers.get('mime-version')).toBe('1.0');
  });

  it('encodes non-ASCII subjects, names and bodies so they read back unchanged', async () => {
    const subject = 'Re: Café à Zürich — 会議の件 🙂 '.repeat(4).trim();
    const text = `Grüße aus Köln,\n${'ñ'.repeat(120)}\n🙂 Ünïcödé = fine`;
    const raw = composeMessage(message({ subject, text, to: [{ address: 'jose@example.org', name: 'José Ñúñez 山田' }] }));
    expect(Math.max(...raw.toString('ascii').split('\r\n').map((l) => l.length))).toBeLessThanOrEqual(78);
    const mail = await simpleParser(raw);
    expect(mail.subject).toBe(subject);
    expect(mail.text).toBe(text);
    expect(addresses(mail.to)).toEqual([{ address: 'jose@example.org', name: 'José Ñúñez 山田' }]);
  });

  it('writes multipart/alternative with the text first when there is HTML', async () => {
    const html = '<p>Hello Ana,</p><p>Thursday at 10 works for me. Ça va?</p>';
    const mail = await parse(message({ html }));
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(mail.text).toBe('Hello Ana,\n\nThursday at 10 works for me.\n\nAlex');
    expect(mail.html).toBe(html);
  });

  it('round-trips display names with quotes, commas, backslashes and apostrophes', async () => {
    const names = ['Dana "DJ" O\'Neil, PhD', 'Ruiz, Ana', 'back\\slash', 'J. R. R. Smith', '=?UTF-8?B?Zm9v?='];
    const mail = await parse(message({ to: names.map((name, i) => ({ address: `p${i}@example.org`, name })) }));
    expect(addresses(mail.to)).toEqual(names.map((name, i) => ({ address: `p${i}@example.org`, name })));
  });

  it('writes internationalised domains in their ASCII form', async () => {
    const raw = composeMessage(message({ to: [{ address: 'bob@bücher.example' }] }));
    expect(headerFields(raw)).toContain('To: bob@xn--bcher-kva.example');
  });

  it('gives the same bytes for the same input', () => {
    const m = message({ html: '<p>Hi</p>' });
    expect(composeMessage(m).equals(composeMessage(m))).toBe(true);
  });
});

describe('composeMessage: threading', () => {
  it('answers with In-Reply-To and References = their References + their Message-ID', async () => {
    const mail = await parse(
      message({ subject: 'Re: Coffee chat?', inReplyTo: 'CAF123@mail.example.org', references: ['CAE999@mail.example.org', '<CAE998@mail.example.org>'] }),
    );
    expect(mail.inReplyTo).toBe('<CAF123@mail.example.org>');
    expect(mail.references).toEqual(['<CAE999@mail.example.org>', '<CAE998@mail.example.org>', '<CAF123@mail.example.org>']);
    expect(mail.subject).toBe('Re: Coffee chat?');
  });

  it('lists an id once when the References already end with the answered message', async () => {
    const mail = await parse(message({ inReplyTo: '<b@x.example>', references: ['a@x.example', 'b@x.example'] }));
    expect(mail.references).toEqual(['<a@x.example>', '<b@x.example>']);
  });

  it('keeps the first and the latest ids of a very long thread', async () => {
    const references = Array.from({ length: 80 }, (_, i) => `id${i}@x.example`);
    const mail = await parse(message({ inReplyTo: 'last@x.example', references }));
    const refs = mail.references as string[];
    expect(refs).toHaveLength(50);
    expect(refs[0]).toBe('<id0@x.example>');
    expect(refs.slice(-2)).toEqual(['<id79@x.example>', '<last@x.example>']);
  });

  it('writes no threading headers for a new conversation', async () => {
    const mail = await parse(message());
    expect(mail.inReplyTo).toBeUndefined();
    expect(mail.references).toBeUndefined();
  });
});

describe('composeMessage: no input adds a header', () => {
  it('keeps a subject with CR/LF on one Subject line and adds no Bcc', async () => {
    const subject = 'Hi\r\nBcc: evil@x.example';
    const raw = composeMessage(message({ subject }));
    const mail = await simpleParser(raw);
    expect(mail.bcc).toBeUndefined();
    expect(mail.headers.has('bcc')).toBe(false);
    expect(mail.subject).toBe('Hi Bcc: evil@x.example');
    const fields = headerFields(raw);
    expect(fields.filter((f) => /^subject:/i.test(f))).toHaveLength(1);
    expect(fields.filter((f) => /^bcc:/i.test(f))).toHaveLength(0);
  });

  it('drops bare CR, LF, NUL, other controls, line separators and bidi overrides from subjects and names', async () => {
    const mail = await parse(
      message({
        subject: 'A\rB\nC\u0000D\u0085E\u2028F\u202Eg',
        to: [{ address: ANA.address, name: 'Ana\nBcc: evil@x.example\r\nX-Evil: 1' }],
      }),
    );
    expect(mail.subject).toBe('A B C D E Fg');
    expect(addresses(mail.to)).toEqual([{ address: ANA.address, name: 'Ana Bcc: evil@x.example X-Evil: 1' }]);
    expect(mail.headers.has('bcc')).toBe(false);
    expect(mail.headers.has('x-evil')).toBe(false);
  });

  it.each([
    ['two addresses', 'a@example.org, b@example.org'],
    ['a name with the address', 'Ana <ana@example.org>'],
    ['a line break', 'ana@example.org\r\nBcc: evil@x.example'],
    ['a bare LF', 'ana@example.org\nBcc: evil@x.example'],
    ['no @', 'ana.example.org'],
    ['no domain dot', 'ana@localhost'],
    ['an empty local part', '@example.org'],
    ['a space', 'ana ruiz@example.org'],
    ['a quoted local part', '"ana"@example.org'],
    ['an empty value', ''],
  ])('rejects a recipient address with %s', (_label, address) => {
    expect(() => composeMessage(message({ to: [{ address }] }))).toThrow(InvalidInputError);
    expect(() => composeMessage(message({ to: [{ address }] }))).toThrow(/To address 1 must be one email address/);
  });

  it('rejects a bad From or Cc address the same way', () => {
    expect(() => composeMessage(message({ from: { address: 'me@x.example>\r\nBcc: e@x.example' } }))).toThrow(/From address/);
    expect(() => composeMessage(message({ cc: [{ address: 'ok@example.org' }, { address: 'x' }] }))).toThrow(/Cc address 2/);
  });

  it.each<[string, Partial<OutgoingMessage>]>([
    ['messageId', { messageId: 'abc@x.example>\r\nBcc: evil@x.example' }],
    ['messageId', { messageId: 'no-at-sign' }],
    ['inReplyTo', { inReplyTo: 'a@x.example> <b@x.example' }],
    ['references', { references: ['ok@x.example', 'bad id@x.example'] }],
  ])('rejects a malformed %s', (_field, overrides) => {
    expect(() => composeMessage(message(overrides))).toThrow(InvalidInputError);
  });

  it('needs a recipient and a valid date', () => {
    expect(() => composeMessage(message({ to: [] }))).toThrow(/at least one To recipient/);
    expect(() => composeMessage(message({ date: new Date('nonsense') }))).toThrow(InvalidInputError);
  });
});

describe('composeMessage: line lengths and bytes', () => {
  it('writes 7-bit lines of at most 78 characters, even for long text, names and subjects', () => {
    const raw = composeMessage(
      message({
        subject: `${'Subject words '.repeat(12)}${'x'.repeat(100)}`,
        to: Array.from({ length: 6 }, (_, i) => ({ address: `person.${i}@example.org`, name: `Person Number ${i}, Ph.D.` })),
        cc: [{ address: 'x@example.org', name: 'ü'.repeat(80) }, { address: 'y@example.org', name: 'A very long plain ASCII display name, longer than sixty characters' }],
        text: `${'x'.repeat(500)}\n${'ä'.repeat(300)} \n${'word '.repeat(200)}`,
        html: `<p>${'long html '.repeat(100)}</p>`,
        inReplyTo: 'in.reply.to@example.org',
        references: Array.from({ length: 10 }, (_, i) => `reference-${i}@mail.example.org`),
      }),
    );
    expect([...raw].every((byte) => byte < 128)).toBe(true);
    const text = raw.toString('ascii');
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = text.split('\r\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(78);
  });

  it('keeps every line within 998 characters when a single id is long', () => {
    const raw = composeMessage(message({ references: [`${'r'.repeat(240)}@x.example`], inReplyTo: `${'i'.repeat(240)}@x.example` }));
    const lines = raw.toString('ascii').split('\r\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(998);
  });
});

describe('newMessageId', () => {
  it('is random, in the sender\'s domain and usable as a Message-ID', async () => {
    const ids = new Set(Array.from({ length: 100 }, () => newMessageId('alex.student@university.example')));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^rapport\.[0-9a-f]{32}@university\.example$/);
    const id = [...ids][0]!;
    expect((await parse(message({ messageId: id }))).messageId).toBe(`<${id}>`);
  });

  it('uses the ASCII form of an internationalised domain and refuses a bad address', () => {
    expect(newMessageId('me@bücher.example')).toMatch(/@xn--bcher-kva\.example$/);
    expect(() => newMessageId('not an address')).toThrow(InvalidInputError);
  });
});
