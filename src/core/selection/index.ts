export {
  FILTER_COMPLETIONS,
  compileFilter,
  parseFilter,
  tryParseFilter,
  type FilterParseResult,
  type FilterSubject,
} from './filter';
