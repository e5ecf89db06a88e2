import { dtypeInfo } from '../../../base/dtypes';

/** The filter's syntax tree and its vocabulary: fields and their types, functions, dtype names. */

export type FieldName = 'name' | 'dtype' | 'shape' | 'rank' | 'numel' | 'bytes' | 'kind';
export type FunctionName = 'startsWith' | 'endsWith' | 'contains' | 'matches';
export type ComparisonOperator = '==' | '!=' | '<' | '<=' | '>' | '>=';
export type ValueType = 'bool' | 'string' | 'number' | 'dtype' | 'shape' | 'regex' | 'list';

export type FilterNode =
  | { type: 'or' | 'and'; left: FilterNode; right: FilterNode; column: number }
  | { type: 'not'; operand: FilterNode; column: number }
  | { type: 'compare'; op: ComparisonOperator; left: FilterNode; right: FilterNode; column: number }
  | { type: 'in'; negated: boolean; left: FilterNode; list: FilterNode; column: number }
  | { type: 'match'; negated: boolean; left: FilterNode; regex: FilterNode; column: number }
  | { type: 'call'; name: FunctionName; args: FilterNode[]; column: number }
  | { type: 'field'; name: FieldName; index?: number; column: number }
  | { type: 'number'; value: number; column: number }
  | { type: 'string'; value: string; column: number }
  | { type: 'dtype'; value: string; column: number }
  | { type: 'regex'; source: string; flags: string; column: number }
  | { type: 'list'; items: FilterNode[]; column: number }
  | { type: 'bool'; value: boolean; column: number };

/** A parsed, type-checked filter. `text` is kept so it can be put back in a URL. */
export interface FilterAst {
  text: string;
  root: FilterNode | null;
}

export const FIELD_TYPES: Record<FieldName, ValueType> = {
  name: 'string',
  dtype: 'dtype',
  shape: 'shape',
  rank: 'number',
  numel: 'number',
  bytes: 'number',
  kind: 'string',
};

export const FUNCTIONS: Record<FunctionName, { argument: 'string' | 'regex' }> = {
  startsWith: { argument: 'string' },
  endsWith: { argument: 'string' },
  contains: { argument: 'string' },
  matches: { argument: 'regex' },
};

/** Names a dtype can be written as, case-insensitively, beside MindSpore's own. */
const EXTRA_DTYPES = ['str', 'random_op', 'map'];

export function canonicalDtype(name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const candidate of [...KNOWN_DTYPES, ...EXTRA_DTYPES]) if (candidate.toLowerCase() === lower) return candidate;
  return undefined;
}

export const KNOWN_DTYPES = [
  'Bool',
  'Int4',
  'Int8',
  'Int16',
  'Int32',
  'Int64',
  'UInt8',
  'UInt16',
  'UInt32',
  'UInt64',
  'Float16',
  'BFloat16',
  'Float32',
  'Float64',
  'Complex64',
  'Complex128',
].filter((name) => dtypeInfo(name) !== undefined);
