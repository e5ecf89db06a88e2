import { codePointComparer } from '../../base/code-points';
import { pickRows, rowsOf, type TensorRows } from '../../base/tensor-columns';
import type { FormatId, TensorEntry } from '../../base/types';

/**
 * The tensors at `positions` (ascending) in the order of load_checkpoint's dict: file order for
 * .ckpt, sorted names for safetensors (ckpt-format.md §8.4); their positions in that order. The
 * order matters: the prefix-recovery pass uses the FIRST key that ends with an unloaded name.
 */
export function parameterDictPositions(
  tensors: TensorRows | readonly TensorEntry[],
  format: FormatId,
  positions: readonly number[],
): number[] {
  if (format !== 'safetensors') return [...positions];
  const rows = rowsOf(tensors);
  const names = positions.map((i) => rows.name(i));
  const order = positions.map((_, k) => k);
  const compare = codePointComparer(names.length, (k) => names[k] as string);
  order.sort((a, b) => compare(names[a] as string, names[b] as string) || a - b);
  return order.map((k) => positions[k] as number);
}

/** The tensors at `positions` (ascending), read in the dict's order: what the load diff reads. */
export function parameterDict(
  tensors: TensorRows | readonly TensorEntry[],
  format: FormatId,
  positions: readonly number[],
): TensorRows {
  const rows = rowsOf(tensors);
  return pickRows(rows, parameterDictPositions(rows, format, positions));
}
