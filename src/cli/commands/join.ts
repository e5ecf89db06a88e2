import { createReadStream, readdirSync } from 'node:fs';
import path from 'node:path';
import { LensError } from '../../base/errors';
import { formatBytes } from '../../core/summary';
import { EXIT, type CliOptions } from '../args';
import { checkOutputFile, fsError, writeChunksFile } from '../files';
import { shardPartFile } from '../shard';
import type { CliCommand, CliIo } from '../types';

const OPTIONS = {
  force: { type: 'boolean', description: 'replace an existing output file' },
  json: { type: 'boolean', description: 'print JSON (errors too, as {"error": …})' },
} as const satisfies CliOptions;

const PART = /\.part-(\d+)-of-(\d+)$/;

/** The part files of `out` (`<out>.part-<i>-of-<N>`), in index order; all N of them, or an error. */
function findParts(out: string): string[] {
  const dir = path.dirname(path.resolve(out));
  const base = path.basename(out);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw fsError(error, dir, 'read');
  }
  const found = names
    .filter((name) => name.startsWith(`${base}.part-`))
    .map((name) => PART.exec(name.slice(base.length)))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ index: Number(match[1]), count: Number(match[2]) }));
  const counts = [...new Set(found.map((part) => part.count))];
  if (counts.length === 0)
    throw new LensError('file-not-found', {
      file: `${out}.part-*-of-*`,
      hint: 'no part files: write them with --shard i/N first',
    });
  if (counts.length > 1)
    throw new LensError('usage', {
      hint: `${out} has parts of different shard counts (of ${counts.join(', of ')}): remove the parts of the old run`,
    });
  const count = counts[0] as number;
  const files = Array.from({ length: count }, (_, index) => shardPartFile(out, { index, count }));
  const present = new Set(names);
  const missing = files.filter((file) => !present.has(path.basename(file)));
  if (missing.length > 0)
    throw new LensError('shard-parts-incomplete', {
      file: out,
      expected: count,
      hint: `${missing.map((file) => path.basename(file)).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not there`,
    });
  return files.map((file) => path.join(dir, path.basename(file)));
}

/** The parts' bytes in order; a part that cannot be read is named. */
async function* partChunks(parts: readonly string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) {
    try {
      for await (const chunk of createReadStream(part)) yield chunk as Buffer;
    } catch (error) {
      throw fsError(error, part, 'read');
    }
  }
}

export const joinCommand: CliCommand<typeof OPTIONS> = {
  name: 'join',
  summary: 'concatenate the byte ranges of one output written with --shard i/N (<out>.part-<i>-of-<N>) into <out>',
  description:
    'Every part from 0 to N-1 must be there (a missing one is named, exit 1); the parts are kept. ' +
    'The same bytes as `cat <out>.part-*-of-<N> > <out>`, which checks nothing.',
  arguments: [{ name: 'out', required: true, description: 'the output file the parts were written for' }],
  options: OPTIONS,
  async run({ values, positionals }, io: CliIo) {
    const out = positionals[0] as string;
    const parts = findParts(out);
    checkOutputFile(out, { inputs: parts, force: values.force ?? false });
    const bytes = await writeChunksFile(partChunks(parts), out);
    if (values.json) io.out(JSON.stringify({ output: out, parts: parts.length, size: bytes }));
    else io.out(`${out}: ${formatBytes(bytes)} from ${parts.length} parts`);
    return EXIT.ok;
  },
};
