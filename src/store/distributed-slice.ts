import type { SerializedLensError } from '../base/errors';
import type { OpenSetResult, RankFormat, ReplicaCheckResult } from '../workers/wire';

/**
 * The distributed-set view's slice: one set at a time (a rank folder + strategy). Holds plain
 * results from the worker; the File blobs and any key live in this module, never in the store.
 */
export type SetStatus = 'choose' | 'offer' | 'opening' | 'ready' | 'needs-strategy' | 'needs-ranks' | 'error';

export interface SetOptions {
  strategyPaths: string[];
  inputFormat: RankFormat | null;
  ranks: Record<string, number>;
}

export interface ReplicaState {
  status: 'running' | 'done' | 'error';
  progress: number;
  result?: ReplicaCheckResult;
  error?: SerializedLensError;
}

export interface DistributedState {
  /** The set view replaces the file view while true. */
  visible: boolean;
  setId: string | null;
  name: string;
  status: SetStatus;
  progress: number;
  fileCount: number;
  result: OpenSetResult | null;
  error: SerializedLensError | null;
  /** The last open failed because an encrypted rank file needs the key. */
  needsKey: boolean;
  options: SetOptions;
  selected: string | null;
  replicas: ReplicaState | null;
}

export const EMPTY_OPTIONS: SetOptions = { strategyPaths: [], inputFormat: null, ranks: {} };

export const INITIAL_DISTRIBUTED: DistributedState = {
  visible: false,
  setId: null,
  name: '',
  status: 'choose',
  progress: 0,
  fileCount: 0,
  result: null,
  error: null,
  needsKey: false,
  options: EMPTY_OPTIONS,
  selected: null,
  replicas: null,
};
