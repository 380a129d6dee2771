/**
 * Names as a letter uses them. Display names come from mail headers and address books, so
 * they arrive as "Doe, Jane", "Dr. Jane Doe", "Jane Doe, PhD" or an address.
 */

const HONORIFICS = /^(dr|mr|mrs|ms|mx|miss|prof|professor|sir|dame|rev)\.?$/i;
const SUFFIXES = /^(jr|sr|ii|iii|iv|phd|ph\.d|md|mba|cfa|cpa|esq|pe|dds)\.?$/i;
const INITIAL = /^\p{L}\.$/u;

/** The given name to greet someone by, or null when `fullName` holds no usable name. */
export function firstNameOf(fullName: string): string | null {
  const name = fullName.replace(/["“”]/g, '').trim();
  if (!name || name.includes('@')) return null;
  const words = reorderLastFirst(name)
    .split(/\s+/)
    .filter((w) => w && !HONORIFICS.test(w));
  // "J. Robert Smith" goes by Robert; a lone initial is still better than nothing.
  return words.find((w) => !INITIAL.test(w)) ?? words[0] ?? null;
}

/** "Doe, Jane" → "Jane Doe"; "Jane Doe, PhD" → "Jane Doe". */
function reorderLastFirst(name: string): string {
  const parts = name.split(',').map((p) => p.trim()).filter(Boolean);
  const kept = parts.filter((p, i) => i === 0 || !p.split(/\s+/).every((w) => SUFFIXES.test(w)));
  if (kept.length === 2) return `${kept[1]} ${kept[0]}`;
  return kept.join(' ');
}

/** Names joined for a sentence: "A", "A and B", "A, B, and C"; blanks and repeats dropped. */
export function joinNames(names: readonly string[]): string {
  const unique = [...new Set(names.map((n) => n.trim()).filter(Boolean))];
  if (unique.length <= 2) return unique.join(' and ');
  return `${unique.slice(0, -1).join(', ')}, and ${unique.at(-1)}`;
}
