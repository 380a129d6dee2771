/** Renders rows as left-aligned columns for a terminal. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A date as YYYY-MM-DD HH:MM in UTC, or an empty string. */
export function formatTime(date: Date | null): string {
  return date ? date.toISOString().slice(0, 16).replace('T', ' ') : '';
}

/** A date as YYYY-MM-DD in UTC, or an empty string. */
export function formatDay(date: Date | null): string {
  return date ? date.toISOString().slice(0, 10) : '';
}

/** JSON with dates as ISO strings, one document. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
