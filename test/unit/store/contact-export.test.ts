import { describe, expect, it } from 'vitest';
import { exportContacts, type ContactWithTimeline } from '../../../src/store/contact-export.ts';

const contact = (over: Partial<ContactWithTimeline> = {}): ContactWithTimeline => ({
  id: 7,
  name: 'Jane Doe',
  addresses: ['jane.doe@acme.example'],
  company: 'Acme',
  companyDomain: 'acme.example',
  firstContactAt: new Date('2026-03-02T14:15:00Z'),
  lastContactAt: new Date('2026-03-06T16:00:00Z'),
  interactionCount: 2,
  title: null,
  referredBy: null,
  nurture: false,
  interactions: [],
  ...over,
});

/** Parses RFC 4180 CSV (quoted cells, doubled quotes, CRLF records) into rows of cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        cell += ch;
      }
    } else if (ch === '"' && cell === '') {
      quoted = true;
    } else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else {
      cell += ch;
    }
  }
  expect(quoted, 'unterminated quoted cell').toBe(false);
  expect(cell === '' && row.length === 0, 'the last record ends with CRLF').toBe(true);
  return rows;
}

const csvOf = (...contacts: ContactWithTimeline[]) => exportContacts('csv', contacts);
const csvRow = (c: ContactWithTimeline) => parseCsv(csvOf(c))[1]!;

/** The physical lines of a vCard export (split on CRLF, the final empty one dropped). */
const physicalLines = (vcf: string) => {
  expect(vcf.endsWith('\r\n')).toBe(true);
  return vcf.slice(0, -2).split('\r\n');
};
/** Logical lines: folded lines joined again (RFC 6350 §3.2: CRLF + one space is removed). */
const logicalLines = (vcf: string) => vcf.replace(/\r\n /g, '').slice(0, -2).split('\r\n');
const vcardOf = (c: ContactWithTimeline) => exportContacts('vcf', [c]);
const property = (vcf: string, name: string) =>
  logicalLines(vcf).filter((l) => l.startsWith(`${name}:`) || l.startsWith(`${name};`));

describe('exportContacts: csv', () => {
  it('writes a header row, then one CRLF-terminated row per contact', () => {
    const text = csvOf(contact(), contact({ id: 8, name: 'Sam Rivera', addresses: ['sam@acme.example'], title: 'Director' }));
    expect(text).toBe(
      'id,name,emails,company,company_domain,first_contact,last_contact,interactions,referred_by,title\r\n' +
        '7,Jane Doe,jane.doe@acme.example,Acme,acme.example,2026-03-02T14:15:00.000Z,2026-03-06T16:00:00.000Z,2,,\r\n' +
        '8,Sam Rivera,sam@acme.example,Acme,acme.example,2026-03-02T14:15:00.000Z,2026-03-06T16:00:00.000Z,2,,Director\r\n',
    );
  });

  it('writes only the header for an empty log', () => {
    expect(parseCsv(csvOf())).toEqual([
      ['id', 'name', 'emails', 'company', 'company_domain', 'first_contact', 'last_contact', 'interactions', 'referred_by', 'title'],
    ]);
  });

  it('leaves unknown values empty and joins several addresses with a space', () => {
    const c = contact({
      name: null, company: null, companyDomain: null, firstContactAt: null, lastContactAt: null,
      addresses: ['a@x.example', 'b@x.example'],
    });
    expect(csvRow(c)).toEqual(['7', '', 'a@x.example b@x.example', '', '', '', '', '2', '', '']);
  });

  it.each([
    ['a comma', 'Doe, Jane', '"Doe, Jane"'],
    ['double quotes', 'Jane "JD" Doe', '"Jane ""JD"" Doe"'],
    ['a line break', 'Jane\nDoe', '"Jane\nDoe"'],
    ['a CRLF', 'Jane\r\nDoe', '"Jane\r\nDoe"'],
  ])('quotes a cell with %s', (_what, name, cell) => {
    expect(csvOf(contact({ name }))).toContain(`,${cell},`);
    expect(csvRow(contact({ name }))[1]).toBe(name);
  });

  it('keeps every cell in its column whatever the names hold', () => {
    const c = contact({ name: 'Doe, "Jane"\r\nof Acme', company: 'Acme, Inc.' });
    const rows = parseCsv(csvOf(c, c));
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toHaveLength(10);
    expect(rows[1]!.slice(1, 4)).toEqual(['Doe, "Jane"\r\nof Acme', 'jane.doe@acme.example', 'Acme, Inc.']);
  });

  it.each(['=HYPERLINK("http://evil.example","x")', '=1+2', '+1 555 0100', '-2+3', '@SUM(A1:A2)', '\tTab', '\rCR'])(
    'turns a cell starting like a formula into text: %j',
    (name) => {
      const cell = csvRow(contact({ name }))[1]!;
      expect(cell).toBe(`'${name}`);
    },
  );

  it('protects every column, not only the name', () => {
    const c = contact({ company: '=cmd|" /C calc"!A0', addresses: ['@evil.example'] });
    const row = csvRow(c);
    expect(row[2]).toBe("'@evil.example");
    expect(row[3]).toBe(`'=cmd|" /C calc"!A0`);
  });

  it('leaves an ordinary name unquoted, and a = inside a name alone', () => {
    expect(csvOf(contact({ name: 'Jane = Doe' }))).toContain(',Jane = Doe,');
  });
});

