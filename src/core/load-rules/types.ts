/** Types the load diff and its suggestions share (a module of its own, so neither imports the other's types). */
import type { TensorRows } from '../../base/tensor-columns';
import type { TensorKind } from '../../base/types';

/** The fields of a checkpoint entry the diff needs (a TensorEntry has them). */
export interface CheckpointParam {
  name: string;
  dtype: string;
  shape: readonly number[];
  kind: TensorKind;
}

/**
 * The checkpoint side of the diff read by position, in load_checkpoint's dict order: the index's
 * rows picked in that order (`pickRows`), so a million tensors need no object each.
 */
export type CheckpointParams = Pick<TensorRows, 'length' | 'name' | 'dtype' | 'shape' | 'kind'>;

/** A list of entries as `CheckpointParams`. */
export function paramsOf(entries: readonly CheckpointParam[]): CheckpointParams {
  return {
    length: entries.length,
    name: (i) => (entries[i] as CheckpointParam).name,
    dtype: (i) => (entries[i] as CheckpointParam).dtype,
    shape: (i) => (entries[i] as CheckpointParam).shape,
    kind: (i) => (entries[i] as CheckpointParam).kind,
  };
}

export type PythonException = 'RuntimeError' | 'ValueError' | 'AttributeError';

export interface LoadError {
  param: string;
  from: string;
  exception: PythonException;
  /** The message MindSpore raises with. */
  reason: string;
  kind: 'shape' | 'dtype' | 'reshape' | 'not-a-tensor';
}
