import type { CliOptions } from '../args';
import { DISTRIBUTED_OPTIONS, RANK_ARGUMENTS, SHARD_OPTION } from './shared';
import type { CliDefinition } from '../types';

const OPTIONS = {
  ...DISTRIBUTED_OPTIONS,
  'no-check-replicas': {
    type: 'boolean',
    description: 'trust one holder of every slice, as MindSpore does (replicas are compared by default)',
  },
  out: {
    type: 'string',
    value: '<file|dir>',
    description: 'one output file, or a folder (ending in /, or with --part-size) for unified parts (required)',
  },
  format: {
    type: 'string',
    value: '<safetensors|ckpt>',
    description: 'output format (default: from --out, else safetensors)',
  },
  'part-size': { type: 'string', value: '<size>', description: 'unified parts of at most this size, e.g. 3GiB' },
  'max-process-num': { type: 'string', value: '<n>', description: 'write with n worker threads (1 to 64)' },
  shard: SHARD_OPTION,
  'allow-incomplete': { type: 'boolean', description: 'write the parameters that can be merged when some cannot' },
  force: { type: 'boolean', description: 'replace existing output files' },
} as const satisfies CliOptions;

export const mergeDefinition: CliDefinition<typeof OPTIONS> = {
  name: 'merge',
  summary: 'rebuild full tensors from per-rank shards: one file, or unified parts + param_name_map.json',
  description:
    'Replicas are compared before anything is written; a rank file that does not belong (other shapes or bytes) ' +
    'is an integrity finding (exit 3) and nothing is written.',
  arguments: RANK_ARGUMENTS,
  options: OPTIONS,
};
