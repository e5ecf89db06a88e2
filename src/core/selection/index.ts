export {
  FILTER_COMPLETIONS,
  compileFilter,
  matchingPositions,
  parseFilter,
  tryParseFilter,
  type FilterParseResult,
} from './filter';
