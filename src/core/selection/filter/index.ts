/**
 * The filter language: a small, safe predicate over a parameter's name, dtype, shape, rank,
 * numel, bytes and kind. Filters travel in shareable URLs, so they are parsed and type-checked
 * into an AST and compiled into closures — never evaluated as JavaScript — and every size is
 * bounded (text, nesting, literals, lists; regexes run on the linear-time engine in ../regex.ts).
 *
 *   startsWith("conv") and not startsWith("conv1")
 *   name ~ /\.bias$/
 *   dtype == Float16 and numel > 1e6
 *   dtype in [Float16, BFloat16] or (rank == 2 and shape[0] > 10)
 *
 * One module per stage: lex.ts (tokens) → parse.ts (syntax tree; parseFilter also type-checks
 * with check.ts) → compile.ts (predicates); ast.ts holds the vocabulary they share, and
 * completions.ts the data the filter box offers as the user types.
 */
export {
  compileFilter,
  countMatches,
  filterEntries,
  filterPredicate,
  matchingPositions,
  predicateAt,
  type FilterSubject,
} from './compile';
export { FILTER_COMPLETIONS } from './completions';
export { parseFilter, tryParseFilter, type FilterParseResult } from './parse';
