export type { ParallelStrategy, ParameterLayout, StrategyProblem, TensorMapEntry } from './types';
export { looksLikeJsonStrategyHead, looksLikeProtobufStrategy } from './sniff';
export { combineStageStrategies, readStrategy } from './parse';
