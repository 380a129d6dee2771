import { describe, expect, it } from 'vitest';
import { requiredLiterals } from '../../../src/detect/required-literals.ts';

const sorted = (pattern: RegExp) => requiredLiterals(pattern)?.sort() ?? null;

describe('requiredLiterals', () => {
  it('joins the words a match must contain, alternatives multiplied out', () => {
    expect(sorted(/\b(would|could) you\b[^.?!]{0,60}\bmeet/i)).toEqual(['could you', 'would you']);
    expect(sorted(/\binformational interview|\bcoffee chat\b/i)).toEqual(['coffee chat', 'informational interview']);
    expect(sorted(/\bworks? for (me|us)\b/i)).toEqual(['work for me', 'work for us', 'works for me', 'works for us']);
  });

  it('picks the part that filters best: the one whose shortest literal is longest', () => {
    // "a " and "i " are short; " recommend" is the better requirement.
    expect(sorted(/\b(a|i) \w+ recommend/i)).toEqual([' recommend']);
    expect(sorted(/(please )?call me/i)).toEqual(['call me', 'please call me']);
  });

  it('lower-cases the literals of a pattern that ignores case, and keeps the case of one that does not', () => {
    expect(sorted(/Thank You/i)).toEqual(['thank you']);
    expect(sorted(/\b[Ww]e referred\b/)).toEqual(['We referred', 'we referred']);
  });

  it('ignores what lookarounds assert, so a literal behind one is never required', () => {
    expect(sorted(/(?<!would be )\bgreat to meet/i)).toEqual(['great to meet']);
    expect(sorted(/introduce(?! myself) (him|her)/i)).toEqual(['introduce her', 'introduce him']);
  });

  it('claims nothing when a match can do without every literal', () => {
    expect(requiredLiterals(/\d{1,2}:\d{2}/)).toBeNull();
    expect(requiredLiterals(/\bthanks\b|\?/i)).toBeNull(); // "?" alone matches
    expect(requiredLiterals(/(please )?at/i)).toBeNull(); // "at" alone is too short
    expect(requiredLiterals(/(meeting)?/i)).toBeNull();
    expect(requiredLiterals(/\bok\b/i)).toBeNull(); // too short to filter anything
  });

  it('claims nothing it cannot be sure of: non-ASCII letters, back-references, other flags', () => {
    expect(sorted(/r[ée]sum[ée] attached/i)).toEqual([' attached']);
    expect(sorted(/spotka[cćm]/i)).toEqual(['spotka']);
    expect(requiredLiterals(/[ćś]wiet/i)).toEqual(['wiet']);
    expect(requiredLiterals(/ćma|śmi/i)).toBeNull();
    expect(requiredLiterals(/(meet)ing \1/i)).toEqual(['meeting ']);
    expect(requiredLiterals(/coffee/giu)).toBeNull();
  });

  it('gives up on an unbounded number of alternatives rather than listing them', () => {
    const many = new RegExp(Array.from({ length: 600 }, (_, i) => `word${i}`).join('|'));
    expect(requiredLiterals(many)).toBeNull();
  });
});
