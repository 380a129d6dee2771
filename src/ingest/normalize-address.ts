/**
 * Turns the address strings mail clients and exports produce into the one form rapport
 * keys contacts by, or rejects strings that only look like addresses.
 */

/**
 * Exchange wraps foreign addresses as `IMCEA<type>-<encoded>@<gateway>`. NOTES and SMTP
 * wrappers hide a real Internet address; EX (and others) hide an X.400 path with none.
 */
const ENCAPSULATED = /^imcea([a-z]+)-(.*)@[^@]*$/i;
const DECODABLE_ENCAPSULATION = new Set(['notes', 'smtp']);

/** Characters RFC 5322 forbids in an unquoted local part, plus whitespace. */
const BAD_LOCAL_CHAR = /[\s<>()[\]\\,;:"@]/u;
/** One DNS label: letters or digits (any script, for IDNs) with inner hyphens. */
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?$/u;

/**
 * Normalises one e-mail address: trims it, strips angle brackets, surrounding quotes and
 * `mailto:`, lower-cases it and drops a trailing dot of the domain. Exchange-encapsulated
 * Lotus Notes addresses (`IMCEANOTES-VKaminski+40aol+2Ecom+40ENRON@ENRON.com`) are decoded
 * to the address they carry (`vkaminski@aol.com`).
 *
 * Dots in the local part are kept as they are: `j..kaminski@enron.com` is a real mailbox.
 *
 * @returns the address, or null when the string is not a usable Internet address
 *   (no `@`, empty parts, spaces, Lotus Notes or X.400 names such as
 *   `Vince J Kaminski/HOU/ECT@ECT` or `/O=ENRON/OU=NA/CN=RECIPIENTS/CN=VKAMINS`, or a
 *   domain without a dot such as Notes' internal `@ECT`).
 */
export function normalizeAddress(raw: string): string | null {
  const value = unwrap(raw);
  const encapsulated = ENCAPSULATED.exec(value);
  if (encapsulated) return decodeEncapsulated(encapsulated[1] ?? '', encapsulated[2] ?? '');
  const at = value.lastIndexOf('@');
  if (at < 0) return null;
  const local = unquoteLocal(value.slice(0, at));
  const domain = value.slice(at + 1).replace(/\.$/, '');
  if (!local || BAD_LOCAL_CHAR.test(local) || !isDomain(domain)) return null;
  return `${local}@${domain}`.toLowerCase();
}

/** Peels the wrappers clients put around an address, in any nesting: `<mailto:x@y>`, `'x@y'`. */
function unwrap(raw: string): string {
  let value = raw.trim();
  for (;;) {
    const next = value
      .replace(/^<(.*)>$/s, '$1')
      .replace(/^'(.*)'$/s, '$1')
      .replace(/^mailto:/i, '')
      .trim();
    if (next === value) return value;
    value = next;
  }
}

/** `"michael.enbar"@enron.com` is the same mailbox as `michael.enbar@enron.com`. */
function unquoteLocal(local: string): string {
  const quoted = /^"([^"\\]*)"$/.exec(local);
  return quoted ? (quoted[1] ?? '') : local;
}

function isDomain(domain: string): boolean {
  const labels = domain.split('.');
  // A single label is a Notes domain (`@ECT`) or a local host, never someone's mailbox.
  return labels.length >= 2 && labels.every((label) => DOMAIN_LABEL.test(label));
}

/**
 * Decodes `+XX` hex escapes (`+40` is `@`, `+2E` is `.`). What comes out is either an
 * address or a whole Notes mailbox (`"Steve Mitnick" <SMitnick@earthlink.net>`), each
 * followed by the Notes domain it came through (`@ENRON`), which is not part of it.
 */
function decodeEncapsulated(kind: string, encoded: string): string | null {
  if (!DECODABLE_ENCAPSULATION.has(kind.toLowerCase())) return null;
  const decoded = encoded.replace(/\+([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  const bracketed = /<([^<>]*)>/.exec(decoded);
  const inner = bracketed ? (bracketed[1] ?? '') : decoded.replace(/@[^@.]*$/, '');
  // Only accept a plain address: a second wrapper inside would be a loop, not an address.
  return ENCAPSULATED.test(inner.trim()) ? null : normalizeAddress(inner);
}
