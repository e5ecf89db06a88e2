import type { CliOptions } from '../args';
import type { CliDefinition } from '../types';

const OPTIONS = {
  force: { type: 'boolean', description: 'replace an existing output file' },
  json: { type: 'boolean', description: 'print JSON (errors too, as {"error": …})' },
} as const satisfies CliOptions;

export const joinDefinition: CliDefinition<typeof OPTIONS> = {
  name: 'join',
  summary: 'concatenate the byte ranges of one output written with --shard i/N (<out>.part-<i>-of-<N>) into <out>',
  description:
    'Every part from 0 to N-1 must be there (a missing one is named, exit 1); the parts are kept. ' +
    'The same bytes as `cat <out>.part-*-of-<N> > <out>`, which checks nothing — except for a ' +
    ".ckpt with the crc_num trailer (convert --crc): its shards record each part's CRC " +
    '(<part>.crc32), join checks every part against it (exit 3 if one changed) and appends the trailer.',
  arguments: [{ name: 'out', required: true, description: 'the output file the parts were written for' }],
  options: OPTIONS,
};
