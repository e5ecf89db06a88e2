import type { TensorEntry } from '../../base/types';

/**
 * The dtypes `save_checkpoint(append_dict=…)` gives a Python int, float or bool: it stores
 * `Tensor(value)`, which 2.x maps to Int64 (UInt64 above 2⁶³), Float32 and Bool; MindSpore
 * before `Tensor._set_default_dtype` kept numpy's defaults (Float64, and Int32 where numpy's int
 * is 32-bit). Other dtypes come only from Tensors and Parameters, which are weights.
 */
const APPEND_DICT_SCALAR_DTYPES: ReadonlySet<string> = new Set([
  'Int64',
  'UInt64',
  'Int32',
  'Float32',
  'Float64',
  'Bool',
]);

/**
 * Whether a `.ckpt` entry is stored the way an `append_dict` int, float, bool or str value is
 * (ckpt-format.md §3.4): a `str` record, or a scalar — no dims (2.3+) or `dims [0]` (≤ 2.2, both
 * loaded as shape ()) — of one of the dtypes above. A `[1]`-shaped Float32 (a BatchNorm gamma,
 * a bias of one output) is a weight: no append_dict value is ever stored with dims `[1]`.
 */
export function isAppendDictValue(entry: {
  kind: TensorEntry['kind'];
  shape: readonly number[];
  dtype: string;
}): boolean {
  if (entry.kind === 'string') return true;
  return entry.kind === 'tensor' && entry.shape.length === 0 && APPEND_DICT_SCALAR_DTYPES.has(entry.dtype);
}
