import type { RuleGate } from '../core/detection.ts';
import { requiredLiterals } from './required-literals.ts';

// A literal's first characters select as well as all of them, and keep the automaton small.
const MAX_LITERAL_LENGTH = 12;

/**
 * Gates for `patterns`, in their order: a cheap test that must pass before a pattern can
 * match, namely that the text contains one of the literals every match contains. Most
 * rules fail it on most mail. One automaton reads a text once for all the gates
 * (Aho–Corasick), so a gate costs the same however many literals it has. Null for a
 * pattern with no literal to go by.
 */
export function literalGates(patterns: readonly RegExp[]): (RuleGate | null)[] {
  const literalSets = patterns.map(requiredLiterals);
  const automaton = new LiteralAutomaton(literalSets);
  return literalSets.map((set, slot) => (set ? { admits: (text: string) => automaton.admits(slot, text) } : null));
}

/** Whether `text` may match under `gate` (always, when there is none). */
export function passesGate(gate: RuleGate | null | undefined, text: string): boolean {
  return !gate || gate.admits(text);
}

/** Whether a compiled rule matches `text`, its gate tried first. */
export function ruleMatches(rule: { pattern: RegExp; gate?: RuleGate | null }, text: string): boolean {
  return passesGate(rule.gate, text) && rule.pattern.test(text);
}

/**
 * A deterministic automaton over lower-cased ASCII that finds, in one pass over a text,
 * which slots have one of their literals in it. Upper-case ASCII letters are read as
 * lower case, so it serves patterns that ignore case and, with their literals lower-cased,
 * patterns that do not (finding more than they need is safe). Other characters end any
 * literal: no literal contains them.
 */
class LiteralAutomaton {
  private readonly symbolOf = new Uint8Array(128);
  private readonly symbols: number;
  private readonly next: Int32Array;
  private readonly outStart: Int32Array;
  private readonly outSlots: Int32Array;
  /** `seen[slot] === pass` when the text of the current pass holds one of the slot's literals. */
  private readonly seen: Uint32Array;
  private pass = 0;
  private lastText: string | null = null;

  constructor(literalSets: readonly (readonly string[] | null)[]) {
    const literals = literalSets.flatMap((set, slot) =>
      (set ?? []).map((l) => ({ text: l.toLowerCase().slice(0, MAX_LITERAL_LENGTH), slot })),
    );
    let symbols = 1; // 0: a character in no literal
    for (const { text } of literals) {
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        if (code >= 128) throw new Error(`literal gate: "${text}" is not ASCII`);
        if (this.symbolOf[code] === 0) this.symbolOf[code] = symbols++;
      }
    }
    for (let upper = 65; upper <= 90; upper++) this.symbolOf[upper] = this.symbolOf[upper + 32]!;
    this.symbols = symbols;

    // The trie of the literals.
    const children: Map<number, number>[] = [new Map()];
    const own: number[][] = [[]];
    for (const { text, slot } of literals) {
      let state = 0;
      for (let i = 0; i < text.length; i++) {
        const symbol = this.symbolOf[text.charCodeAt(i)]!;
        let child = children[state]!.get(symbol);
        if (child === undefined) {
          child = children.length;
          children.push(new Map());
          own.push([]);
          children[state]!.set(symbol, child);
        }
        state = child;
      }
      own[state]!.push(slot);
    }

    // Breadth first: each state's moves, its fallback, and the slots found on reaching it.
    const states = children.length;
    this.next = new Int32Array(states * symbols);
    const fallback = new Int32Array(states);
    const found: number[][] = own.map((slots) => [...new Set(slots)]);
    const queue: number[] = [];
    for (const [symbol, child] of children[0]!) {
      this.next[symbol] = child;
      queue.push(child);
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      const back = fallback[state]!;
      found[state] = [...new Set([...found[state]!, ...found[back]!])];
      for (let symbol = 0; symbol < symbols; symbol++) {
        const child = children[state]!.get(symbol);
        if (child === undefined) {
          this.next[state * symbols + symbol] = this.next[back * symbols + symbol]!;
        } else {
          this.next[state * symbols + symbol] = child;
          fallback[child] = this.next[back * symbols + symbol]!;
          queue.push(child);
        }
      }
    }
    this.outStart = new Int32Array(states + 1);
    for (let s = 0; s < states; s++) this.outStart[s + 1] = this.outStart[s]! + found[s]!.length;
    this.outSlots = Int32Array.from(found.flat());
    this.seen = new Uint32Array(literalSets.length);
  }

  admits(slot: number, text: string): boolean {
    // Rules are tried one after another against the same text: read it once.
    if (text !== this.lastText) this.read(text);
    return this.seen[slot] === this.pass;
  }

  private read(text: string): void {
    this.lastText = text;
    this.pass += 1;
    const { next, symbols, symbolOf, outStart, outSlots, seen, pass } = this;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      state = next[state * symbols + (code < 128 ? symbolOf[code]! : 0)]!;
      for (let k = outStart[state]!, end = outStart[state + 1]!; k < end; k++) seen[outSlots[k]!] = pass;
    }
  }
}
