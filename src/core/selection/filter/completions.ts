import { KNOWN_DTYPES, type FieldName, type FunctionName, type ValueType } from './ast';

/**
 * What the filter box offers as the user types (fields, functions, operators, dtypes, examples):
 * plain data the page needs synchronously on every keystroke, so it lives with the language.
 */

interface FilterCompletions {
  fields: { name: FieldName; type: ValueType; description: string }[];
  functions: { name: FunctionName; signature: string; description: string }[];
  operators: { text: string; description: string }[];
  keywords: string[];
  dtypes: string[];
  examples: { expression: string; description: string }[];
}

export const FILTER_COMPLETIONS: FilterCompletions = {
  fields: [
    { name: 'name', type: 'string', description: 'parameter name' },
    { name: 'dtype', type: 'dtype', description: 'MindSpore dtype (Float16, BFloat16, Int32, str, …)' },
    { name: 'shape', type: 'shape', description: 'shape; shape[0] is the first dim, shape == [3, 3] compares all' },
    { name: 'rank', type: 'number', description: 'number of dimensions' },
    { name: 'numel', type: 'number', description: 'number of elements' },
    { name: 'bytes', type: 'number', description: 'bytes stored in the file' },
    { name: 'kind', type: 'string', description: '"tensor", "string", "random_op" or "map"' },
  ],
  functions: [
    { name: 'startsWith', signature: 'startsWith("a", …)', description: 'name starts with any of the strings' },
    { name: 'endsWith', signature: 'endsWith(".weight", …)', description: 'name ends with any of the strings' },
    { name: 'contains', signature: 'contains("attn", …)', description: 'name contains any of the strings' },
    { name: 'matches', signature: 'matches(/re/i)', description: 'name matches the regular expression' },
  ],
  operators: [
    { text: 'and', description: 'both conditions (also &&)' },
    { text: 'or', description: 'either condition (also ||)' },
    { text: 'not', description: 'negation (also !)' },
    { text: '== != < <= > >=', description: 'comparisons (ordering on numbers only)' },
    { text: '~  !~', description: 'name matches / does not match a /regex/' },
    { text: 'in  not in', description: 'membership in a [list]' },
  ],
  keywords: ['and', 'or', 'not', 'in', 'true', 'false'],
  dtypes: [...KNOWN_DTYPES, 'str'],
  examples: [
    { expression: 'startsWith("conv") and not startsWith("conv1")', description: 'conv layers except conv1' },
    { expression: 'name ~ /\\.bias$/', description: 'every bias' },
    { expression: 'dtype == Float16 and numel > 1e6', description: 'large half-precision tensors' },
    { expression: 'endsWith(".weight") and rank == 2', description: 'dense weights' },
    { expression: 'contains("attn") or contains("attention")', description: 'attention parameters' },
    { expression: 'dtype in [Float16, BFloat16]', description: 'low-precision floats' },
    { expression: 'shape[0] > 10 and bytes >= 1MiB', description: 'big first dim, at least 1 MiB' },
    { expression: 'not startsWith("moments.", "accu_grads.")', description: 'skip optimizer state' },
  ],
};
