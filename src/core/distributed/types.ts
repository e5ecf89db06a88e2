import type { CheckpointIndex } from '../../base/types';
import type { ParameterLayout } from '../../formats/strategy/types';

/** `[start, stop)` per tensor dimension, in full-tensor coordinates. */
export type Box = [number, number][];

/** One rank's checkpoint as the layout needs it: metadata only. */
export interface RankInput {
  rank: number;
  /** File name as the user knows it. */
  name: string;
  index: CheckpointIndex;
}

export type LayoutProblemCode =
  // the parameter cannot be merged
  | 'missing-block'
  | 'slice-shape-mismatch'
  | 'slice-size-mismatch'
  | 'dtype-mismatch'
  | 'tensor-map-rank-mismatch'
  | 'bad-tensor-map'
  | 'bad-device-matrix'
  | 'opt-shard-inconsistent'
  | 'full-shape-mismatch'
  | 'uneven-split-unsupported'
  | 'field-split-unsupported'
  | 'dtype-not-byte-sized'
  | 'not-in-files'
  // the parameter merges, but something is worth knowing
  | 'missing-in-rank'
  | 'opt-step-mismatch'
  | 'not-in-strategy'
  | 'replicas-differ';

export type ProblemSeverity = 'error' | 'warning' | 'info';

export interface LayoutProblem {
  code: LayoutProblemCode;
  severity: ProblemSeverity;
  detail?: string;
  /** Global ranks concerned. */
  ranks?: number[];
}

export interface RankHolding {
  rank: number;
  stage: number;
  /** Rank inside its pipeline stage (`rank − stage·D`). */
  localRank: number;
  /** Block index per tensor dimension (model-parallel part). */
  block: number[];
  /** Which optimizer-shard piece of the block this rank holds (0 when not opt-sharded). */
  optPiece: number;
  box: Box;
  /** The rank's file is in the set and holds this parameter. */
  present: boolean;
  /** The merge reads this rank's slice (the lowest present holder of its box). */
  source: boolean;
}

export type ParameterKind =
  /** In the strategy: rebuilt from slices. */
  | 'sharded'
  /** In the files but not in the strategy: copied unchanged from the lowest rank (MindSpore: rank 0). */
  | 'extra';

export interface ParameterPlan {
  name: string;
  kind: ParameterKind;
  dtype: string | null;
  fullShape: number[] | null;
  sliceShape: number[] | null;
  /** Pieces each dimension is cut into (model split × optimizer shards on dimension 0). */
  split: number[];
  layout: ParameterLayout | null;
  /** Devices of one pipeline stage, prod(devMatrix). */
  deviceCount: number;
  /** Split count per dimension from the tensor map alone. */
  modelSplit: number[];
  /** Optimizer shards per block (1 when not opt-sharded; opt size −1 resolved). */
  optShards: number;
  stages: number[];
  holdings: RankHolding[];
  /** Ranks holding the same box, ascending; one list per distinct box. */
  replicaGroups: number[][];
  problems: LayoutProblem[];
  /** Every block has a present holder and nothing contradicts the strategy. */
  mergeable: boolean;
}

export type SetProblemCode =
  | 'missing-ranks'
  | 'unexpected-ranks'
  | 'strategy-params-not-in-files'
  | 'files-params-not-in-strategy'
  | 'device-counts-differ'
  | 'strategy-problem'
  | 'unmergeable-parameters';

export interface SetProblem {
  code: SetProblemCode;
  severity: ProblemSeverity;
  detail: string;
  ranks?: number[];
}

export interface SetLayout {
  /** Ranks given, ascending. */
  ranks: number[];
  /** Ranks the strategy implies (stages × devices per stage). */
  expectedRanks: number[];
  deviceCount: number;
  stages: number[];
  /** Sharded parameters in strategy order, then extras in file order. */
  parameters: ParameterPlan[];
  problems: SetProblem[];
}
