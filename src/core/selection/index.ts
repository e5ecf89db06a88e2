export { FILTER_COMPLETIONS, compileFilter, parseFilter, tryParseFilter, type FilterParseResult } from './filter';
