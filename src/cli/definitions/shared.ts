/**
 * Options and arguments several command definitions share. Plain data, like every definition:
 * the code that reads them lives beside the commands (key-options.ts, distributed-input.ts,
 * shard.ts, open-input.ts), loaded only when a command runs.
 */
import type { CliOptionSpec, CliOptions } from '../args';

/** What every command that reads one checkpoint through openInputCheckpoint (open-input.ts) accepts. */
export const CHECKPOINT_INPUT =
  'a .ckpt, .safetensors or PyTorch file, a shard index JSON, or a folder holding a sharded set';

/** `--key <hex>`, `--key-text <python b"..." text>`, `--key-file <file>`, `--mode` (only for MindSpore 1.3–1.6 files); read by readKeyOptions. */
export const KEY_OPTIONS = {
  key: { type: 'string', value: '<hex>', description: 'key of an encrypted checkpoint, as hex' },
  'key-text': {
    type: 'string',
    value: '<text>',
    description: 'key of an encrypted checkpoint, as the Python bytes text given to MindSpore',
  },
  'key-file': {
    type: 'string',
    value: '<file>',
    description:
      "key of an encrypted checkpoint, read from a file (hex, or a Python bytes literal b'...'): unlike --key, not visible to other users in the process list",
  },
  mode: {
    type: 'string',
    value: '<mode>',
    description: 'AES-GCM, AES-CBC or SM4-CBC; only needed for files of MindSpore 1.3–1.6',
  },
} as const satisfies CliOptions;

/** The options `merge` and `layout` share (distributed-input.ts reads them). */
export const DISTRIBUTED_OPTIONS = {
  strategy: {
    type: 'string',
    multiple: true,
    value: '<file>',
    description: 'the parallel strategy file (one per pipeline stage, or the merged one; repeatable)',
  },
  'input-format': {
    type: 'string',
    value: '<ckpt|safetensors>',
    description: 'which rank files to read when rank folders hold both',
  },
  key: { type: 'string', value: '<hex>', description: 'key of encrypted rank files (one for all, as dec_key)' },
  'key-text': { type: 'string', value: '<text>', description: 'the key as Python bytes text' },
  json: { type: 'boolean', description: 'print JSON (errors too, as {"error": …})' },
  'check-replicas': {
    type: 'boolean',
    description: 'compare every replica with the slice that is read (exit 3 if they differ)',
  },
} as const satisfies CliOptions;

/** The positional arguments of `merge` and `layout`. */
export const RANK_ARGUMENTS = [
  {
    name: 'ranks',
    required: true,
    variadic: true,
    description: 'rank files, rank_N folders, or the folder holding the rank_N folders',
  },
] as const;

/** `--shard i/N` of merge, reslice and convert (shard.ts). */
export const SHARD_OPTION = {
  type: 'string',
  value: '<i/N>',
  description:
    "write only shard i (from 0) of N: whole outputs round robin, or one file's byte range as <out>.part-<i>-of-<N> (see docs/scale.md)",
} as const satisfies CliOptionSpec;
