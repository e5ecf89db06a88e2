export type {
  Box,
  LayoutProblem,
  LayoutProblemCode,
  ParameterKind,
  ParameterPlan,
  ProblemSeverity,
  RankHolding,
  RankInput,
  SetLayout,
  SetProblem,
  SetProblemCode,
} from './types';
export {
  analyzeSet,
  blockIndex,
  boxOf,
  fullShapeOf,
  isMergedParameter,
  rankCoordinates,
  sliceGeometry,
  splitCounts,
} from './layout';
export {
  openMergedView,
  rankInputs,
  readTensor,
  streamingView,
  tensorChunks,
  type MergedView,
  type MergeOptions,
  type RankFile,
} from './merge';
export { openRankFiles, rankFromPath, type RankSource } from './set';
export { readEntryBytes, type BoxedTensor, type BoxPiece } from './boxes';
export {
  checkReplicas,
  withReplicaReports,
  type ReplicaCheckOptions,
  type ReplicaDifference,
  type ReplicaReport,
} from './replicas';
export { parameterLayoutJson, setLayoutJson, type ParameterLayoutJson, type SetLayoutJson } from './report';
export {
  openReslicedView,
  strategyRanks,
  type ReslicedTensor,
  type ReslicedView,
  type ResliceOptions,
} from './reslice';
export { planUnifiedParts, UNIFIED_DEFAULT_PART_BYTES, type UnifiedLayout, type UnifiedPart } from './unified';
export { combineCheckpoints } from './combine';
