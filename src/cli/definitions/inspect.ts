import type { CliOptions } from '../args';
import { CHECKPOINT_INPUT, KEY_OPTIONS } from './shared';
import type { CliDefinition } from '../types';

const OPTIONS = {
  filter: { type: 'string', value: '<expr>', description: 'only the parameters a filter expression matches' },
  json: { type: 'boolean', description: 'print JSON (errors too, as {"error": …})' },
  ...KEY_OPTIONS,
} as const satisfies CliOptions;

export const inspectDefinition: CliDefinition<typeof OPTIONS> = {
  name: 'inspect',
  summary: 'list every parameter (name, dtype, shape, bytes) and metadata; exit 3 if the file has a structural finding',
  arguments: [
    {
      name: 'file',
      required: true,
      description: CHECKPOINT_INPUT,
    },
  ],
  options: OPTIONS,
};
