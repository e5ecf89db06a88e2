/**
 * `--shard i/N` (merge, reslice): one job split across machines with no coordinator. Every
 * process computes the same plan from the same inputs and writes only its share: whole output
 * files (round robin over the plan's outputs), or for a single output file its byte range as
 * `<out>.part-<i>-of-<N>`. The ranges are planRanges' (the --max-process-num cut), so the parts
 * concatenate, in index order, to the bytes one process writes: `cat <out>.part-*-of-<N> > <out>`
 * (indexes are zero-padded to N's width, so the shell's order is the right one).
 */
import { rm } from 'node:fs/promises';
import { internalError, LensError } from '../base/errors';
import { createCrc32, type ExportJob } from '../core/export';
import { planRanges } from '../core/export/parallel';
import { readParts, sliceParts, totalLength } from '../formats/parts';
import { fsError, writeChunksFile } from './files';

/** Shard `index` (from 0) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/** Most shards one job is split into (a job array larger than this is a typo). */
export const MAX_SHARDS = 10_000;

/** "2/8" → shard 2 of 8; anything else is a usage error (exit 2). */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match)
    throw new LensError('usage', {
      hint: `--shard "${text}" must look like i/N, e.g. 0/4 (i counts from 0: $SLURM_ARRAY_TASK_ID or $JOB_COMPLETION_INDEX)`,
    });
  if (count < 1 || count > MAX_SHARDS)
    throw new LensError('usage', { hint: `--shard "${text}": N must be from 1 to ${MAX_SHARDS}` });
  if (index >= count)
    throw new LensError('usage', {
      hint: `--shard "${text}": i counts from 0, so it must be below N (0 to ${count - 1})`,
    });
  return { index, count };
}

/** Whether output `output` (its index in the plan) falls to `shard`: round robin. */
export function ownsOutput(shard: Shard, output: number): boolean {
  return output % shard.count === shard.index;
}

/** `<out>.part-<i>-of-<N>`, i zero-padded to N's width so `cat <out>.part-*` concatenates in order. */
export function shardPartFile(out: string, shard: Shard): string {
  const width = String(shard.count - 1).length;
  return `${out}.part-${String(shard.index).padStart(width, '0')}-of-${shard.count}`;
}

/** `<part>.crc32`: a CRC export's part's CRC-32 (8 hex digits), from which join writes the trailer. */
export function partCrcFile(part: string): string {
  return `${part}.crc32`;
}

/**
 * Write this shard's byte range of `job` (planRanges with N pieces, the same on every process)
 * to `<out>.part-<i>-of-<N>` via `.partial`. A shard past the last range (a small output cuts
 * into fewer pieces) writes an empty part, so every index has its file. A job ending in the
 * ckpt `crc_num` trailer also gets `<part>.crc32`, the range's CRC: join combines them into the
 * trailer, so no shard reads another's bytes. Encrypted jobs are refused by the commands before
 * any work (cipher blocks straddle any cut).
 */
export async function writeShardRange(
  job: ExportJob,
  out: string,
  shard: Shard,
  signal: AbortSignal,
): Promise<{ file: string; bytes: number }> {
  if (job.plan.encryption) throw internalError('an encrypted export cannot be sharded');
  const body = totalLength(job.parts);
  const [start, end] = planRanges(job.parts, shard.count)[shard.index] ?? [body, body];
  const file = shardPartFile(out, shard);
  const crc = job.crcTrailer ? await createCrc32() : null;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for await (const chunk of readParts(sliceParts(job.parts, start, end), { signal })) {
      crc?.update(chunk);
      yield chunk;
    }
  }
  await writeChunksFile(chunks(), file);
  // A .crc32 left by an earlier --crc run of the same output would make join append a trailer.
  if (crc)
    await writeChunksFile([new TextEncoder().encode(crc.digest().toString(16).padStart(8, '0'))], partCrcFile(file));
  else
    await rm(partCrcFile(file), { force: true }).catch((error: unknown) => {
      throw fsError(error, partCrcFile(file), 'write');
    });
  return { file, bytes: end - start };
}
