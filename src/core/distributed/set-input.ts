import { withFile } from '../../base/errors';
import { MAX_STRATEGY_FILE_BYTES } from '../../base/limits';
import { openDecryptedSource } from '../../crypto/decrypted-source';
import { detectEncryption } from '../../crypto/frames';
import {
  looksLikeJsonStrategyHead,
  looksLikeProtobufStrategy,
  readStrategy,
  type ParallelStrategy,
  type StrategyProblem,
} from '../../formats/strategy';
import { BlobSource, type ByteSource } from '../../io/byte-source';
import { rankFromPath } from './set';

/**
 * What the user gave for a distributed set, sorted out: which files are strategies, which are
 * rank checkpoints (and of which rank and format), which are neither. The app's worker gets Blobs
 * with their relative paths; the CLI gets paths and walks folders itself (Node's fs), then both
 * use the same rules here: MindSpore's rank names, the last file of a rank folder, one key for
 * every encrypted rank file.
 */

export type RankFormat = 'ckpt' | 'safetensors';

export interface SetFileInput {
  /** `webkitRelativePath` for folder picks/drops, else the file name. */
  path: string;
  file: Blob;
}

export interface SetIgnoredFile {
  path: string;
  size: number;
  reason: 'no-rank' | 'not-a-checkpoint' | 'unused-strategy';
}

export interface SetStrategyInfo {
  files: string[];
  encoding: ParallelStrategy['encoding'];
  stages: number[];
  operatorCount: number;
  layoutCount: number;
  pipelineMerged: boolean;
  problems: StrategyProblem[];
}

const HEAD_BYTES = 4096;

function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

async function headOf(file: Blob, bytes = HEAD_BYTES): Promise<Uint8Array> {
  return new Uint8Array(await file.slice(0, Math.min(bytes, file.size)).arrayBuffer());
}

function isStrategyHead(head: Uint8Array, size: number): boolean {
  return looksLikeProtobufStrategy(head, size) || looksLikeJsonStrategyHead(head);
}

/** A checkpoint's format from its name (`.ckpt`, `.safetensors`, any case), else null. */
export function rankFormatOf(path: string): RankFormat | null {
  const match = /\.([a-z0-9]+)$/i.exec(path);
  const extension = match ? (match[1] ?? '').toLowerCase() : '';
  return extension === 'ckpt' || extension === 'safetensors' ? extension : null;
}

/**
 * Like MindSpore's transform_checkpoints, the file of a rank folder holding several: the last
 * after sorting, among those of `format` when one is given.
 */
export function pickRankFile<T extends { path: string }>(
  files: readonly T[],
  format?: RankFormat | null,
): T | undefined {
  const sorted = [...files].sort(byPath);
  const chosen = format ? sorted.filter((file) => rankFormatOf(file.path) === format) : sorted;
  return chosen[chosen.length - 1];
}

/**
 * The default strategy among several candidates: a merged pipeline file if there is one, else
 * one file per distinct stage (per-stage files are combined), protobuf before JSON.
 */
export function chooseStrategies(candidates: readonly { path: string; strategy: ParallelStrategy }[]): string[] {
  const ordered = [...candidates].sort(
    (a, b) => Number(a.strategy.encoding === 'json') - Number(b.strategy.encoding === 'json') || byPath(a, b),
  );
  const merged = ordered.find((candidate) => candidate.strategy.pipelineMerged);
  if (merged) return [merged.path];
  const byStage = new Map<number, string>();
  for (const candidate of ordered) {
    const stage = candidate.strategy.fileStage ?? 0;
    if (!byStage.has(stage)) byStage.set(stage, candidate.path);
  }
  return [...byStage.entries()].sort((a, b) => a[0] - b[0]).map(([, path]) => path);
}

