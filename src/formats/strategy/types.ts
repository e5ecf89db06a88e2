/**
 * A parallel strategy file, normalised (distributed.md §1.6): one layout per parameter, whatever
 * the file's encoding (protobuf `ParallelStrategyMap` or JSON) and whether it is one stage's file
 * or a merged pipeline file with `<stage>-name` keys.
 */

/** One tensor dimension's device axes (numbered from the right of devMatrix); `-1` = not split. */
export type TensorMapEntry = number | number[];

export type StrategyEncoding = 'protobuf' | 'json';

export interface ParameterLayout {
  /** Parameter name exactly as in the checkpoint files (stage prefix removed). */
  name: string;
  /** Pipeline stages that hold this parameter, ascending. */
  stages: number[];
  /** Device matrix of one pipeline stage (of the lowest stage when there are several). */
  devMatrix: number[];
  tensorMap: TensorMapEntry[];
  /** Manual (uneven) dim-0 split lengths; empty for even splits. */
  paramSplitShape: number[];
  indicesOffset: number[];
  /** Field size of a field-split embedding table; 0 otherwise. */
  field: number;
  optStep: number;
  /** −1 means "the whole replica group" (resolved when the layout is computed). */
  optSize: number;
  /** Full shape: JSON strategy files only (`tensor_shape`); protobuf files carry no shapes. */
  fullShape?: number[];
}

export type StrategyProblemCode =
  'stages-incomplete' | 'duplicate-stage' | 'duplicate-layout' | 'layout-defaulted' | 'stage-layouts-differ';

export interface StrategyProblem {
  code: StrategyProblemCode;
  detail: string;
}

export interface ParallelStrategy {
  encoding: StrategyEncoding;
  /** File names this strategy was read from (several for per-stage files combined). */
  files: string[];
  /** A save counter, not a pipeline stage (§1.2). */
  currentStage: number;
  /** `parallel_strategy_item[0].stage` of the (first) file; null when it has no operator items. */
  fileStage: number | null;
  /** Layout keys carried `<stage>-` prefixes (merge_pipeline_strategys output) or files were combined. */
  pipelineMerged: boolean;
  /** Every stage that owns at least one parameter, ascending. */
  stages: number[];
  operatorCount: number;
  /** One layout per parameter, in file order of first appearance. */
  layouts: ParameterLayout[];
  problems: StrategyProblem[];
}
