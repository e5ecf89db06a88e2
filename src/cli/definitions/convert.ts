import type { CliOptions } from '../args';
import { CHECKPOINT_INPUT, KEY_OPTIONS, SHARD_OPTION } from './shared';
import type { CliDefinition } from '../types';

const OPTIONS = {
  format: {
    type: 'string',
    value: '<format>',
    description: 'ckpt or safetensors (default: from the output name, .ckpt or .safetensors)',
  },
  filter: { type: 'string', value: '<expr>', description: 'only the parameters a filter expression matches' },
  'name-map': { type: 'string', value: '<json file>', description: 'rename parameters with a name-map JSON file' },
  preset: { type: 'string', value: '<id>', description: 'a built-in name map, e.g. pytorch-to-mindspore' },
  manifest: {
    type: 'string',
    value: '<file>',
    description: 'the network for --auto-map (JSON, text dump, graph.meta)',
  },
  'auto-map': {
    type: 'boolean',
    description: "write the network's names for tensors that would not load under theirs (needs --manifest)",
  },
  cast: {
    type: 'string',
    multiple: true,
    value: '<from:to>',
    description: 'cast dtypes, e.g. Float32:Float16, or Float16 for every float (repeatable)',
  },
  set: {
    type: 'string',
    multiple: true,
    value: '<key=value>',
    description: 'add or replace an append_dict value (repeatable)',
  },
  unset: { type: 'string', multiple: true, value: '<key>', description: 'remove an append_dict value (repeatable)' },
  ...KEY_OPTIONS,
  'enc-key': { type: 'string', value: '<hex>', description: 'encrypt the output with this key (needs --enc-mode)' },
  'enc-key-text': { type: 'string', value: '<text>', description: 'the output key as Python bytes text' },
  'enc-key-file': {
    type: 'string',
    value: '<file>',
    description: "the output key read from a file (hex, or a Python bytes literal b'...')",
  },
  'enc-mode': { type: 'string', value: '<mode>', description: 'AES-GCM, AES-CBC or SM4-CBC' },
  crc: { type: 'boolean', description: 'append the crc_num trailer (save_checkpoint crc_check=True)' },
  'metadata-format': { type: 'string', value: '<ms|pt>', description: 'safetensors __metadata__ format' },
  'scalar-dims': {
    type: 'string',
    value: '<keep|mindspore>',
    description: 'write 0-d scalars as stored (keep) or as MindSpore ≤ 2.2 did ([0])',
  },
  verify: { type: 'boolean', description: 're-read the written file and compare every value' },
  shard: SHARD_OPTION,
  force: { type: 'boolean', description: 'replace an existing output file' },
  json: { type: 'boolean', description: 'print JSON (errors too, as {"error": …})' },
} as const satisfies CliOptions;

export const convertDefinition: CliDefinition<typeof OPTIONS> = {
  name: 'convert',
  summary: 're-save (subset, rename, cast, encrypt, CRC) exactly as MindSpore save_checkpoint writes it',
  arguments: [
    { name: 'in', required: true, description: `the checkpoint to read: ${CHECKPOINT_INPUT}` },
    { name: 'out', required: true, description: 'the file to write (via <out>.partial, renamed when complete)' },
  ],
  options: OPTIONS,
};
