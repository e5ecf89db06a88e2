import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { LensError, withFile } from '../base/errors';
import { parseHexKey, parseTextKey } from '../core/key-input';
import {
  openRankFiles,
  openRankSource,
  pickRankFile as lastRankFile,
  rankFormatOf,
  rankFromPath,
  readNamedStrategy,
  type LayoutProblem,
  type LayoutProblemCode,
  type RankFile,
  type RankFormat,
  type RankSource,
  type SetLayout,
} from '../core/distributed';
import { combineStageStrategies, type ParallelStrategy } from '../formats/strategy';
import { fsError, openFileSource } from './files';
import { describeKeyProblem } from '../core/messages';

/** Layout problems that say a rank file contradicts the strategy or the other ranks: it does not belong. */
const FOREIGN_RANK_CODES: ReadonlySet<LayoutProblemCode> = new Set<LayoutProblemCode>([
  'slice-shape-mismatch',
  'slice-size-mismatch',
  'dtype-mismatch',
  'replicas-differ',
]);

/** Every parameter with a problem that says one of its rank files is foreign, with the first such problem. */
export function foreignRankProblems(layout: SetLayout): { name: string; problem: LayoutProblem }[] {
  return layout.parameters.flatMap((plan) => {
    const problem = plan.problems.find((candidate) => FOREIGN_RANK_CODES.has(candidate.code));
    return problem ? [{ name: plan.name, problem }] : [];
  });
}

function checkpointFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => rankFormatOf(name) !== null && statSync(path.join(dir, name)).isFile())
    .map((name) => path.join(dir, name));
}

/**
 * The checkpoint of one rank folder: the only one of the chosen format, or — like MindSpore's
 * transform_checkpoints — the last after sorting when there are several.
 */
function pickRankFile(dir: string, format: RankFormat | undefined): string {
  const files = checkpointFilesIn(dir).map((file) => ({ path: file }));
  const formats = new Set(files.map((file) => rankFormatOf(file.path)));
  if (!format && formats.size > 1) {
    throw new LensError('usage', {
      hint: `${dir} holds both .ckpt and .safetensors files: choose with --input-format`,
    });
  }
  const last = lastRankFile(files, format);
  if (!last) throw new LensError('distributed-no-ranks', { file: dir, hint: 'no checkpoint in this rank folder' });
  return last.path;
}

/** Positional arguments → one file per rank: files as given, folders searched for rank_N folders. */
export function collectRankPaths(args: readonly string[], format: RankFormat | undefined): string[] {
  const out: string[] = [];
  for (const arg of args) {
    let stats;
    try {
      stats = statSync(arg);
    } catch (error) {
      throw fsError(error, arg, 'read');
    }
    if (!stats.isDirectory()) {
      out.push(arg);
      continue;
    }
    if (/^rank_?\d+$/i.test(path.basename(path.resolve(arg)))) {
      out.push(pickRankFile(arg, format));
      continue;
    }
    const rankDirs = readdirSync(arg)
      .filter((name) => /^rank_?\d+$/i.test(name) && statSync(path.join(arg, name)).isDirectory())
      .sort((a, b) => (rankFromPath(`${a}/x`) ?? 0) - (rankFromPath(`${b}/x`) ?? 0));
    if (rankDirs.length > 0) {
      for (const dir of rankDirs) out.push(pickRankFile(path.join(arg, dir), format));
      continue;
    }
    // A flat folder of checkpoint_N files.
    const files = checkpointFilesIn(arg).filter((file) => !format || rankFormatOf(file) === format);
    if (files.length === 0) throw new LensError('distributed-no-ranks', { file: arg });
    out.push(...files);
  }
  return out;
}

export function parseInputFormat(value: string | undefined): RankFormat | undefined {
  if (value === undefined) return undefined;
  if (value !== 'ckpt' && value !== 'safetensors') {
    throw new LensError('usage', { hint: `--input-format must be ckpt or safetensors, not "${value}"` });
  }
  return value;
}

export async function readStrategies(files: readonly string[] | undefined): Promise<ParallelStrategy> {
  if (!files || files.length === 0)
    throw new LensError('usage', { hint: 'give the strategy file with --strategy <file>' });
  const strategies = [];
  for (const file of files) {
    const source = await openFileSource(file).catch((error: unknown) => {
      throw withFile(error, file);
    });
    strategies.push(await readNamedStrategy(source, file));
  }
  return combineStageStrategies(strategies);
}

function keyOf(hex: string | undefined, text: string | undefined): Uint8Array | undefined {
  if (hex === undefined && text === undefined) return undefined;
  if (hex !== undefined && text !== undefined)
    throw new LensError('usage', { hint: 'give --key or --key-text, not both' });
  const parsed = hex !== undefined ? parseHexKey(hex) : parseTextKey(text as string);
  if (!parsed.ok) throw new LensError('usage', { hint: `--key: ${describeKeyProblem(parsed.problem)}` });
  return parsed.key;
}

/** Open every rank file (one key for all encrypted ones, as MindSpore's dec_key). */
export async function openRankPaths(
  paths: readonly string[],
  keys: { key?: string; keyText?: string },
  signal?: AbortSignal,
): Promise<RankFile[]> {
  const key = keyOf(keys.key, keys.keyText);
  const inputs: RankSource[] = [];
  for (const file of paths) {
    const { source } = await openRankSource(await openFileSource(file), file, key, signal);
    inputs.push({ name: file, source });
  }
  return openRankFiles(inputs, { signal });
}
