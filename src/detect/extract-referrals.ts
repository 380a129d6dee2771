import type { EmailAddress } from '../core/types.ts';

/** A person a message suggests talking to. */
export interface Referral {
  name: string;
  /** Their address when the message gives it or they are copied on it, else null. */
  address: string | null;
}

// A name stays on one line: a capitalised word on the next line starts something else.
const NAME = String.raw`((?:[A-Z][a-z'’-]+|[A-Z]\.)(?:[ \t]+(?:[A-Z][a-z'’-]+|[A-Z]\.)){0,2})`;
const EMAIL = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;

// Who the person is to the writer, between the verb and the name: "talk to my former
// manager, Omar Haddad", "contact a colleague of mine, Jane Doe".
const RELATION = String.raw`(?:(?:(?:my|our)\s+(?:(?:former|old|current|new|good|close|fellow)\s+)?(?:colleague|co-?worker|manager|boss|friend|mentor|classmate|teammate|partner|director|supervisor|advis[eo]r|contact|counterpart|associate|peer|predecessor|successor)s?|an?\s+(?:colleague|friend|classmate|contact)\s+of\s+(?:mine|ours))\s*,?\s+)?`;

// Phrasings that name the person to talk to right after (or before, for "X is the best person").
const AFTER = [
  String.raw`\b(?:talk|speak|chat)\s+(?:to|with)\s+`,
  String.raw`\b(?:contact|call|e-?mail|write to|reach out to|get in touch with|touch base with)\s+`,
  String.raw`\b(?:forwarded|passed|sent|referred)\s+(?:your|the|his|her)\s+(?:resume|cv|r[ée]sum[ée]|message|note|e-?mail|request)\s+(?:on\s+|along\s+)?to\s+`,
  String.raw`\b(?:copying|cc'?ing|cc-ing)\s+`,
  String.raw`\b(?:introduce|connect) you (?:to|with)\s+`,
  String.raw`\bput you in touch with\s+`,
].map((p) => new RegExp(p + RELATION + NAME, 'g'));
const BEFORE = new RegExp(NAME + String.raw`\s+(?:is|would be)\s+the\s+(?:best|right)\s+person`, 'g');

// Capitalised words that start sentences or name things, not people.
const NOT_NAMES = new Set([
  'I', 'You', 'We', 'He', 'She', 'They', 'It', 'This', 'That', 'Me', 'Us', 'Him', 'Her', 'Them',
  'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday', 'Please', 'Thanks',
  'HR', 'Human', 'Resources', 'The', 'A', 'An', 'My', 'Our', 'Your', 'His',
  'Mr', 'Mr.', 'Ms', 'Ms.', 'Mrs', 'Mrs.', 'Dr', 'Dr.', 'Prof', 'Prof.',
]);

/**
 * Finds the people a message suggests talking to, with an address when it gives one
 * nearby or copies them. Pure; `copied` are the message's To and Cc.
 */
export function extractReferrals(newText: string, copied: readonly EmailAddress[]): Referral[] {
  const found = new Map<string, Referral>();
  const consider = (raw: string | undefined, at: number) => {
    const name = tidyName(raw);
    if (!name || found.has(name.toLowerCase())) return;
    found.set(name.toLowerCase(), { name, address: addressNear(newText, at) ?? addressOf(name, copied) });
  };
  for (const re of AFTER) for (const m of newText.matchAll(re)) consider(m[1], m.index + m[0].length);
  for (const m of newText.matchAll(BEFORE)) consider(m[1], m.index + m[0].length);
  return [...found.values()];
}

function tidyName(raw: string | undefined): string | null {
  if (!raw) return null;
  const words = raw.split(/\s+/).filter((w) => w && !NOT_NAMES.has(w));
  if (words.length === 0 || words.every((w) => /^[A-Z]\.$/.test(w))) return null;
  return words.join(' ');
}

/** An address within a few words after the name: "Jane Doe (jane@acme.com)", "at jane@…". */
function addressNear(text: string, from: number): string | null {
  const window = text.slice(from, from + 40);
  const m = EMAIL.exec(window);
  return m && /^[\s(<,:]*(at\s+)?[\s(<]*$/i.test(window.slice(0, m.index)) ? m[0].toLowerCase() : null;
}

/** The copied person whose display name contains every word of the name given. */
function addressOf(name: string, copied: readonly EmailAddress[]): string | null {
  const words = name.toLowerCase().split(/\s+/);
  const match = copied.find((c) => {
    const display = (c.name ?? c.address.split('@')[0]!.replace(/[._]/g, ' ')).toLowerCase();
    return words.every((w) => display.split(/\s+/).includes(w));
  });
  return match?.address ?? null;
}
