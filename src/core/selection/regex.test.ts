import { describe, expect, it } from 'vitest';
import { LensError } from '../../base/errors';
import { compileSafeRegex } from './regex';

/** Patterns whose meaning is the same in JavaScript's RegExp, used as the reference. */
const PATTERNS = [
  '\\.bias$',
  '^conv\\d+\\.weight$',
  'bn[0-9]*\\.(gamma|beta)',
  'a|ab|abc',
  '(a|b)*c',
  '^$',
  'x?y+z*',
  '[^.]+$',
  '^(layer|block)s?\\.\\d{1,2}\\.',
  'moving_(mean|variance)',
  'a{2,3}',
  'a{2,}b',
  '(ab)+?c',
  '[\\w.]+\\s',
  '[a-c-]',
  '\\x41\\u0042',
  'é',
  '',
  '$',
  '^',
  'a$|^b',
];
const INPUTS = [
  '',
  'conv1.weight',
  'conv12.weight',
  'fc.bias',
  'bn1.gamma',
  'bn.beta',
  'abc',
  'ab',
  'aaab',
  'aab',
  'ababc',
  'xyyz',
  'layers.3.attn',
  'blocks.12.mlp',
  'block.123.x',
  'moving_mean',
  'a-b',
  'AB',
  'café',
  'name with space ',
  'b',
  'ba',
];

describe('safe regex', () => {
  it('agrees with RegExp#test and RegExp#exec on ordinary patterns', () => {
    for (const pattern of PATTERNS) {
      for (const flags of ['', 'i']) {
        const ours = compileSafeRegex(pattern, flags);
        const native = new RegExp(pattern, flags);
        for (const input of INPUTS) {
          expect(ours.test(input), `${pattern}/${flags} on "${input}"`).toBe(native.test(input));
          const match = native.exec(input);
          const found = ours.exec(input);
          if (match === null) expect(found).toBeNull();
          else {
            expect(found, `${pattern} exec "${input}"`).not.toBeNull();
            expect([found![0], found![1]]).toEqual([match.index, match.index + match[0].length]);
            for (let group = 1; group < match.length; group += 1) {
              const text = match[group];
              const start = found![group * 2]!;
              const end = found![group * 2 + 1]!;
              expect(start === -1 ? undefined : input.slice(start, end), `${pattern} group ${group}`).toBe(text);
            }
          }
        }
      }
    }
  });

  it('ReDoS: catastrophic patterns run in linear time', () => {
    const evil = ['(a+)+$', '(a|a)*$', '(a|aa)+$', '(.*a){12}$', '(\\w+\\s?)+$', '^(a?){25}a{25}$'];
    const input = `${'a'.repeat(5000)}!`;
    for (const pattern of evil) {
      const regex = compileSafeRegex(pattern);
      const started = performance.now();
      regex.test(input);
      regex.exec(input.slice(0, 500));
      expect(performance.now() - started, pattern).toBeLessThan(1500);
    }
  });

  it('rejects backreferences, lookaround and word boundaries with a position', () => {
    const cases: [string, string][] = [
      ['(a)\\1', 'backreferences'],
      ['a(?=b)', 'lookaround'],
      ['(?<!x)y', 'lookaround'],
      ['\\bword', 'word boundaries'],
      ['(?<name>x)', 'named groups'],
      ['a**', 'quantifier'],
      ['*a', 'nothing to repeat'],
      ['[abc', '"["'],
      ['(ab', '")"'],
      ['ab)', 'unmatched'],
      ['\\q', 'unknown escape'],
      ['[z-a]', 'out of order'],
    ];
    for (const [pattern, hint] of cases) {
      let caught: unknown;
      try {
        compileSafeRegex(pattern, '', 10);
      } catch (error) {
        caught = error;
      }
      expect(caught, pattern).toBeInstanceOf(LensError);
      const lens = caught as LensError;
      expect(lens.code).toBe('filter-regex-unsupported');
      expect(lens.details.hint, pattern).toContain(hint);
      expect(lens.details.column).toBeGreaterThanOrEqual(10);
    }
  });

  it('bounds pattern size, repeat counts, nesting and flags', () => {
    expect(() => compileSafeRegex('a'.repeat(5000))).toThrow(LensError);
    expect(() => compileSafeRegex('(a{1000}){1000}')).toThrow(LensError);
    expect(() => compileSafeRegex('a{1001}')).toThrow(LensError);
    expect(() => compileSafeRegex(`${'('.repeat(100)}a${')'.repeat(100)}`)).toThrow(LensError);
    expect(() => compileSafeRegex('a', 'g')).toThrow(LensError);
  });

  it('regression: exec of a 1000-repeat pattern on a 64 KiB name (fuzz seed 2, iteration 63) stays fast', () => {
    // The capture-tracking simulation took 14 s here; a failed search is now answered by the DFA.
    const pattern = '([a-z]{100,1000})\\d\\w(?:ab)';
    const regex = compileSafeRegex(pattern);
    const started = performance.now();
    expect(regex.exec('x'.repeat(64 * 1024))).toBeNull();
    expect(performance.now() - started).toBeLessThan(5000);
    // Matches are unchanged: same span and group as RegExp.
    const input = `__${'q'.repeat(150)}7zab`;
    const reference = new RegExp(pattern).exec(input);
    expect(regex.exec(input)).toEqual([reference?.index, input.length, 2, 152]);
  });

  it('capture groups on a 64 KiB name: refused with a sentence when input × states is too costly, else exact', () => {
    // Found by the fuzzer with long seeds: every position keeps ~900 threads alive (seconds).
    const costly = compileSafeRegex('(x{1,900})y');
    const name = `${'x'.repeat(64 * 1024)}y`;
    expect(costly.test(name)).toBe(true);
    expect(() => costly.exec(name)).toThrow(expect.objectContaining({ code: 'regex-too-costly' }));
    // Short names with the same pattern, and long names with a cheap pattern, still match like RegExp.
    expect(costly.exec('axxxy')).toEqual([1, 5, 1, 4]);
    const cheap = compileSafeRegex('^(.*)\\.(weight|bias)$');
    const long = `${'w'.repeat(65530)}.bias`;
    expect(cheap.exec(long)).toEqual([0, long.length, 0, 65530, 65531, long.length]);
  });
});
