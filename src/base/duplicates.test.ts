import { describe, expect, it } from 'vitest';
import { collapseRepeatedNames, firstOccurrences, hashName, mayRepeatNames } from './duplicates';

/** The answer a Map of every name gives, as a list (typed arrays compare slowly). */
function byMap(names: string[]): number[] | null {
  const seen = new Map<string, number>();
  const first = new Int32Array(names.length).fill(-1);
  let any = false;
  names.forEach((name, at) => {
    const earlier = seen.get(name);
    if (earlier === undefined) seen.set(name, at);
    else {
      first[at] = earlier;
      any = true;
    }
  });
  return any ? Array.from(first) : null;
}

function listed(first: Int32Array | null): number[] | null {
  return first && Array.from(first);
}

describe('firstOccurrences', () => {
  it('is null when every name is distinct, the empty list included', () => {
    expect(firstOccurrences(0, () => '')).toBeNull();
    const names = Array.from({ length: 50_000 }, (_, i) => `layer.${i}.weight`);
    expect(firstOccurrences(names.length, (at) => names[at] as string)).toBeNull();
  });

  it('points every repeat at the first occurrence, as a Map would', () => {
    const names = ['a', 'b', 'a', '', 'c', '', 'a', 'b', '__proto__', '__proto__', 'é', 'e\u0301', 'é'];
    expect(listed(firstOccurrences(names.length, (at) => names[at] as string))).toEqual(byMap(names));
    const random = Array.from({ length: 20_000 }, (_, i) => `t${(i * 7919) % 9001}`);
    expect(listed(firstOccurrences(random.length, (at) => random[at] as string))).toEqual(byMap(random));
  });

  it('stays linear when many names share a hash or repeat (a crafted file)', () => {
    // FNV-1a of "Aa…" and "BB…"-style blocks does not collide, but one name repeated 200,000
    // times is one run of equal hashes: looked up through a Map, not compared pairwise.
    const names = Array.from({ length: 200_000 }, (_, i) => (i % 2 === 0 ? 'same' : `other${i % 1000}`));
    const started = performance.now();
    const first = firstOccurrences(names.length, (at) => names[at] as string);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(listed(first)).toEqual(byMap(names));
  });
});

describe('mayRepeatNames', () => {
  const hashes = (names: string[]) => Uint32Array.from(names, hashName);

  it('is false only when every name is distinct', () => {
    const names = Array.from({ length: 50_000 }, (_, i) => `layer.${i}.weight`);
    expect(mayRepeatNames(names.length, hashes(names), (at) => names[at] as string)).toBe(false);
    expect(mayRepeatNames(0, new Uint32Array(0), () => '')).toBe(false);
    const repeated = [...names, 'layer.17.weight'];
    expect(mayRepeatNames(repeated.length, hashes(repeated), (at) => repeated[at] as string)).toBe(true);
    expect(mayRepeatNames(3, hashes(['', 'a', '']), (at) => ['', 'a', ''][at] as string)).toBe(true);
  });

  it('compares names where hashes are equal, and leaves a long run of equal hashes to firstOccurrences', () => {
    const names = Array.from({ length: 40 }, (_, i) => `n${i}`);
    // Two distinct names under one hash are told apart by comparing them.
    expect(mayRepeatNames(2, new Uint32Array([7, 7]), (at) => names[at] as string)).toBe(false);
    // Forty under one hash (what a crafted file could arrange): "may", and the full check decides.
    expect(mayRepeatNames(40, new Uint32Array(40).fill(7), (at) => names[at] as string)).toBe(true);
    expect(firstOccurrences(40, (at) => names[at] as string)).toBeNull();
  });
});

describe('collapseRepeatedNames', () => {
  it('keeps each name at its first position with its last value, as a Python dict does', () => {
    const items = [
      ['a', 1],
      ['b', 2],
      ['a', 3],
      ['c', 4],
      ['b', 5],
      ['a', 6],
    ] as [string, number][];
    const replaced: number[] = [];
    const collapsed = collapseRepeatedNames(
      items,
      ([name]) => name,
      (later, position) => {
        replaced.push(position);
        return later;
      },
    );
    expect(collapsed).toBe(true);
    expect(items).toEqual([
      ['a', 6],
      ['b', 5],
      ['c', 4],
    ]);
    expect(replaced).toEqual([2, 4, 5]);
    const distinct = [['x', 1]] as [string, number][];
    expect(
      collapseRepeatedNames(
        distinct,
        ([name]) => name,
        (later) => later,
      ),
    ).toBe(false);
    expect(distinct).toEqual([['x', 1]]);
  });
});
