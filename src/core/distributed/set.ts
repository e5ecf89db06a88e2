import { LensError, withFile } from '../../base/errors';
import type { ByteSource } from '../../io/byte-source';
import { openCheckpoint, type CheckpointOpenOptions } from '../open';
import type { RankFile } from './merge';

/**
 * MindSpore's conventions for a file's rank: a `rank_<N>` folder anywhere in the path (the
 * last one wins), else a file name `checkpoint_<N>…`, `ckpt_<N>…` or `rank_<N>…`.
 * Returns undefined when the name does not say; the user then assigns the rank.
 */
export function rankFromPath(path: string): number | undefined {
  const parts = path.split(/[\\/]+/).filter((part) => part.length > 0);
  const fileName = parts[parts.length - 1] ?? '';
  for (let i = parts.length - 2; i >= 0; i -= 1) {
    const match = /^rank_?(\d+)$/i.exec(parts[i] ?? '');
    if (match) return Number(match[1]);
  }
  const match = /^(?:checkpoint|ckpt|rank)_?(\d+)(?:[._-]|$)/i.exec(fileName);
  return match ? Number(match[1]) : undefined;
}

export interface RankSource {
  /** Path or file name as the user knows it (the rank is read from it unless given). */
  name: string;
  source: ByteSource;
  rank?: number;
}

/**
 * Open every rank file of a set (index only, no tensor bytes). Each file may be `.ckpt` or
 * `.safetensors`; the same open options apply to every file (`key`: one key for all encrypted
 * files, as MindSpore's `dec_key`). Ranks come from `rank` or from the name; duplicates are refused.
 */
export async function openRankFiles(
  inputs: readonly RankSource[],
  options: CheckpointOpenOptions = {},
): Promise<RankFile[]> {
  if (inputs.length === 0) throw new LensError('distributed-no-ranks');
  const seen = new Map<number, string>();
  const ranked: (RankSource & { rank: number })[] = [];
  for (const input of inputs) {
    const rank = input.rank ?? rankFromPath(input.name);
    if (rank === undefined) {
      // A better reason first when the file is not a checkpoint at all (e.g. the strategy file).
      await openCheckpoint(input.source, options).catch((error: unknown) => {
        throw withFile(error, input.name);
      });
      throw new LensError('distributed-rank-unknown', { file: input.name });
    }
    const other = seen.get(rank);
    if (other !== undefined) {
      throw new LensError('distributed-duplicate-rank', { file: `${other}, ${input.name}`, actual: rank });
    }
    seen.set(rank, input.name);
    ranked.push({ ...input, rank });
  }
  const files: RankFile[] = [];
  for (const input of ranked) {
    try {
      files.push({ rank: input.rank, name: input.name, opened: await openCheckpoint(input.source, options) });
    } catch (error) {
      throw withFile(error, input.name);
    }
  }
  return files.sort((a, b) => a.rank - b.rank);
}