describe('exportContacts: vcf', () => {
  it('writes one vCard 3.0 per contact with CRLF line ends', () => {
    const text = exportContacts('vcf', [contact(), contact({ id: 8, name: 'Sam Rivera', addresses: ['sam@acme.example'], title: 'Director, Credit' })]);
    expect(text).not.toMatch(/[^\r]\n/);
    expect(physicalLines(text)).toEqual([
      'BEGIN:VCARD',
      'VERSION:3.0',
      'FN:Jane Doe',
      'N:Doe;Jane;;;',
      'EMAIL;TYPE=INTERNET:jane.doe@acme.example',
      'ORG:Acme',
      'NOTE:2 interactions\\, 2026-03-02 to 2026-03-06',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:3.0',
      'FN:Sam Rivera',
      'N:Rivera;Sam;;;',
      'EMAIL;TYPE=INTERNET:sam@acme.example',
      'ORG:Acme',
      'TITLE:Director\\, Credit',
      'NOTE:2 interactions\\, 2026-03-02 to 2026-03-06',
      'END:VCARD',
    ]);
  });

  it('writes no vCard for an empty log', () => {
    expect(exportContacts('vcf', [])).toBe('');
  });

  it('names a contact without a name by address, one EMAIL line per address, no ORG without a company', () => {
    const vcf = vcardOf(contact({ name: null, company: null, addresses: ['a@x.example', 'b@x.example'] }));
    expect(property(vcf, 'FN')).toEqual(['FN:a@x.example']);
    expect(property(vcf, 'N')).toEqual(['N:;a@x.example;;;']);
    expect(property(vcf, 'EMAIL')).toEqual(['EMAIL;TYPE=INTERNET:a@x.example', 'EMAIL;TYPE=INTERNET:b@x.example']);
    expect(property(vcf, 'ORG')).toEqual([]);
  });

  it('escapes commas, semicolons, backslashes and line breaks in text values', () => {
    const vcf = vcardOf(contact({ name: 'Doe, Jane; PhD', company: 'R&D\\Labs; Acme,\nInc.\r\nEMEA\rWest' }));
    expect(property(vcf, 'FN')).toEqual(['FN:Doe\\, Jane\\; PhD']);
    expect(property(vcf, 'ORG')).toEqual(['ORG:R&D\\\\Labs\\; Acme\\,\\nInc.\\nEMEA\\nWest']);
    // no raw line break survives inside a value: every logical line is a property
    for (const line of logicalLines(vcf)) expect(line).toMatch(/^[A-Z]+[:;]/);
  });

  it('splits the structured name on its last space and escapes each part', () => {
    const vcf = vcardOf(contact({ name: 'Mary Ann Doe-Smith' }));
    expect(property(vcf, 'N')).toEqual(['N:Doe-Smith;Mary Ann;;;']);
    expect(property(vcardOf(contact({ name: 'Jane; Q. Doe,Smith' })), 'N')).toEqual(['N:Doe\\,Smith;Jane\\; Q.;;;']);
  });

  it('folds lines longer than 75 octets, continuation lines starting with a space', () => {
    const company = 'The Very Long Company Name of the International Association of Networking Professionals';
    const vcf = vcardOf(contact({ company }));
    const lines = physicalLines(vcf);
    for (const line of lines) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    const org = lines.findIndex((l) => l.startsWith('ORG:'));
    expect(lines[org]).toHaveLength(75);
    expect(lines[org + 1]!.startsWith(' ')).toBe(true);
    expect(property(vcf, 'ORG')).toEqual([`ORG:${company}`]);
  });

  it('does not fold a line of exactly 75 octets, and folds one of 76', () => {
    const exact = 'x'.repeat(75 - 'ORG:'.length);
    expect(physicalLines(vcardOf(contact({ company: exact })))).toContain(`ORG:${exact}`);
    const over = physicalLines(vcardOf(contact({ company: `${exact}y` })));
    expect(over).toContain(`ORG:${exact}`);
    expect(over).toContain(' y');
  });

  it.each([
    ['two-octet letters', 'é'],
    ['three-octet characters', '東'],
    ['four-octet emoji (surrogate pairs)', '😀'],
  ])('folds by octets without splitting %s', (_what, char) => {
    // offsets 0..3 move the fold point across every byte position of the character
    for (const offset of [0, 1, 2, 3]) {
      const name = `${'x'.repeat(offset)}${char.repeat(60)}`;
      const vcf = vcardOf(contact({ name }));
      expect(Buffer.from(vcf, 'utf8').toString('utf8')).toBe(vcf); // nothing turned into U+FFFD
      const lines = physicalLines(vcf);
      for (const line of lines) {
        expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
        expect(Buffer.from(line, 'utf8').toString('utf8')).toBe(line); // each line is whole UTF-8
      }
      expect(lines.filter((l) => l.startsWith(' ')).length).toBeGreaterThan(0);
      expect(property(vcf, 'FN')).toEqual([`FN:${name}`]);
    }
  });

  it('folds an escaped value and unfolds to the same escaped text', () => {
    const name = 'Doe, Jane; '.repeat(10).trim();
    const vcf = vcardOf(contact({ name }));
    for (const line of physicalLines(vcf)) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(property(vcf, 'FN')).toEqual([`FN:${name.replace(/([,;])/g, '\\$1')}`]);
  });
});

