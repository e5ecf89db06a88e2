/**
 * Which names in a list of up to a few million occur more than once, without a Map of every
 * name: a Map of a million names holds about 40 MB while the index is being built (the peak),
 * and this holds one 8-byte key per name. Each key is a 32-bit hash of the name and its
 * position; sorted, equal names lie in runs of equal hashes, compared as strings.
 */

/** Positions fit below 2^21 in a key (hash · 2^21 + position stays a safe integer). */
const POSITION_BITS = 2 ** 21;
/** The most names `firstOccurrences` takes (MAX_TENSOR_ENTRIES is 2,000,000). */
export const MAX_DUPLICATE_SCAN = POSITION_BITS;

/** Runs of equal hashes longer than this are matched through a Map, not pairwise. */
const MAX_COMPARED_RUN = 16;

/** FNV-1a's start and multiplier (every FNV-1a hash here; a reader of ASCII bytes may hash a name as it reads it). */
export const NAME_HASH_START = 0x811c9dc5;
export const NAME_HASH_PRIME = 0x01000193;

/** FNV-1a over the UTF-16 code units. */
export function hashName(name: string): number {
  let hash = NAME_HASH_START;
  for (let i = 0; i < name.length; i += 1) hash = Math.imul(hash ^ name.charCodeAt(i), NAME_HASH_PRIME);
  return hash >>> 0;
}

/**
 * For each position, the position of the first equal name when it repeats an earlier one, else
 * -1; null when every name is distinct (the common case: then one pass over a table of the
 * hashes answers, `mayRepeatNames`, and no sort is made).
 */
export function firstOccurrences(count: number, nameAt: (position: number) => string): Int32Array | null {
  if (count > MAX_DUPLICATE_SCAN) throw new RangeError(`more than ${MAX_DUPLICATE_SCAN} names`);
  const hashes = new Uint32Array(count);
  for (let i = 0; i < count; i += 1) hashes[i] = hashName(nameAt(i));
  if (!mayRepeatNames(count, hashes, nameAt)) return null;
  const keys = new Float64Array(count);
  for (let i = 0; i < count; i += 1) keys[i] = (hashes[i] as number) * POSITION_BITS + i;
  keys.sort();
  let first: Int32Array | null = null;
  for (let run = 0; run < count;) {
    const hash = Math.floor((keys[run] as number) / POSITION_BITS);
    let end = run + 1;
    while (end < count && Math.floor((keys[end] as number) / POSITION_BITS) === hash) end += 1;
    // Within a run, positions ascend: the first equal name met is the first occurrence. A long
    // run (many names sharing a hash, which a crafted file can arrange) is looked up in a Map.
    if (end - run > MAX_COMPARED_RUN) {
      const seen = new Map<string, number>();
      for (let a = run; a < end; a += 1) {
        const position = (keys[a] as number) % POSITION_BITS;
        const name = nameAt(position);
        const earlier = seen.get(name);
        if (earlier === undefined) seen.set(name, position);
        else {
          first ??= new Int32Array(count).fill(-1);
          first[position] = earlier;
        }
      }
    } else {
      for (let a = run + 1; a < end; a += 1) {
        const position = (keys[a] as number) % POSITION_BITS;
        const name = nameAt(position);
        for (let b = run; b < a; b += 1) {
          const earlier = (keys[b] as number) % POSITION_BITS;
          if (first !== null && first[earlier] !== -1) continue;
          if (nameAt(earlier) === name) {
            first ??= new Int32Array(count).fill(-1);
            first[position] = earlier;
            break;
          }
        }
      }
    }
    run = end;
  }
  return first;
}

/**
 * False when no name repeats, from each name's `hashName` (made as the names came): an
 * open-addressing table of positions, names compared only where hashes are equal. True when
 * one does, or may: a run of more than MAX_COMPARED_RUN equal hashes (which a crafted file can
 * arrange) is left to `firstOccurrences`, as is everything once this says true.
 */
export function mayRepeatNames(count: number, hashes: Uint32Array, nameAt: (position: number) => string): boolean {
  let size = 16;
  while (size < count * 2) size *= 2;
  const mask = size - 1;
  const slots = new Int32Array(size);
  for (let i = 0; i < count; i += 1) {
    const hash = hashes[i] as number;
    let slot = hash & mask;
    let equalHashes = 0;
    for (let held = slots[slot] as number; held !== 0; held = slots[slot] as number) {
      const earlier = held - 1;
      if (hashes[earlier] === hash) {
        equalHashes += 1;
        if (equalHashes > MAX_COMPARED_RUN || nameAt(earlier) === nameAt(i)) return true;
      }
      slot = (slot + 1) & mask;
    }
    slots[slot] = i + 1;
  }
  return false;
}

/**
 * Collapse repeated names in place as a Python dict does: each name keeps the position where it
 * first appeared and takes the value of its last appearance. `replace(later, position)` gives what
 * stands at the kept position when `later` (at `position` in the input) repeats a name. Returns
 * false, touching nothing, when every name is distinct.
 */
export function collapseRepeatedNames<T>(
  items: T[],
  nameOf: (item: T) => string,
  replace: (later: T, position: number) => T,
): boolean {
  const first = firstOccurrences(items.length, (at) => nameOf(items[at] as T));
  if (!first) return false;
  let kept = 0;
  for (let at = 0; at < items.length; at += 1) {
    const item = items[at] as T;
    const earlier = first[at] as number;
    if (earlier < 0) {
      items[kept] = item;
      first[at] = kept;
      kept += 1;
    } else {
      // `first[earlier]` is the earlier item's new position (positions only move down).
      items[first[earlier] as number] = replace(item, at);
    }
  }
  items.length = kept;
  return true;
}
