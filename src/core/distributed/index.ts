export type { Box, LayoutProblem, LayoutProblemCode, ParameterPlan, RankHolding, SetLayout } from './types';
export { analyzeSet } from './layout';
export { openMergedView, rankInputs, readTensor, streamingView, type MergedView, type RankFile } from './merge';
export { openRankFiles, rankFromPath, type RankSource } from './set';
export { readEntryBytes } from './boxes';
export { checkReplicas, withReplicaReports, type ReplicaReport } from './replicas';
export { setLayoutJson } from './report';
export { checkResliceCoverage, openReslicedView, strategyRanks } from './reslice';
export { planUnifiedParts } from './unified';
export { combineCheckpoints } from './combine';
export {
  openRankSource,
  rankFormatOf,
  readNamedStrategy,
  type RankFormat,
  type SetFileInput,
  type SetIgnoredFile,
} from './set-input';
export { openDistributedSet, unmergeableInFiles, type OpenSet, type OpenSetInput, type SetSummary } from './open-set';
export {
  buildOutput,
  mergedGroups,
  mergedNamesJob,
  rebuildMergedView,
  type MergedExportSpec,
  type OutputSpec,
  type SetData,
} from './outputs';
export { unitBytes, writeOutputs, type FileSink, type PlannedOutput } from './pool';
