/**
 * Partial responses: the `fields` parameter (`messages(id,threadId),nextPageToken`,
 * `payload/headers`) keeps only the named parts of a JSON answer, as Google's APIs do.
 *
 *   fields   := selector (',' selector)*
 *   selector := name ('/' name)* ('(' fields ')')?
 */
import { badRequest } from './errors.ts';

/** name -> what to keep inside it (null = all of it). */
type Selection = Map<string, Selection | null>;

export function selectFields(value: unknown, fields: string): unknown {
  return apply(value, parse(fields.replace(/\s+/g, '')));
}

function parse(text: string): Selection {
  let at = 0;
  const invalid = () => badRequest(`Invalid field selection ${text}`);
  const name = (): string => {
    const found = /^[^,()/]+/.exec(text.slice(at))?.[0];
    if (!found) throw invalid();
    at += found.length;
    return found;
  };
  const list = (): Selection => {
    const selection: Selection = new Map();
    for (;;) {
      const path = [name()];
      while (text[at] === '/') {
        at++;
        path.push(name());
      }
      let leaf: Selection | null = null;
      if (text[at] === '(') {
        at++;
        leaf = list();
        if (text[at] !== ')') throw invalid();
        at++;
      }
      insert(selection, path, leaf);
      if (text[at] !== ',') return selection;
      at++;
    }
  };
  const selection = list();
  if (at !== text.length) throw invalid();
  return selection;
}

function insert(selection: Selection, path: string[], leaf: Selection | null): void {
  const [head, ...rest] = path as [string, ...string[]];
  const had = selection.has(head);
  const existing = selection.get(head) ?? null;
  if (rest.length === 0) {
    selection.set(head, had && (existing === null || leaf === null) ? null : had ? new Map([...(existing ?? []), ...(leaf ?? [])]) : leaf);
    return;
  }
  if (had && existing === null) return; // already kept whole
  const inner: Selection = existing ?? new Map();
  selection.set(head, inner);
  insert(inner, rest, leaf);
}

function apply(value: unknown, selection: Selection): unknown {
  if (Array.isArray(value)) return value.map((v) => apply(v, selection));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [name, inner] of selection) {
    const field = (value as Record<string, unknown>)[name];
    if (field !== undefined) out[name] = inner ? apply(field, inner) : field;
  }
  return out;
}
