import { describe, expect, it } from 'vitest';
import { LensError } from '../../base/errors';
import { MAX_FILTER_REGEX_STEPS, MAX_REGEX_STATES } from '../../base/limits';
import { describeError } from '../messages';
import { compileFilter, parseFilter } from './filter';
import { compileSafeRegex, RegexBudget } from './regex';

/** Deterministic names of `length` characters drawn from `alphabet` (mulberry32), made as they are read. */
function* randomNames(count: number, length: number, alphabet: string, seed: number): Generator<string> {
  let state = seed;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
  const codes = Array.from(alphabet, (char) => char.charCodeAt(0));
  for (let n = 0; n < count; n += 1) {
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i += 1) bytes[i] = codes[next() % codes.length]!;
    yield Buffer.from(bytes).toString('latin1');
  }
}

function caught(run: () => unknown): LensError {
  try {
    run();
  } catch (error) {
    if (error instanceof LensError) return error;
    throw error;
  }
  throw new Error('expected a LensError');
}

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

  it('ReDoS over many long names: (a|b)*a(a|b){20}$ on 1,400 names of 64 KiB stops with filter-too-costly within the step budget', () => {
    // Every character of random a/b text makes a new DFA state (2^21 of them): the cache is
    // cleared and rebuilt all along, and the filter's one budget across all names stops it.
    const pattern = '(a|b)*a(a|b){20}$';
    const budget = new RegexBudget();
    const predicate = compileFilter(parseFilter(`name ~ /${pattern}/`), budget);
    let tested = 0;
    const error = caught(() => {
      for (const name of randomNames(1400, 64 * 1024, 'ab', 7)) {
        tested += 1;
        predicate({ name, dtype: 'Float32', shape: [] });
      }
    });
    expect(error.code).toBe('filter-too-costly');
    expect(error.details).toMatchObject({ hint: pattern, limit: MAX_FILTER_REGEX_STEPS });
    // Stopped as soon as the budget ran out: at most one state build (a closure over the program) later.
    expect(budget.spent).toBeGreaterThan(MAX_FILTER_REGEX_STEPS);
    expect(budget.spent).toBeLessThanOrEqual(MAX_FILTER_REGEX_STEPS + 4 * MAX_REGEX_STATES);
    expect(error.details.actual).toBe(budget.inputs);
    expect(budget.inputs).toBe(tested);
    expect(tested).toBeLessThan(1400);
    const message = describeError(error.code, error.details);
    expect(message.detail).toContain(`/${pattern}/`);
    expect(message.detail).toContain(`after testing ${budget.inputs} names`);
    expect(message.action).toContain('startsWith');
  });

  it('the same kind of names with a cheap pattern: every name tested, within the budget, one step per character', () => {
    const names = [...randomNames(100, 64 * 1024, 'ab', 7)];
    const characters = names.length * 64 * 1024;
    const budget = new RegexBudget();
    const predicate = compileFilter(parseFilter('name ~ /(a|b)*a(a|b){3}$/'), budget);
    const kept = names.filter((name) => predicate({ name, dtype: 'Float32', shape: [] }));
    expect(kept).toEqual(names.filter((name) => /a[ab]{3}$/.test(name)));
    expect(budget.inputs).toBe(names.length);
    // A cached DFA step per character, plus the few states built once (2^4 of them, small closures).
    expect(budget.spent).toBeGreaterThanOrEqual(characters);
    expect(budget.spent).toBeLessThan(characters + 10_000);
  });

  it('a cleared and rebuilt DFA cache gives the same answers as RegExp', () => {
    // 2^21 reachable states against a cache of 4096: the cache is cleared many times per name.
    const regex = compileSafeRegex('(a|b)*a(a|b){20}$');
    const budget = new RegexBudget(Number.MAX_SAFE_INTEGER);
    for (const name of randomNames(40, 4096, 'ab', 11)) {
      expect(regex.test(name, budget)).toBe(/a[ab]{20}$/.test(name));
    }
    const anchored = compileSafeRegex('^(a|b)*b(a|b){14}a');
    for (const name of randomNames(40, 2048, 'abc', 12)) {
      expect(anchored.test(name)).toBe(/^[ab]*b[ab]{14}a/.test(name));
    }
  });

  it('nested counted repeats are refused from the pattern alone, before any program is built', () => {
    for (const pattern of [
      '((a{1000}){1000}){1000}',
      '(((((a{9}){9}){9}){9}){9}){9}',
      '(?:a|b){500}',
      'a{1000}b{998}',
    ]) {
      const error = caught(() => compileSafeRegex(pattern, '', 5));
      expect(error.code, pattern).toBe('filter-literal-too-large');
      expect(error.details).toMatchObject({ column: 5, limit: MAX_REGEX_STATES });
    }
    expect(caught(() => compileSafeRegex('((a{1000}){1000}){1000}')).details.hint).toContain('over a billion states');
    expect(caught(() => compileSafeRegex('(?:a|b){500}')).details.hint).toContain('2003 states');
    // Just inside the limit (counted the way the compiler emits: 2000 instructions in all).
    expect(compileSafeRegex('a{1000}b{997}').test(`${'a'.repeat(1000)}${'b'.repeat(997)}`)).toBe(true);
    expect(compileSafeRegex('(?:a|b){499}').test('ab'.repeat(250))).toBe(true);
  });

  it('big alternations: 200 options agree with RegExp on long names and stay within the budget', () => {
    const words = Array.from({ length: 200 }, (_, i) => `${i.toString(36)}x`);
    const pattern = `(?:${words.join('|')})$`;
    expect(pattern.length).toBeLessThanOrEqual(1024);
    const regex = compileSafeRegex(pattern);
    const native = new RegExp(pattern);
    const names = [...randomNames(60, 8192, 'wx0123456789abc', 5)].map((name, i) =>
      i % 3 === 0 ? `${name}${words[i]!}` : name,
    );
    const budget = new RegexBudget();
    for (const name of names) expect(regex.test(name, budget)).toBe(native.test(name));
    expect(budget.inputs).toBe(names.length);
    // Single characters as options (a class in disguise), with the i flag.
    const letters = compileSafeRegex(Array.from('abcdefghijklmnopqrstuvwxyz', (c) => c).join('|') + '{3}$', 'i');
    expect(letters.test('12Z')).toBe(false);
    expect(letters.test('12zzz')).toBe(true);
    expect(letters.test('12ZZZ')).toBe(true);
  });
});
