import { describe, expect, it } from 'vitest';
import { parseTargetsCsv } from '../../../src/approval/plan-targets-csv.ts';
import { InvalidInputError } from '../../../src/core/errors.ts';

describe('reading a target list', () => {
  it('reads named columns in any order, quoted values with commas, quotes and line breaks', () => {
    const text = [
      'Email,Name,Company,How you got their name,Referred by,Field',
      'jane.doe@acme.example,Jane Doe,"Acme, Inc.",the alumni directory,,',
      'SAM@Initech.example,"Sam ""Sammy"" Lee",Initech,,Prof. Lee,"data',
      'engineering"',
      '',
      'kim@example.org,Kim Park,,,,',
    ].join('\r\n');
    const { rows, problems, hasHeader } = parseTargetsCsv(text);
    expect(hasHeader).toBe(true);
    expect(problems).toEqual([]);
    expect(rows).toEqual([
      { line: 2, name: 'Jane Doe', email: 'jane.doe@acme.example', company: 'Acme, Inc.', title: null, source: 'the alumni directory', referrer: null, field: null },
      { line: 3, name: 'Sam "Sammy" Lee', email: 'sam@initech.example', company: 'Initech', title: null, source: null, referrer: 'Prof. Lee', field: 'data engineering' },
      { line: 6, name: 'Kim Park', email: 'kim@example.org', company: null, title: null, source: null, referrer: null, field: null },
    ]);
  });

  it('without a header row, takes name, email, company, source, referrer, field in that order', () => {
    const { rows, hasHeader } = parseTargetsCsv('\uFEFFJane Doe,jane@acme.example,Acme,a talk at school,,renewable energy\n');
    expect(hasHeader).toBe(false);
    expect(rows).toEqual([
      { line: 1, name: 'Jane Doe', email: 'jane@acme.example', company: 'Acme', title: null, source: 'a talk at school', referrer: null, field: 'renewable energy' },
    ]);
  });

  it('reports bad rows with their line numbers and reads the rest', () => {
    const text = [
      'name,email,company',
      'Jane Doe,jane@acme.example,Acme',
      ',nobody@acme.example,Acme',
      'Bob Roe,,Acme',
      'Al Poe,al@,Acme',
      'Jane Again,JANE@acme.example,Acme',
      'Cy Doe,cy@acme.example,Acme, Inc.',
      'Di Lu,di@lu.example,Lu',
    ].join('\n');
    const { rows, problems } = parseTargetsCsv(text);
    expect(rows.map((r) => r.email)).toEqual(['jane@acme.example', 'di@lu.example']);
    expect(problems.map((p) => p.line)).toEqual([3, 4, 5, 6, 7]);
    expect(problems[0]!.message).toMatch(/no name/);
    expect(problems[1]!.message).toMatch(/no email address for Bob Roe/);
    expect(problems[2]!.message).toMatch(/"al@" is not an email address/);
    expect(problems[3]!.message).toMatch(/already on line 2/);
    expect(problems[4]!.message).toMatch(/double quotes/);
  });

  it('reports a quote that is never closed at the line it opens', () => {
    const { rows, problems } = parseTargetsCsv('name,email\nJane,jane@acme.example\n"Bob,bob@acme.example\n');
    expect(rows).toHaveLength(1);
    expect(problems).toEqual([{ line: 3, message: expect.stringMatching(/never closed/) }]);
  });

  it('refuses a header without the columns no row can do without', () => {
    expect(() => parseTargetsCsv('email,company\njane@acme.example,Acme\n')).toThrow(InvalidInputError);
    expect(() => parseTargetsCsv('email,company\n')).toThrow(/no name column/);
  });
});
