/**
 * Two strings in code point order — Python's `sorted()` of str, Rust's `String` order, UTF-8 byte
 * order — without making code points: UTF-16 units compare the same way, except that surrogates
 * (U+D800–DFFF, the halves of code points above U+FFFF) must sort after U+E000–FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) return codePointRank(x) - codePointRank(y);
    return x - y;
  }
  return a.length - b.length;
}

/** A unit at or above U+D800 placed where its code point sorts. */
function codePointRank(unit: number): number {
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

const AT_OR_ABOVE_SURROGATES = /[\uD800-\uFFFF]/;

function compareUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `compareCodePoints`, or the engine's own string comparison when it gives the same order for
 * every string a sort will compare: when none holds a unit at or above U+D800 (one regex test
 * each, against a JS loop per comparison: sorting a million names ~4x faster).
 */
export function codePointComparer(count: number, nameAt: (i: number) => string): (a: string, b: string) => number {
  for (let i = 0; i < count; i += 1) if (AT_OR_ABOVE_SURROGATES.test(nameAt(i))) return compareCodePoints;
  return compareUnits;
}
