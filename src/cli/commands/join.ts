import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { createCrc32 } from '../../core/export';
import { crcTrailerOfRanges } from '../../core/export/parallel';
import path from 'node:path';
import { LensError } from '../../base/errors';
import { formatBytes } from '../../core/summary';
import { EXIT } from '../args';
import { checkOutputFile, fsError, writeChunksFile } from '../files';
import { MAX_SHARDS, partCrcFile, shardPartFile } from '../shard';
import type { ArgsOf, CliIo } from '../types';
import type { joinDefinition } from '../definitions/join';

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
    throw new LensError('shard-parts-incomplete', {
      file: out,
      hint: `the parts name different shard counts (of ${counts.slice(0, 5).join(', of ')}): remove the parts of the old run`,
    });
  const count = counts[0] as number;
  // The N of a part's name is checked before anything is made for N parts.
  if (count < 1 || count > MAX_SHARDS)
    throw new LensError('shard-parts-incomplete', {
      file: out,
      hint: `the part names say "of ${count}"; --shard writes from 1 to ${MAX_SHARDS.toLocaleString('en-US')} parts`,
    });
  const files = Array.from({ length: count }, (_, index) => shardPartFile(out, { index, count }));
  const present = new Set(names);
  const missing = files.filter((file) => !present.has(path.basename(file)));
  if (missing.length > 0)
    throw new LensError('shard-parts-incomplete', {
      file: out,
      expected: count,
      hint: `${missing
        .slice(0, 5)
        .map((file) => path.basename(file))
        .join(
          ', ',
        )}${missing.length > 5 ? ` and ${missing.length - 5} more` : ''} ${missing.length === 1 ? 'is' : 'are'} not there`,
    });
  return files.map((file) => path.join(dir, path.basename(file)));
}

/**
 * The CRC-32 each part's shard recorded (`<part>.crc32`, written for an output ending in the ckpt
 * crc_num trailer), or null when no part has one; some but not all is a missing file.
 */
function partCrcs(out: string, parts: readonly string[]): number[] | null {
  const files = parts.map(partCrcFile);
  const present = files.filter((file) => existsSync(file));
  if (present.length === 0) return null;
  const missing = files.filter((file) => !existsSync(file));
  if (missing.length > 0)
    throw new LensError('shard-parts-incomplete', {
      file: out,
      expected: parts.length,
      hint: `${missing.map((file) => path.basename(file)).join(', ')} (the CRC of a part) ${missing.length === 1 ? 'is' : 'are'} not there`,
    });
  return files.map((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw fsError(error, file, 'read');
    }
    if (!/^[0-9a-f]{8}$/.test(text))
      throw new LensError('shard-parts-incomplete', {
        file: out,
        expected: parts.length,
        hint: `${path.basename(file)} does not hold a CRC-32 (8 hex digits)`,
      });
    return Number.parseInt(text, 16);
  });
}

/**
 * The parts' bytes in order, then the crc_num trailer when the shards recorded CRCs: each part's
 * CRC is checked against its record as it streams, before the trailer is written.
 */
async function* joinedChunks(parts: readonly string[], crcs: readonly number[] | null): AsyncGenerator<Uint8Array> {
  const pieces: { length: number; crc: number }[] = [];
  for (const [index, part] of parts.entries()) {
    const crc = crcs ? await createCrc32() : null;
    let length = 0;
    try {
      for await (const chunk of createReadStream(part)) {
        const bytes = chunk as Buffer;
        crc?.update(bytes);
        length += bytes.length;
        yield bytes;
      }
    } catch (error) {
      throw fsError(error, part, 'read');
    }
    if (crc && crcs) {
      const expected = crcs[index] as number;
      const actual = crc.digest();
      if (actual !== expected)
        throw new LensError('shard-part-crc-mismatch', { file: part, expected: hex(expected), actual: hex(actual) });
      pieces.push({ length, crc: actual });
    }
  }
  if (crcs) yield crcTrailerOfRanges(pieces);
}

function hex(crc: number): string {
  return crc.toString(16).padStart(8, '0');
}

export async function run({ values, positionals }: ArgsOf<typeof joinDefinition>, io: CliIo): Promise<number> {
  const out = positionals[0] as string;
  const parts = findParts(out);
  checkOutputFile(out, { inputs: parts, force: values.force ?? false });
  const crcs = partCrcs(out, parts);
  const bytes = await writeChunksFile(joinedChunks(parts, crcs), out);
  if (values.json) io.out(JSON.stringify({ output: out, parts: parts.length, size: bytes, crc: crcs !== null }));
  else io.out(`${out}: ${formatBytes(bytes)} from ${parts.length} parts${crcs ? ', with the CRC trailer' : ''}`);
  return EXIT.ok;
}
