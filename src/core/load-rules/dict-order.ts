import { compareCodePoints } from '../../base/code-points';
import { rowsOf, type TensorRows } from '../../base/tensor-columns';
import type { CheckpointIndex, FormatId, TensorEntry } from '../../base/types';

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
