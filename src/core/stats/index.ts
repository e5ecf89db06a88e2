export {
  auditNonFinite,
  computeAllStats,
  computeTensorStats,
  nonFiniteAuditFrom,
  numericLayout,
  statsReadBytes,
  type AllStatsOptions,
  type AllStatsResult,
  type NonFiniteAudit,
  type NonFiniteFinding,
  type SkippedTensor,
  type StatsOptions,
  type StatsProgress,
  type TensorStats,
} from './tensor-stats';
export type { Histogram } from './histogram';
export {
  parseSlice,
  readFirstValues,
  readTensorSlice,
  resolveSlice,
  tensorValuesJson,
  tensorValuesNumpy,
  type PreviewOptions,
  type ResolvedSlice,
  type SliceItem,
  type TensorValues,
} from './slice';
export type { WindowOptions } from './windows';
