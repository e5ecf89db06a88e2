export {
  compareCheckpoints,
  rankChanges,
  type ChangeRanking,
  type CheckpointSide,
  type CompareOptions,
  type CompareProgress,
  type CompareResult,
  type CompareSummary,
  type PairStatus,
  type TensorDelta,
} from './compare';
