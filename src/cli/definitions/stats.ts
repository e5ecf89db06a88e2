import type { CliOptions } from '../args';
import { CHECKPOINT_INPUT, KEY_OPTIONS } from './shared';
import type { CliDefinition } from '../types';

const OPTIONS = {
  tensor: { type: 'string', value: '<name>', description: 'one tensor: its statistics and histogram' },
  slice: {
    type: 'string',
    value: '<expr>',
    description: 'with --tensor: print the values of a NumPy-style slice, e.g. [0, :8]',
  },
  head: { type: 'string', value: '<n>', description: 'with --tensor: print its first n values' },
  filter: { type: 'string', value: '<expr>', description: 'only the tensors a filter expression matches' },
  bins: { type: 'string', value: '<n>', description: 'histogram bins, 1 to 4096 (default 64)' },
  'exact-histogram': { type: 'boolean', description: 'exact histograms for 32/64-bit tensors (a second pass)' },
  'nan-audit': { type: 'boolean', description: 'only count NaN/Inf values' },
  markdown: { type: 'boolean', description: 'print a Markdown audit report' },
  json: { type: 'boolean', description: 'print JSON (errors too, as {"error": …})' },
  ...KEY_OPTIONS,
} as const satisfies CliOptions;

export const statsDefinition: CliDefinition<typeof OPTIONS> = {
  name: 'stats',
  summary: 'min/max/mean/std/L2/NaN/Inf/zeros/histogram per tensor; exit 3 if NaN/Inf or a size contradiction is found',
  arguments: [
    {
      name: 'file',
      required: true,
      description: CHECKPOINT_INPUT,
    },
  ],
  options: OPTIONS,
};
