import { rowsOf, type TensorRows } from '../../base/tensor-columns';
import type { CheckpointIndex, FormatId, TensorEntry } from '../../base/types';

/** Python's str ordering: by code point (JavaScript's `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  // Below the surrogates UTF-16 units order as code points do: only a difference at a surrogate
  // needs the names as code points.
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 && y < 0xd800) return x - y;
    return byCodePoints(a, b);
  }
  return a.length - b.length;
}

function byCodePoints(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i += 1) {
    const diff = left[i]!.codePointAt(0)! - right[i]!.codePointAt(0)!;
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}

/**
 * The entries in the order of the dict load_checkpoint returns (ckpt-format.md §8.4): file
 * order for .ckpt, sorted names for safetensors. The order matters: the prefix-recovery pass
 * uses the FIRST key that ends with an unloaded name.
 */
export function parameterDictOrder(index: CheckpointIndex): TensorEntry[] {
  if (index.format !== 'safetensors') return index.tensors;
  return [...index.tensors].sort((a, b) => (a.name === b.name ? 0 : compareCodePoints(a.name, b.name)));
}

/** As `parameterDictOrder`, for the tensors at `positions` (the page's columns): their positions in that order. */
export function parameterDictPositions(
  tensors: TensorRows | readonly TensorEntry[],
  format: FormatId,
  positions: readonly number[],
): number[] {
  if (format !== 'safetensors') return [...positions];
  const rows = rowsOf(tensors);
  const names = positions.map((i) => rows.name(i));
  const order = positions.map((_, k) => k);
  order.sort((a, b) => compareCodePoints(names[a] as string, names[b] as string) || a - b);
  return order.map((k) => positions[k] as number);
}