interface ClassifiedFiles {
  strategies: { path: string; file: Blob; strategy: ParallelStrategy }[];
  /** Checkpoint files with a rank, grouped, in path order. */
  byRank: Map<number, { path: string; file: Blob; format: RankFormat }[]>;
  ignored: SetIgnoredFile[];
}

/**
 * Sort dropped or picked files into strategies (by content, or the `strategyPaths` chosen),
 * rank checkpoints (rank from `ranks`, else from the path) and ignored files.
 */
export async function classifySetFiles(
  files: readonly SetFileInput[],
  options: { strategyPaths?: readonly string[]; ranks?: Readonly<Record<string, number>> },
  signal: AbortSignal,
): Promise<ClassifiedFiles> {
  const strategies: ClassifiedFiles['strategies'] = [];
  const byRank: ClassifiedFiles['byRank'] = new Map();
  const ignored: SetIgnoredFile[] = [];
  const chosen = new Set(options.strategyPaths ?? []);
  for (const { path, file } of [...files].sort(byPath)) {
    signal.throwIfAborted();
    const head = await headOf(file);
    if (chosen.has(path) || (file.size <= MAX_STRATEGY_FILE_BYTES && isStrategyHead(head, file.size))) {
      try {
        strategies.push({
          path,
          file,
          strategy: await readStrategy(new BlobSource(file), { fileName: path, signal }),
        });
        continue;
      } catch (error) {
        if (chosen.has(path)) throw withFile(error, path);
      }
    }
    const format = rankFormatOf(path);
    if (!format) {
      ignored.push({ path, size: file.size, reason: 'not-a-checkpoint' });
      continue;
    }
    const rank = options.ranks?.[path] ?? rankFromPath(path);
    if (rank === undefined) {
      ignored.push({ path, size: file.size, reason: 'no-rank' });
      continue;
    }
    byRank.set(rank, [...(byRank.get(rank) ?? []), { path, file, format }]);
  }
  return { strategies, byRank, ignored };
}

/** The format read from rank folders holding both: the one every rank has, else the commoner (ckpt on a tie). */
export function defaultRankFormat(byRank: ClassifiedFiles['byRank']): RankFormat | null {
  let ckpt = 0;
  let safetensors = 0;
  for (const files of byRank.values()) {
    if (files.some((f) => f.format === 'ckpt')) ckpt += 1;
    if (files.some((f) => f.format === 'safetensors')) safetensors += 1;
  }
  if (ckpt === 0 && safetensors === 0) return null;
  return safetensors > ckpt ? 'safetensors' : 'ckpt';
}

/**
 * One rank file's bytes as the merge reads them: decrypted with the set's one key (MindSpore's
 * dec_key) when its head is a cipher block; as it is otherwise (opening it then says a key is needed).
 */
export async function openRankSource(
  source: ByteSource,
  name: string,
  key: Uint8Array | undefined,
  signal?: AbortSignal,
): Promise<{ source: ByteSource; encrypted: boolean }> {
  const head = source.size >= 4 ? await source.read(0, 4, signal) : new Uint8Array(0);
  const encrypted = detectEncryption(head).encrypted;
  if (!encrypted || !key) return { source, encrypted };
  const plaintext = await openDecryptedSource(source, key, { signal }).catch((error: unknown) => {
    throw withFile(error, name);
  });
  return { source: plaintext, encrypted };
}

/** Read one strategy file; its errors name it. */
export function readNamedStrategy(source: ByteSource, name: string, signal?: AbortSignal): Promise<ParallelStrategy> {
  return readStrategy(source, { fileName: name, signal }).catch((error: unknown) => {
    throw withFile(error, name);
  });
}

export function strategyInfo(strategy: ParallelStrategy): SetStrategyInfo {
  return {
    files: strategy.files,
    encoding: strategy.encoding,
    stages: strategy.stages,
    operatorCount: strategy.operatorCount,
    layoutCount: strategy.layouts.length,
    pipelineMerged: strategy.pipelineMerged,
    problems: strategy.problems,
  };
}
