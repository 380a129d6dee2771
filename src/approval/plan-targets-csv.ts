import { InvalidInputError } from '../core/errors.ts';

/**
 * Reads a target list: a CSV file (RFC 4180: commas, values with commas, quotes or line
 * breaks in double quotes) with these columns, named in a header row in any order, or
 * without a header in this order:
 *
 *   name, email, company, source, referrer, field[, title]
 *
 * `name` and `email` are required; `source` is how the user got the name ("the alumni
 * directory"), `referrer` who gave it to them ("Prof. Lee"), `field` the field to mention
 * when it is not the user's usual one. Bad rows are reported with their line number and
 * the rest are read. Pure.
 */

export const TARGET_COLUMNS = ['name', 'email', 'company', 'source', 'referrer', 'field', 'title'] as const;
export type TargetColumn = (typeof TARGET_COLUMNS)[number];

export interface TargetRow {
  /** The line of the file the row starts on (1 = the first line). */
  line: number;
  name: string;
  email: string;
  company: string | null;
  title: string | null;
  source: string | null;
  referrer: string | null;
  field: string | null;
}

export interface TargetProblem {
  line: number;
  message: string;
}

export interface ParsedTargets {
  rows: TargetRow[];
  problems: TargetProblem[];
  hasHeader: boolean;
}

// Header names people write, normalised (lower case, runs of space, "_" and "-" as one space).
const HEADER_ALIASES: Readonly<Record<string, TargetColumn>> = {
  name: 'name', 'full name': 'name', 'contact name': 'name',
  email: 'email', 'e mail': 'email', 'email address': 'email', 'e mail address': 'email',
  company: 'company', organization: 'company', organisation: 'company', employer: 'company',
  source: 'source', 'how you got their name': 'source', 'how i got their name': 'source', 'how we met': 'source',
  referrer: 'referrer', 'referred by': 'referrer', referral: 'referrer',
  field: 'field', 'field of interest': 'field',
  title: 'title', 'job title': 'title', position: 'title',
};

const MAX_VALUE_LENGTH = 200;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:".]+$/;

/** Parses the text of a target list. Throws InvalidInputError only when no row can be read. */
export function parseTargetsCsv(text: string): ParsedTargets {
  const { records, problem } = splitRecords(text.replace(/^\uFEFF/, ''));
  const filled = records.filter((r) => r.cells.some((c) => c.trim() !== ''));
  const first = filled[0];
  const hasHeader = first !== undefined && first.cells.some((c) => HEADER_ALIASES[normaliseHeader(c)] === 'email');
  const columns = hasHeader ? headerColumns(first!) : [...TARGET_COLUMNS];
  const problems: TargetProblem[] = [];
  const rows: TargetRow[] = [];
  const seen = new Map<string, number>();
  for (const record of hasHeader ? filled.slice(1) : filled) {
    const row = toRow(record, columns);
    if ('message' in row) {
      problems.push(row);
      continue;
    }
    const earlier = seen.get(row.email);
    if (earlier !== undefined) {
      problems.push({ line: row.line, message: `${row.email} is already on line ${earlier}; the first one is kept.` });
      continue;
    }
    seen.set(row.email, row.line);
    rows.push(row);
  }
  if (problem) problems.push(problem);
  return { rows, problems, hasHeader };
}

/** The column of each header cell (null: a column rapport does not use). */
function headerColumns(header: CsvRecord): (TargetColumn | null)[] {
  const columns = header.cells.map((c) => HEADER_ALIASES[normaliseHeader(c)] ?? null);
  const missing = (['name', 'email'] as const).filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    throw new InvalidInputError(
      `The header row (line ${header.line}) has no ${missing.join(' or ')} column. Name the columns ${TARGET_COLUMNS.join(', ')} (name and email are required).`,
    );
  }
  return columns;
}

function toRow(record: CsvRecord, columns: readonly (TargetColumn | null)[]): TargetRow | TargetProblem {
  const line = record.line;
  const extra = record.cells.slice(columns.length).filter((c) => c.trim() !== '');
  if (extra.length > 0) {
    return { line, message: `has ${record.cells.length} values but there are ${columns.length} columns; put a value that holds a comma in double quotes.` };
  }
  const value = (column: TargetColumn): string | null => {
    const i = columns.indexOf(column);
    const raw = i === -1 ? '' : (record.cells[i] ?? '');
    const clean = raw.replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ').replace(/\s+/g, ' ').trim();
    return clean === '' ? null : clean;
  };
  const name = value('name');
  const email = value('email')?.toLowerCase() ?? null;
  if (!name) return { line, message: 'has no name; fill in the "name" column.' };
  if (!email) return { line, message: `has no email address for ${name}; fill in the "email" column.` };
  if (!EMAIL.test(email)) return { line, message: `"${email}" is not an email address (expected something like jane.doe@example.com).` };
  const row: TargetRow = {
    line, name, email, company: value('company'), title: value('title'), source: value('source'),
    referrer: value('referrer'), field: value('field'),
  };
  const long = (Object.entries(row) as [string, unknown][]).find(([, v]) => typeof v === 'string' && v.length > MAX_VALUE_LENGTH);
  if (long) return { line, message: `the ${long[0]} is longer than ${MAX_VALUE_LENGTH} characters.` };
  return row;
}

function normaliseHeader(cell: string): string {
  return cell.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
}

interface CsvRecord {
  line: number;
  cells: string[];
}

/** RFC 4180 records with the line each starts on; an unclosed quote ends the file with a problem. */
function splitRecords(text: string): { records: CsvRecord[]; problem: TargetProblem | null } {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let quoteLine = 0;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line += 1;
        cell += ch;
      }
    } else if (ch === '"' && cell.trim() === '') {
      quoted = true;
      quoteLine = line;
      cell = '';
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
      cells.push(cell);
      records.push({ line: recordLine, cells });
      cells = [];
      cell = '';
      line += 1;
      recordLine = line;
    } else cell += ch;
  }
  if (quoted) {
    return { records, problem: { line: quoteLine, message: 'a double quote opened here is never closed; the rest of the file was not read.' } };
  }
  if (cell !== '' || cells.length > 0) records.push({ line: recordLine, cells: [...cells, cell] });
  return { records, problem: null };
}
