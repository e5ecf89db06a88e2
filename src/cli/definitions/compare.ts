import type { CliOptions } from '../args';
import { CHECKPOINT_INPUT, KEY_OPTIONS } from './shared';
import type { CliDefinition } from '../types';

const OPTIONS = {
  'name-map': {
    type: 'string',
    value: '<json file | json>',
    description: "rename A's tensors before pairing: a name-map JSON file, or the JSON itself",
  },
  filter: { type: 'string', value: '<expr>', description: "only A's tensors a filter expression matches" },
  sort: {
    type: 'string',
    value: '<key>',
    description: 'relativeL2 (default), maxAbsDelta, meanAbsDelta, cosine, changedFraction or name',
  },
  top: { type: 'string', value: '<n>', description: 'list this many changed tensors (default 30)' },
  markdown: { type: 'boolean', description: 'print a Markdown audit report' },
  json: { type: 'boolean', description: 'print JSON (errors too, as {"error": …})' },
  ...KEY_OPTIONS,
} as const satisfies CliOptions;

export const compareDefinition: CliDefinition<typeof OPTIONS> = {
  name: 'compare',
  summary: 'per-tensor value deltas between two checkpoints; exit 3 if a tensor is damaged',
  description:
    'A key (--key, --key-text or --key-file) opens whichever of the two is encrypted, or both when they were ' +
    'saved with the same key; two checkpoints saved with different keys cannot be compared yet.',
  arguments: [
    { name: 'a', required: true, description: `the first checkpoint: ${CHECKPOINT_INPUT}` },
    { name: 'b', required: true, description: 'the second checkpoint, of the same kinds' },
  ],
  options: OPTIONS,
};
