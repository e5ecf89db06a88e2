import type { CliOptions } from '../args';
import { SHARD_OPTION } from './shared';
import type { CliDefinition } from '../types';

const OPTIONS = {
  strategy: {
    type: 'string',
    multiple: true,
    value: '<file>',
    description: 'the target strategy file (required; repeatable per stage)',
  },
  'train-strategy': {
    type: 'string',
    multiple: true,
    value: '<file>',
    description: 'the training strategy of the rank files given (merge, then cut: transform_checkpoints)',
  },
  'input-format': {
    type: 'string',
    value: '<ckpt|safetensors>',
    description: 'which rank files to read when rank folders hold both',
  },
  key: { type: 'string', value: '<hex>', description: 'key of encrypted rank files' },
  'key-text': { type: 'string', value: '<text>', description: 'the key as Python bytes text' },
  out: { type: 'string', value: '<dir>', description: 'output folder: <dir>/rank_<r>/net.<format> (required)' },
  rank: {
    type: 'string',
    multiple: true,
    value: '<r>',
    description: 'only these target ranks (repeatable; default all)',
  },
  format: { type: 'string', value: '<safetensors|ckpt>', description: 'output format (default safetensors)' },
  'no-check-replicas': {
    type: 'boolean',
    description:
      'with --train-strategy: trust one holder of every slice (replicas are compared by default, as in merge)',
  },
  'allow-incomplete': {
    type: 'boolean',
    description: "write the rank files without the strategy's parameters the input lacks (refused by default)",
  },
  shard: SHARD_OPTION,
  force: { type: 'boolean', description: 'replace existing output files' },
  json: { type: 'boolean', description: 'print JSON (errors too, as {"error": …})' },
} as const satisfies CliOptions;

export const resliceDefinition: CliDefinition<typeof OPTIONS> = {
  name: 'reslice',
  summary:
    'cut full tensors for a target strategy into <dir>/rank_<r>/net.<format> (load_distributed_checkpoint save mode)',
  arguments: [
    {
      name: 'inputs',
      required: true,
      variadic: true,
      description: 'a unified file or folder of parts, or (with --train-strategy) rank files or folders',
    },
  ],
  description:
    'The rank files given with --train-strategy get every check merge makes; an input that lacks some of the ' +
    "target strategy's parameters, or holds one in a shape the strategy contradicts, is an integrity finding " +
    '(exit 3), one that holds none of them is bad input (exit 1); either way no rank file is written.',
  options: OPTIONS,
};
