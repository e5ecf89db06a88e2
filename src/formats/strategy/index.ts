export type {
  ParallelStrategy,
  ParameterLayout,
  StrategyEncoding,
  StrategyProblem,
  StrategyProblemCode,
  TensorMapEntry,
} from './types';
export { looksLikeJsonStrategy, looksLikeJsonStrategyHead, looksLikeProtobufStrategy } from './sniff';
export { combineStageStrategies, parseStrategy, readStrategy, type ParseStrategyOptions } from './parse';
