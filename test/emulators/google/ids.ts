/**
 * Deterministic ids and pseudo-random numbers, so two runs of the same test produce the
 * same ids, history gaps and fault decisions.
 */

/** Hex ids from a counter, in the style of Gmail's (`18f0000000000001`). */
export class HexIds {
  private next: bigint;

  constructor(first: bigint) {
    this.next = first;
  }

  nextId(): string {
    const id = this.next.toString(16);
    this.next += 1n;
    return id;
  }
}

/** Decimal ids with a prefix, e.g. draft ids `r1000000000000000001`. */
export class PrefixedIds {
  private next = 1_000_000_000_000_000_001n;

  constructor(private readonly prefix: string) {}

  nextId(): string {
    const id = `${this.prefix}${this.next}`;
    this.next += 1n;
    return id;
  }
}

/** A small seedable generator (mulberry32): numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a: a stable 32-bit seed from a string (a user's address). */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
