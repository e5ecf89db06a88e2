import type { CliOptions } from '../args';
import { CHECKPOINT_INPUT, KEY_OPTIONS } from './shared';
import type { CliDefinition } from '../types';

const OPTIONS = {
  manifest: {
    type: 'string',
    value: '<file>',
    description: 'the network: a JSON or text parameter list, a *-graph.meta, or another checkpoint (required)',
  },
  strict: { type: 'boolean', description: 'load_param_into_net(strict_load=True)' },
  'name-map': { type: 'string', value: '<json file>', description: 'rename checkpoint names before loading' },
  preset: { type: 'string', value: '<id>', description: 'a built-in name map, e.g. pytorch-to-mindspore' },
  filter: { type: 'string', value: '<expr>', description: "load_checkpoint's choice_func as a filter expression" },
  'specify-prefix': {
    type: 'string',
    multiple: true,
    value: '<prefix>',
    description: "load_checkpoint's specify_prefix (repeatable)",
  },
  'filter-prefix': {
    type: 'string',
    multiple: true,
    value: '<prefix>',
    description: "load_checkpoint's filter_prefix (repeatable)",
  },
  'auto-map': {
    type: 'boolean',
    description: 'rename what would not load to the network names it most likely is (BatchNorm, LayerNorm, Embedding)',
  },
  json: { type: 'boolean', description: 'print JSON (errors too, as {"error": …})' },
  ...KEY_OPTIONS,
} as const satisfies CliOptions;

export const diffDefinition: CliDefinition<typeof OPTIONS> = {
  name: 'diff',
  summary: 'would load_param_into_net load this checkpoint into the network? (exit 3 if not fully)',
  arguments: [
    {
      name: 'checkpoint',
      required: true,
      description: CHECKPOINT_INPUT,
    },
  ],
  options: OPTIONS,
};
