/** Types the load diff and its suggestions share (a module of its own, so neither imports the other's types). */
import type { TensorEntry } from '../../base/types';

/** The fields of a checkpoint entry the diff needs (a TensorEntry has them). */
export type CheckpointParam = Pick<TensorEntry, 'name' | 'dtype' | 'shape' | 'kind'>;

export type PythonException = 'RuntimeError' | 'ValueError' | 'AttributeError';

export interface LoadError {
  param: string;
  from: string;
  exception: PythonException;
  /** The message MindSpore raises with. */
  reason: string;
  kind: 'shape' | 'dtype' | 'reshape' | 'not-a-tensor';
}
