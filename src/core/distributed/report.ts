import type { TensorMapEntry } from '../../formats/strategy/types';
import type { Box, LayoutProblem, ParameterPlan, SetLayout, SetProblem } from './types';

/** One parameter of the layout, as the CLI prints it with --json and the UI shows it. Keys are stable. */
export interface ParameterLayoutJson {
  name: string;
  kind: ParameterPlan['kind'];
  dtype: string | null;
  fullShape: number[] | null;
  sliceShape: number[] | null;
  /** Pieces per dimension (full / slice). */
  split: number[];
  /** Global rank → the box `[start, stop)` per dimension it holds. */
  ranks: Record<string, Box>;
  /** Ranks whose slices the merge reads (one per distinct box). */
  sources: number[];
  /** Ranks holding identical boxes, one list per distinct box. */
  replicaGroups: number[][];
  stages: number[];
  devMatrix: number[] | null;
  tensorMap: TensorMapEntry[] | null;
  optShard: { step: number; size: number; shards: number } | null;
  mergeable: boolean;
  problems: LayoutProblem[];
}

export interface SetLayoutJson {
  ranks: number[];
  expectedRanks: number[];
  deviceCount: number;
  stages: number[];
  problems: SetProblem[];
  parameters: ParameterLayoutJson[];
}

export function parameterLayoutJson(plan: ParameterPlan): ParameterLayoutJson {
  const ranks: Record<string, Box> = {};
  for (const holding of plan.holdings) ranks[String(holding.rank)] = holding.box;
  const layout = plan.layout;
  return {
    name: plan.name,
    kind: plan.kind,
    dtype: plan.dtype,
    fullShape: plan.fullShape,
    sliceShape: plan.sliceShape,
    split: plan.split,
    ranks,
    sources: plan.holdings.filter((holding) => holding.source).map((holding) => holding.rank),
    replicaGroups: plan.replicaGroups,
    stages: plan.stages,
    devMatrix: layout?.devMatrix ?? null,
    tensorMap: layout?.tensorMap ?? null,
    optShard:
      layout && layout.optStep !== 0 && layout.optSize !== 0
        ? { step: layout.optStep, size: layout.optSize, shards: plan.optShards }
        : null,
    mergeable: plan.mergeable,
    problems: plan.problems,
  };
}

export function setLayoutJson(layout: SetLayout): SetLayoutJson {
  return {
    ranks: layout.ranks,
    expectedRanks: layout.expectedRanks,
    deviceCount: layout.deviceCount,
    stages: layout.stages,
    problems: layout.problems,
    parameters: layout.parameters.map(parameterLayoutJson),
  };
}
