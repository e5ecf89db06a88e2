export type {
  ParallelStrategy,
  ParameterLayout,
  StrategyEncoding,
  StrategyProblem,
  StrategyProblemCode,
  TensorMapEntry,
} from './types';
export {
  combineStageStrategies,
  looksLikeJsonStrategy,
  looksLikeProtobufStrategy,
  parseStrategy,
  readStrategy,
  type ParseStrategyOptions,
} from './parse';
