/**
 * A subset of Gmail's search syntax for messages.list `q`: operators (in: label: from: to:
 * cc: bcc: subject: after: before: newer_than: older_than: is: rfc822msgid: category: has:
 * filename: larger: smaller:), bare words and "quoted phrases", a leading `-` to negate,
 * OR, ( ) groups and { } OR-groups. Unknown operators are searched as text, as Gmail does.
 */
import { badRequest } from './errors.ts';
import type { MessageFacts } from './message-facts.ts';
import { wallToUtc } from './time-zones.ts';

export interface SearchTarget {
  labelIds: string[];
  internalDate: number;
  sizeEstimate: number;
  facts: MessageFacts;
}

export interface CompiledQuery {
  matches(target: SearchTarget): boolean;
  /** The query names spam or trash itself (in:trash, in:anywhere), so they are not hidden. */
  readonly includesSpamTrash: boolean;
}

type Node =
  | { kind: 'and' | 'or'; nodes: Node[] }
  | { kind: 'not'; node: Node }
  | { kind: 'term'; key: string | null; value: string };

type Token = { type: 'punct'; value: string } | { type: 'term'; key: string | null; value: string };

/** Gmail reads dates in queries as midnight Pacific time. */
const QUERY_ZONE = 'America/Los_Angeles';

const CATEGORIES: Record<string, string> = {
  primary: 'CATEGORY_PERSONAL', personal: 'CATEGORY_PERSONAL', social: 'CATEGORY_SOCIAL',
  promotions: 'CATEGORY_PROMOTIONS', updates: 'CATEGORY_UPDATES', forums: 'CATEGORY_FORUMS',
};

const IN_NAMES: Record<string, string> = {
  inbox: 'INBOX', sent: 'SENT', draft: 'DRAFT', drafts: 'DRAFT', spam: 'SPAM', trash: 'TRASH',
  starred: 'STARRED', important: 'IMPORTANT', unread: 'UNREAD', chats: 'CHAT',
};

export function compileQuery(q: string, context: Context): CompiledQuery {
  const tokens = tokenize(q);
  let at = 0;
  const peek = () => tokens[at];
  const isPunct = (value: string) => {
    const t = peek();
    return t?.type === 'punct' && t.value === value;
  };
  const sequence = (close: string | null): Node[] => {
    const nodes: Node[] = [];
    while (at < tokens.length && !(close && isPunct(close))) nodes.push(disjunction());
    if (close) {
      if (!isPunct(close)) throw badRequest(`Invalid query: missing '${close}'`);
      at++;
    }
    return nodes;
  };
  const disjunction = (): Node => {
    const nodes = [unary()];
    while (isPunct('OR')) {
      at++;
      nodes.push(unary());
    }
    return nodes.length === 1 ? (nodes[0] as Node) : { kind: 'or', nodes };
  };
  const unary = (): Node => {
    const token = tokens[at++];
    if (!token) throw badRequest('Invalid query: unexpected end');
    if (token.type === 'term') return { kind: 'term', key: token.key, value: token.value };
    if (token.value === '-') return { kind: 'not', node: unary() };
    if (token.value === '(') return { kind: 'and', nodes: sequence(')') };
    if (token.value === '{') return { kind: 'or', nodes: sequence('}') };
    throw badRequest(`Invalid query: unexpected '${token.value}'`);
  };
  const root: Node = { kind: 'and', nodes: sequence(null) };
  const spamTrash = tokens.some(
    (t) => t.type === 'term' && (t.key === 'in' || t.key === 'label') && /^(spam|trash|anywhere)$/i.test(t.value),
  );
  return { matches: (target) => evaluate(root, target, context), includesSpamTrash: spamTrash };
}

function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if ('(){}'.includes(c) || (c === '-' && i + 1 < q.length && !/\s/.test(q[i + 1] as string))) {
      tokens.push({ type: 'punct', value: c });
      i++;
    } else if (c === '"') {
      const end = q.indexOf('"', i + 1);
      const stop = end === -1 ? q.length : end;
      tokens.push({ type: 'term', key: null, value: q.slice(i + 1, stop) });
      i = stop + 1;
    } else {
      const word = /^[^\s(){}"]+/.exec(q.slice(i))?.[0] ?? c;
      i += word.length;
      const operator = /^([a-z_0-9]+):(.*)$/i.exec(word);
      if (word === 'OR' || word === '|') tokens.push({ type: 'punct', value: 'OR' });
      else if (word === 'AND') continue;
      else if (!operator) tokens.push({ type: 'term', key: null, value: word });
      else {
        let value = operator[2] ?? '';
        if (value === '' && (q[i] === '"' || q[i] === '(')) {
          const close = q[i] === '"' ? '"' : ')';
          const end = q.indexOf(close, i + 1);
          const stop = end === -1 ? q.length : end;
          value = q.slice(i + 1, stop);
          i = stop + 1;
        }
        tokens.push({ type: 'term', key: (operator[1] ?? '').toLowerCase(), value });
      }
    }
  }
  return tokens;
}

