import type { CheckpointIndex, TensorEntry } from '../../base/types';

/** Python's str ordering: by code point (JavaScript's `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
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
