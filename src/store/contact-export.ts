import { contactTimeline, listContacts, type ContactSummary, type TimelineEntry } from './contact-queries.ts';
import type { Queryable } from './database.ts';

export type ExportFormat = 'csv' | 'json' | 'vcf';

export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'json', 'vcf'];

/** The media type and file name of each format, for a download. */
export const EXPORT_FILES: Record<ExportFormat, { type: string; name: string }> = {
  csv: { type: 'text/csv; charset=utf-8', name: 'rapport-contacts.csv' },
  json: { type: 'application/json; charset=utf-8', name: 'rapport-contacts.json' },
  vcf: { type: 'text/vcard; charset=utf-8', name: 'rapport-contacts.vcf' },
};

export interface ContactWithTimeline extends ContactSummary {
  interactions: TimelineEntry[];
}

/** Every contact of the log with their timeline, as the export writes them. */
export async function loadContactLog(db: Queryable): Promise<ContactWithTimeline[]> {
  const full: ContactWithTimeline[] = [];
  for (const c of await listContacts(db)) full.push({ ...c, interactions: await contactTimeline(db, c.id) });
  return full;
}

/** Serialises the contact log in one of the export formats. */
export function exportContacts(format: ExportFormat, contacts: readonly ContactWithTimeline[]): string {
  switch (format) {
    case 'json':
      return JSON.stringify({ contacts }, null, 2) + '\n';
    case 'csv':
      return toCsv(contacts);
    case 'vcf':
      return contacts.map(toVcard).join('');
  }
}

// New columns go at the end, so that scripts reading columns by position keep working.
const CSV_HEADERS = ['id', 'name', 'emails', 'company', 'company_domain', 'first_contact', 'last_contact', 'interactions', 'referred_by', 'title'];

function toCsv(contacts: readonly ContactSummary[]): string {
  const rows = contacts.map((c) => [
    String(c.id), c.name ?? '', c.addresses.join(' '), c.company ?? '', c.companyDomain ?? '',
    c.firstContactAt?.toISOString() ?? '', c.lastContactAt?.toISOString() ?? '', String(c.interactionCount), c.referredBy ?? '',
    c.title ?? '',
  ]);
  return [CSV_HEADERS, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

function csvCell(value: string): string {
  // A leading = + - @ would run as a formula in a spreadsheet; quote it as text.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function toVcard(c: ContactSummary): string {
  const name = c.name ?? c.addresses[0] ?? '';
  const parts = name.split(' ');
  const family = parts.length > 1 ? parts[parts.length - 1]! : '';
  const given = parts.length > 1 ? parts.slice(0, -1).join(' ') : name;
  const lines = [
    'BEGIN:VCARD',
    'VERSION:3.0',
    `FN:${vcardText(name)}`,
    `N:${vcardText(family)};${vcardText(given)};;;`,
    ...c.addresses.map((a) => `EMAIL;TYPE=INTERNET:${vcardText(a)}`),
    ...(c.company ? [`ORG:${vcardText(c.company)}`] : []),
    ...(c.title ? [`TITLE:${vcardText(c.title)}`] : []),
    `NOTE:${vcardText(noteOf(c))}`,
    'END:VCARD',
  ];
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

function noteOf(c: ContactSummary): string {
  const first = c.firstContactAt?.toISOString().slice(0, 10) ?? '?';
  const last = c.lastContactAt?.toISOString().slice(0, 10) ?? '?';
  return `${c.interactionCount} interactions, ${first} to ${last}`;
}

function vcardText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\r\n|\r|\n/g, '\\n').replace(/([,;])/g, '\\$1');
}

/**
 * vCard lines are folded at 75 octets; a continuation line starts with a space. The cut
 * falls between code points, so a multi-byte character (or a surrogate pair) stays whole.
 */
function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let bytes = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char);
    if (bytes + size > 75) {
      out.push(current);
      current = ' ';
      bytes = 1;
    }
    current += char;
    bytes += size;
  }
  out.push(current);
  return out.join('\r\n');
}
