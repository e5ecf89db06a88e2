import { describe, expect, it } from 'vitest';
import { codePointComparer, compareCodePoints } from './code-points';

/** The order by code points, made the slow and obvious way. */
function byCodePoints(a: string, b: string): number {
  const left = Array.from(a, (char) => char.codePointAt(0) as number);
  const right = Array.from(b, (char) => char.codePointAt(0) as number);
  for (let i = 0; i < Math.min(left.length, right.length); i += 1)
    if (left[i] !== right[i]) return (left[i] as number) - (right[i] as number);
  return left.length - right.length;
}

describe('compareCodePoints', () => {
  it('orders as code points do, where UTF-16 units do not (a surrogate pair after U+E000–FFFF)', () => {
    const names = ['\u{1F600}', '\uFF21', 'a', 'B', '\uE000', '\uD7FF', 'a\u{10000}', 'a\uFFFF', ''];
    expect([...names].sort(compareCodePoints)).toEqual([...names].sort(byCodePoints));
    expect(compareCodePoints('\u{FF5E}', '\u{1F600}')).toBeLessThan(0);
    expect('\u{FF5E}' < '\u{1F600}').toBe(false); // what JavaScript's own order says
  });

  it('agrees with the obvious order on every pair of a few thousand random names', () => {
    const units = [0x41, 0x61, 0x7f, 0xd7ff, 0xe000, 0xfffd, 0xffff];
    let state = 7;
    const next = (): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state >>> 8;
    };
    const names = Array.from({ length: 300 }, () => {
      let name = '';
      for (let i = next() % 4; i >= 0; i -= 1)
        name +=
          next() % 3 === 0
            ? String.fromCodePoint(0x10000 + (next() % 0x1000))
            : String.fromCharCode(units[next() % units.length] as number);
      return name;
    });
    for (const a of names)
      for (const b of names) expect(Math.sign(compareCodePoints(a, b))).toBe(Math.sign(byCodePoints(a, b)));
  });
});

describe('codePointComparer', () => {
  it("takes the engine's order only when it is the code point order for every name given", () => {
    const plain = ['b.weight', 'a.bias', 'é', '\uD7FF', 'a'];
    const comparer = codePointComparer(plain.length, (i) => plain[i] as string);
    expect(comparer).not.toBe(compareCodePoints);
    expect([...plain].sort(comparer)).toEqual([...plain].sort(byCodePoints));
    // One name at or above U+D800 (here a surrogate pair) and the careful comparison is used.
    const mixed = [...plain, '\u{1F600}', '\uFF21'];
    expect(codePointComparer(mixed.length, (i) => mixed[i] as string)).toBe(compareCodePoints);
    expect(codePointComparer(1, () => '\uE000')).toBe(compareCodePoints);
  });
});
