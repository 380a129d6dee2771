/**
 * Turns what mail clients and Lotus Notes exports put in display names into the name a
 * person would write ("Vince J. Kaminski"), or nothing when there is no name to keep.
 */

/** Words after a comma that end a name rather than start a given name ("Jack Blanton, Jr."). */
const NAME_SUFFIXES = new Set([
  'jr', 'sr', 'ii', 'iii', 'iv', 'phd', 'md', 'esq', 'cpa', 'cfa', 'mba', 'dds', 'rn',
  'inc', 'ltd', 'llc', 'llp', 'co', 'corp', 'plc', 'gmbh', 'ag', 'sa', 'bv', 'nv',
]);

/** Placeholders some servers write where recipients were hidden: not anybody's name. */
const PLACEHOLDERS = /^(?:undisclosed[- ]recipients?|recipient list suppressed)\b/i;

/**
 * Cleans a display name: strips quotes, backslash escapes and surrounding whitespace,
 * collapses spaces, drops Lotus Notes routing ("Elena Chilkina/Corp/Enron@ECT" → "Elena
 * Chilkina") and a bracketed suffix ("Jane Doe (Acme)" → "Jane Doe"), and turns
 * "Kaminski, Vince J." into "Vince J. Kaminski". Letters of any script are kept.
 *
 * Applying it to its own result changes nothing, so names may be cleaned twice.
 *
 * @param address the address the name came with; a name that only repeats its local part
 *   ("vkaminski" for vkaminski@aol.com) says nothing and is dropped.
 * @returns the name, or null when none is left: empty, an e-mail address or anything
 *   with `@`, the address's local part, a recipients placeholder, or mostly non-letters.
 */
export function cleanDisplayName(raw: string | null | undefined, address?: string): string | null {
  if (!raw) return null;
  // Routing may sit inside the quotes or after them (`"Ehud I. Ronn" @ ENRON`).
  let name = unquote(withoutRouting(unquote(raw.replace(/\s+/g, ' ').trim())));
  name = withoutBracketedSuffix(name);
  name = swapLastFirst(name);
  name = name.replace(/\s+/g, ' ').trim();
  return isPersonName(name, address) ? name : null;
}

