export {
  FILTER_COMPLETIONS,
  KNOWN_DTYPES,
  compileFilter,
  countMatches,
  filterEntries,
  filterPredicate,
  parseFilter,
  tryParseFilter,
  type FilterAst,
  type FilterCompletions,
  type FilterNode,
  type FilterParseResult,
  type FilterPredicate,
  type FilterSubject,
} from './filter';
export { checkPrefix, selectLikeMindSpore, type MindSporeSelection, type MindSporeSelectionOptions } from './mindspore';
export { compileSafeRegex, type SafeRegex } from './regex';
