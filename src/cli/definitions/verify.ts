import type { CliOptions } from '../args';
import { KEY_OPTIONS } from './shared';
import type { CliDefinition } from '../types';

const OPTIONS = {
  sha256: { type: 'boolean', description: "also print the file's SHA-256 (of the bytes as stored)" },
  json: { type: 'boolean', description: 'print JSON (errors too, as {"error": …})' },
  ...KEY_OPTIONS,
} as const satisfies CliOptions;

export const verifyDefinition: CliDefinition<typeof OPTIONS> = {
  name: 'verify',
  summary:
    "check the CRC (crc_num; each zip entry's CRC-32 of a PyTorch file) and every encrypted block, and print the file's SHA-256; exit 3 on failure",
  arguments: [
    {
      name: 'file',
      required: true,
      description:
        "a .ckpt, .safetensors or PyTorch file; or a sharded set's index JSON (or its folder): every shard it names is verified, and the verdict covers them all",
    },
  ],
  options: OPTIONS,
};