describe('exportContacts: json', () => {
  it('writes { contacts } with dates as ISO 8601 strings, interactions included', () => {
    const c = contact({
      interactions: [
        {
          at: new Date('2026-03-02T14:15:00Z'), kind: 'email_sent', summary: 'Hello', messageKey: 'm1@x.example',
          threadId: 1, threadState: null, meetingStatus: null, source: 'a.mbox', labels: ['request'],
        },
        {
          at: null, kind: 'meeting', summary: 'Coffee', messageKey: null,
          threadId: null, threadState: null, meetingStatus: 'confirmed', source: 'b.ics', labels: [],
        },
      ],
    });
    const text = exportContacts('json', [c, contact({ id: 8, firstContactAt: null, lastContactAt: null })]);
    expect(text.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(text) as { contacts: Record<string, unknown>[] };
    expect(parsed.contacts).toHaveLength(2);
    expect(parsed.contacts[0]).toEqual({
      id: 7,
      name: 'Jane Doe',
      addresses: ['jane.doe@acme.example'],
      company: 'Acme',
      companyDomain: 'acme.example',
      title: null,
      firstContactAt: '2026-03-02T14:15:00.000Z',
      lastContactAt: '2026-03-06T16:00:00.000Z',
      interactionCount: 2,
      referredBy: null,
      nurture: false,
      interactions: [
        {
          at: '2026-03-02T14:15:00.000Z', kind: 'email_sent', summary: 'Hello', messageKey: 'm1@x.example',
          threadId: 1, threadState: null, meetingStatus: null, source: 'a.mbox', labels: ['request'],
        },
        {
          at: null, kind: 'meeting', summary: 'Coffee', messageKey: null,
          threadId: null, threadState: null, meetingStatus: 'confirmed', source: 'b.ics', labels: [],
        },
      ],
    });
    expect(parsed.contacts[1]).toMatchObject({ firstContactAt: null, lastContactAt: null });
  });

  it('writes an empty list for an empty log', () => {
    expect(JSON.parse(exportContacts('json', []))).toEqual({ contacts: [] });
  });
});