/** `"'Shirley Crenshaw'"` and `"Ritwik \(Ronnie\) Ghosh"`: quotes nest, escapes linger. */
function unquote(name: string): string {
  let value = name;
  for (;;) {
    const next = value.replace(/^(["'])(.*)\1$/s, '$2').trim();
    if (next === value) break;
    value = next;
  }
  // A quote left on one side only belongs to a quoted string the sender split badly.
  return value.replace(/\\(.)/g, '$1').replace(/^["']+|["']+$/g, '').trim();
}

/**
 * Lotus Notes names carry their routing after the person: "Vince J Kaminski/HOU/ECT@ECT",
 * "Sandeep Kohli@Enron", `"Ehud I. Ronn" @ ENRON`. Notes domains never contain dots,
 * which keeps real addresses ("x@aol.com") intact for the `@` check to reject.
 */
function withoutRouting(name: string): string {
  const notesPath = /^([^/]*?)\s*\/[\w.&=-]+(?:\/[\w.&=-]+)*(?:@[\w-]+)*$/u.exec(name);
  if (notesPath) return (notesPath[1] ?? '').trim();
  // Only after a name with a space: "jhenders@newpower@EES" is a mailbox, not a person.
  const notesDomain = /^(\S+\s.*?)\s*@\s*[\w-]+$/u.exec(name);
  return notesDomain ? (notesDomain[1] ?? '').trim() : name;
}

/** "Jane Doe (Acme)", "LOUIS A THOMAS (E-mail)", "Bob [bob@x.com]": the name is before. */
function withoutBracketedSuffix(name: string): string {
  let value = name;
  for (;;) {
    const next = value.replace(/\s*(?:\([^()]*\)|\[[^[\]]*\]|<[^<>]*>)$/u, '').trim();
    if (next === value) return value;
    value = next;
  }
}

/** "Kaminski, Vince J." → "Vince J. Kaminski", only for exactly "Last, First [Middle]". */
function swapLastFirst(name: string): string {
  const parts = name.split(',').map((p) => p.trim());
  if (parts.length !== 2) return name;
  const [last = '', first = ''] = parts;
  const nameWords = /^[\p{L}][\p{L}\p{M}.'’-]*(?: [\p{L}][\p{L}\p{M}.'’-]*){0,2}$/u;
  if (!nameWords.test(last) || !nameWords.test(first.replace(/ \.$/, ''))) return name;
  if (NAME_SUFFIXES.has(first.toLowerCase().replace(/\./g, ''))) return name;
  // "Dalecka, Patrycja ." — a stray initial-dot is noise, not part of the given name.
  return `${first.replace(/ \.$/, '')} ${last}`;
}

function isPersonName(name: string, address: string | undefined): boolean {
  if (!name || name.includes('@') || PLACEHOLDERS.test(name)) return false;
  const at = address?.lastIndexOf('@') ?? -1;
  if (address && at > 0 && name.toLowerCase() === address.slice(0, at).toLowerCase()) return false;
  const visible = name.replace(/\s/g, '');
  const letters = visible.match(/[\p{L}\p{M}]/gu)?.length ?? 0;
  return letters * 2 >= visible.length;
}

/**
 * Parses an Enron / Lotus Notes `X-From`, `X-To` or `X-cc` header into cleaned names, one
 * per item, in order, so they line up with the addresses of From, To and Cc. Items may be
 * bare names ("Vince J Kaminski"), `Name <address>` (the address part may be a Notes or
 * X.400 name), `"Last, First" <address>` (commas inside quotes belong to the name),
 * unquoted `Last, First </O=ENRON/...>`, or `address (Name)`.
 *
 * @returns one entry per item; an item with no usable name gives an empty string.
 */
export function nameFromXHeader(value: string): string[] {
  return mergeUnquotedLastFirst(splitItems(value)).map((item) => cleanDisplayName(namePart(item)) ?? '');
}

/** Splits on commas that are outside quotes, angle brackets and parentheses. */
function splitItems(value: string): string[] {
  const items: string[] = [];
  let current = '';
  let quoted = false;
  let depth = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] ?? '';
    if (ch === '\\' && quoted) {
      current += ch + (value[++i] ?? '');
      continue;
    }
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '<' || ch === '(')) depth++;
    else if (!quoted && (ch === '>' || ch === ')')) depth = Math.max(0, depth - 1);
    if (ch === ',' && !quoted && depth === 0) {
      items.push(current);
      current = '';
    } else current += ch;
  }
  items.push(current);
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * Exchange writes "Gibner, Stinson </O=ENRON/...>" without quotes, so the comma split
 * leaves a lone surname before an item with an address: glue the two back together.
 */
function mergeUnquotedLastFirst(items: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i] ?? '';
    const next = items[i + 1];
    if (next !== undefined && /^[\p{L}'’-]+$/u.test(item) && /^[^"<@]+\s<[^<>]*>$/u.test(next)) {
      out.push(`${item}, ${next}`);
      i++;
    } else out.push(item);
  }
  return out;
}

/** The display-name text of one item: what precedes its first unquoted `<`, or `(Name)`. */
function namePart(item: string): string {
  const oldStyle = /^[^\s<>"]+@[^\s<>"]+\s*\((.*)\)$/u.exec(item);
  if (oldStyle) return oldStyle[1] ?? '';
  let quoted = false;
  for (let i = 0; i < item.length; i++) {
    const ch = item[i];
    if (ch === '\\') i++;
    else if (ch === '"') quoted = !quoted;
    else if (ch === '<' && !quoted) return item.slice(0, i);
  }
  return item;
}
