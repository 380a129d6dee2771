import regjsparser, { type RootNode } from 'regjsparser';

// A CommonJS module whose exports Node cannot list for a named import.
const { parse } = regjsparser;
// What the patterns may use beyond the basics: lookbehind, named groups.
const FEATURES = { lookbehind: true, namedGroups: true } as const;
type Node = RootNode<typeof FEATURES>;

// More alternatives than this are not worth enumerating: exact strings of a part of a
// pattern, and literals one of which a pattern requires (one automaton looks for them all
// at once, so a long list costs little; see literal-gate).
const MAX_STRINGS = 64;
const MAX_REQUIRED = 512;
// Literals shorter than this are in nearly every text, so they filter nothing.
const MIN_USEFUL_LENGTH = 3;

/**
 * Literals one of which every match of `pattern` contains ("informational", "coffee
 * chat", …), worked out from its source; lower case when the pattern ignores case. Null
 * when it cannot tell, or when the only candidates are too short to filter anything.
 * Sound by construction: it only ever drops a requirement it cannot prove.
 */
export function requiredLiterals(pattern: RegExp): string[] | null {
  // Only plain and case-insensitive patterns: other flags change what a literal matches.
  if (!/^i?$/.test(pattern.flags)) return null;
  let root: Node;
  try {
    root = parse(pattern.source, pattern.flags, FEATURES);
  } catch {
    return null;
  }
  const literals = new Analysis(pattern.flags === 'i').required(root);
  return literals && literals.every((s) => s.length >= MIN_USEFUL_LENGTH) ? literals : null;
}

/**
 * For each node of the pattern, either the exact strings it can match (a short, finite
 * list) or literals one of which each of its matches contains; null for "anything".
 */
class Analysis {
  constructor(private readonly folded: boolean) {}

  /** Every string the node can match, when they are few; null otherwise. */
  exact(node: Node): string[] | null {
    switch (node.type) {
      case 'value':
        return this.char(node.codePoint);
      case 'anchor':
        return ['']; // consumes nothing
      case 'characterClass': {
        if (node.negative) return null;
        const chars = new Set<string>();
        for (const member of node.body) {
          if (member.type !== 'value') return null;
          const c = this.char(member.codePoint);
          if (!c) return null;
          chars.add(c[0]!);
        }
        return chars.size > 0 && chars.size <= MAX_STRINGS ? [...chars] : null;
      }
      case 'group':
        // A lookaround consumes nothing; ignoring what it asserts keeps the result sound.
        return node.behavior === 'normal' || node.behavior === 'ignore' ? this.sequenceExact(node.body) : [''];
      case 'alternative':
        return this.sequenceExact(node.body);
      case 'disjunction': {
        const all = new Set<string>();
        for (const branch of node.body) {
          const strings = this.exact(branch);
          if (!strings) return null;
          for (const s of strings) all.add(s);
        }
        return all.size <= MAX_STRINGS ? [...all] : null;
      }
      case 'quantifier': {
        const body = this.exact(node.body[0]);
        if (!body || node.max === undefined || node.max > 1) return null;
        if (node.min === 1) return body; // {1}, {1,1}
        return node.max === 0 ? [''] : unique(['', ...body]); // ?, {0,1}
      }
      default:
        return null; // ., \d, \s, \w, ranges, back-references
    }
  }

  /** Literals one of which every match contains; null when nothing is certain. */
  required(node: Node): string[] | null {
    const exact = this.exact(node);
    if (exact) return exact.includes('') ? null : exact;
    switch (node.type) {
      case 'group':
        return node.behavior === 'normal' || node.behavior === 'ignore' ? this.sequenceRequired(node.body) : null;
      case 'alternative':
        return this.sequenceRequired(node.body);
      case 'disjunction': {
        const all = new Set<string>();
        for (const branch of node.body) {
          const strings = this.required(branch);
          if (!strings) return null;
          for (const s of strings) all.add(s);
        }
        return all.size <= MAX_REQUIRED ? [...all] : null;
      }
      case 'quantifier':
        // At least one repetition: each match contains a match of the body.
        return node.min >= 1 ? this.required(node.body[0]) : null;
      default:
        return null;
    }
  }

  private sequenceExact(body: readonly Node[]): string[] | null {
    let strings: string[] = [''];
    for (const part of body) {
      const next = this.exact(part);
      if (!next) return null;
      strings = product(strings, next);
      if (strings.length > MAX_STRINGS) return null;
    }
    return strings;
  }

  /**
   * A sequence's matches contain the match of each part, and of each run of consecutive
   * parts: the candidates are the runs of exact parts (joined, e.g. "can you") and what
   * each other part requires. The best is the one whose shortest literal is longest.
   */
  private sequenceRequired(body: readonly Node[]): string[] | null {
    const candidates: string[][] = [];
    let run: string[] = [''];
    const closeRun = () => {
      if (!run.includes('')) candidates.push(run);
      run = [''];
    };
    for (const part of body) {
      const exact = this.exact(part);
      if (exact) {
        const joined = product(run, exact);
        if (joined.length <= MAX_STRINGS) run = joined;
        else {
          closeRun();
          run = exact;
        }
        continue;
      }
      closeRun();
      const required = this.required(part);
      if (required) candidates.push(required);
    }
    closeRun();
    return best(candidates);
  }

  private char(codePoint: number): string[] | null {
    // Outside ASCII, case folding and lower-casing disagree at the edges: claim nothing.
    if (codePoint > 0x7f) return null;
    const c = String.fromCharCode(codePoint);
    return [this.folded ? c.toLowerCase() : c];
  }
}

function product(left: readonly string[], right: readonly string[]): string[] {
  return unique(left.flatMap((a) => right.map((b) => a + b)));
}

function unique(strings: readonly string[]): string[] {
  return [...new Set(strings)];
}

function best(candidates: readonly string[][]): string[] | null {
  let chosen: string[] | null = null;
  let chosenScore = -1;
  for (const c of candidates) {
    const score = Math.min(...c.map((s) => s.length)) * 100 - c.length;
    if (score > chosenScore) [chosen, chosenScore] = [c, score];
  }
  return chosen;
}