function evaluate(node: Node, target: SearchTarget, context: Context): boolean {
  switch (node.kind) {
    case 'and':
      return node.nodes.every((n) => evaluate(n, target, context));
    case 'or':
      return node.nodes.some((n) => evaluate(n, target, context));
    case 'not':
      return !evaluate(node.node, target, context);
    case 'term':
      return matchTerm(node.key, node.value, target, context);
  }
}

interface Context {
  nowMs: number;
  owner: string;
}

type Operator = (value: string, target: SearchTarget, context: Context) => boolean;

const addressIn = (header: 'from' | 'to' | 'cc' | 'bcc'): Operator => (value, { facts }, { owner }) =>
  facts[header].includes(value.toLowerCase() === 'me' ? owner : value.toLowerCase());

/** Gmail's operators; `value` is the text after the colon. */
const OPERATORS: Record<string, Operator> = {
  from: addressIn('from'),
  to: addressIn('to'),
  cc: addressIn('cc'),
  bcc: addressIn('bcc'),
  subject: (value, { facts }) => containsWords(facts.subject, value),
  in: (value, { labelIds }) => hasLabel(labelIds, value.toLowerCase()),
  label: (value, { labelIds }) => hasLabel(labelIds, value.toLowerCase()),
  is: (value, { labelIds }) => (value.toLowerCase() === 'read' ? !labelIds.includes('UNREAD') : hasLabel(labelIds, value.toLowerCase())),
  category: (value, { labelIds }) => labelIds.includes(CATEGORIES[value.toLowerCase()] ?? `CATEGORY_${value.toUpperCase()}`),
  rfc822msgid: (value, { facts }) => facts.messageId === value.replace(/^<|>$/g, ''),
  has: (value, { facts, labelIds }) =>
    value.toLowerCase() === 'attachment' ? facts.hasAttachment : value.toLowerCase() === 'userlabels' && labelIds.some(isUserLabel),
  filename: (value, { facts }) => facts.filenames.some((f) => f.toLowerCase().includes(value.toLowerCase())),
  after: (value, target) => target.internalDate >= parseQueryDate(value),
  before: (value, target) => target.internalDate < parseQueryDate(value),
  newer_than: (value, target, { nowMs }) => target.internalDate > ago(value, nowMs),
  older_than: (value, target, { nowMs }) => target.internalDate < ago(value, nowMs),
  larger: (value, target) => target.sizeEstimate > parseSize(value),
  smaller: (value, target) => target.sizeEstimate < parseSize(value),
};

function matchTerm(key: string | null, value: string, target: SearchTarget, context: Context): boolean {
  const operator = key === null ? undefined : OPERATORS[key];
  if (operator) return operator(value, target, context);
  // Bare words, and unknown operators, which Gmail searches as text.
  return containsWords(`${target.facts.subject} ${target.facts.text}`, key === null ? value : `${key}:${value}`);
}

function hasLabel(labelIds: string[], name: string): boolean {
  if (name === 'anywhere') return true;
  const system = IN_NAMES[name];
  if (system) return labelIds.includes(system);
  const wanted = labelKey(name);
  return labelIds.some((l) => labelKey(l) === wanted);
}

function labelKey(label: string): string {
  return label.toLowerCase().replace(/[\s/_-]+/g, '-');
}

function isUserLabel(label: string): boolean {
  return !/^(INBOX|SENT|DRAFT|SPAM|TRASH|UNREAD|STARRED|IMPORTANT|CHAT|CATEGORY_\w+)$/.test(label);
}

/** Whole-word, case-insensitive: every word of `needle`, in order and adjacent. */
function containsWords(haystack: string, needle: string): boolean {
  const words = wordsOf(needle);
  if (words.length === 0) return true;
  return ` ${wordsOf(haystack).join(' ')} `.includes(` ${words.join(' ')} `);
}

function wordsOf(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}@.'_-]+/u).map((w) => w.replace(/^[.'_-]+|[.'_-]+$/g, '')).filter(Boolean);
}

/** `2024/06/01`, `2024-6-1` (midnight Pacific) or epoch seconds. */
function parseQueryDate(value: string): number {
  if (/^\d{9,}$/.test(value)) return Number(value) * 1000;
  const m = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(value);
  if (!m) throw badRequest(`Invalid date in query: ${value}`);
  return wallToUtc(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])), QUERY_ZONE);
}

/** `newer_than:2d` / `3m` / `1y`: the instant that long before now. */
function ago(value: string, nowMs: number): number {
  const m = /^(\d+)([dmy])$/i.exec(value);
  if (!m) throw badRequest(`Invalid relative date in query: ${value}`);
  const n = Number(m[1]);
  const date = new Date(nowMs);
  const unit = (m[2] ?? 'd').toLowerCase();
  if (unit === 'd') return nowMs - n * 86_400_000;
  if (unit === 'm') date.setUTCMonth(date.getUTCMonth() - n);
  else date.setUTCFullYear(date.getUTCFullYear() - n);
  return date.getTime();
}

function parseSize(value: string): number {
  const m = /^(\d+)([km]?)$/i.exec(value);
  if (!m) throw badRequest(`Invalid size in query: ${value}`);
  const unit = (m[2] ?? '').toLowerCase();
  return Number(m[1]) * (unit === 'm' ? 1_048_576 : unit === 'k' ? 1024 : 1);
}
