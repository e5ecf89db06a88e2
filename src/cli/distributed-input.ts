import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { LensError, withFile } from '../base/errors';
import { parseHexKey, parseTextKey } from '../core/key-input';
import {
  checkReplicas,
  openMergedView,
  openRankFiles,
  openRankSource,
  rankFormatOf,
  rankFromPath,
  readNamedStrategy,
  type LayoutProblem,
  type LayoutProblemCode,
  type MergedView,
  type ParameterPlan,
  type RankFile,
  type RankFormat,
  type RankSource,
  type ReplicaReport,
  type SetLayout,
  withReplicaReports,
} from '../core/distributed';
import { combineStageStrategies, type ParallelStrategy } from '../formats/strategy';
import { fsError, openFileSource } from './files';
import { describeKeyProblem, describeLayoutProblem, describeSetProblem } from '../core/messages';
import { plural } from '../base/plural';

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
    .sort()
    .map((name) => path.join(dir, name));
}

/**
 * The checkpoint of one rank folder: the only one (of the chosen format). Two of the same format
 * are refused: MindSpore's transform_checkpoints would take the last by name, but a second file
 * is as likely another save step or a stray copy, and a merge from the wrong one is silent.
 */
function pickRankFile(dir: string, format: RankFormat | undefined): string {
  const files = checkpointFilesIn(dir);
  const formats = new Set(files.map((file) => rankFormatOf(file)));
  if (!format && formats.size > 1) {
    throw new LensError('usage', {
      hint: `${dir} holds both .ckpt and .safetensors files: choose with --input-format`,
    });
  }
  const chosen = format ? files.filter((file) => rankFormatOf(file) === format) : files;
  if (chosen.length > 1) {
    const names = chosen.map((file) => path.basename(file));
    throw new LensError('usage', {
      hint:
        `${dir} holds ${chosen.length} .${rankFormatOf(chosen[0] ?? '') ?? 'ckpt'} checkpoints ` +
        `(${names.join(', ')}) and Ckpt Lens will not guess which one belongs to the set. ` +
        `Move the others out of the folder, or name the file to use (e.g. ${path.join(dir, names[0] ?? '')}) ` +
        'in place of the folder, with the other ranks given one by one',
    });
  }
  const only = chosen[0];
  if (!only) throw new LensError('distributed-no-ranks', { file: dir, hint: 'no checkpoint in this rank folder' });
  return only;
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

const lowerFirst = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1);

/** What stops a merge: parameters that cannot be merged though files hold them, and strategy parameters no file holds. */
function mergeBlockers(layout: SetLayout): { inFiles: ParameterPlan[]; absent: ParameterPlan[] } {
  const notInFiles = (plan: ParameterPlan): boolean => plan.problems.some((p) => p.code === 'not-in-files');
  const inFiles = layout.parameters.filter(
    (plan) =>
      !plan.mergeable &&
      !notInFiles(plan) &&
      (plan.holdings.some((h) => h.present) || plan.problems.some((p) => p.severity === 'error')),
  );
  const absent = layout.parameters.filter((plan) => plan.kind === 'sharded' && notInFiles(plan));
  return { inFiles, absent };
}

export interface CheckedMerge {
  view: MergedView;
  layout: SetLayout;
  replicas: ReplicaReport[];
  /** Parameters left out (only with allowIncomplete): unmergeable ones first, then those in no rank file. */
  skipped: ParameterPlan[];
}

/**
 * The merged view of a set, after every check `merge` makes before it writes: replicas compared
 * (unless told not to), no rank file that contradicts the others (exit 3), no parameter that
 * cannot be merged and no strategy parameter missing from every file (exit 3 unless
 * `allowIncomplete`), and something to merge at all. `merge` and `reslice --train-strategy` share it.
 */
export async function openCheckedMergedView(
  strategy: ParallelStrategy,
  files: readonly RankFile[],
  options: { checkReplicas: boolean; allowIncomplete: boolean; signal?: AbortSignal },
): Promise<CheckedMerge> {
  const view = openMergedView(strategy, files);
  let layout = view.layout;
  // Replicas are compared before anything is written (MindSpore trusts one holder): a rank
  // file from another run with the same names and shapes shows only in its bytes.
  let replicas: ReplicaReport[] = [];
  if (options.checkReplicas) {
    replicas = await checkReplicas(files, layout, options.signal ? { signal: options.signal } : {});
    layout = withReplicaReports(layout, replicas);
  }
  const unexpected = layout.problems.find((problem) => problem.code === 'unexpected-ranks');
  if (unexpected) {
    throw new LensError('distributed-rank-foreign', {
      hint: describeSetProblem(unexpected.code, unexpected.detail, unexpected.ranks).replace(/\.$/, ''),
    });
  }
  const foreign = foreignRankProblems(layout);
  const first = foreign[0];
  if (first) {
    throw new LensError('distributed-rank-foreign', {
      tensor: first.name,
      hint:
        `${describeLayoutProblem(first.problem.code, first.problem.detail, first.problem.ranks)} ` +
        `(${plural(foreign.length, 'parameter')} in all; "layout --check-replicas" lists them)`,
    });
  }
  const { inFiles, absent } = mergeBlockers(layout);
  const skipped = [...inFiles, ...absent];
  const blocker = skipped[0];
  if (blocker && !options.allowIncomplete) {
    const reason = blocker.problems.find((p) => p.severity === 'error');
    const what =
      inFiles.length > 0 && absent.length > 0
        ? `${plural(inFiles.length, 'parameter')} cannot be merged and ${absent.length} ${absent.length === 1 ? 'is' : 'are'} in no rank file`
        : `${plural(skipped.length, 'parameter')} in all`;
    throw new LensError('distributed-tensor-unmergeable', {
      tensor: blocker.name,
      hint:
        `${reason ? lowerFirst(describeLayoutProblem(reason.code, reason.detail, reason.ranks)).replace(/\.$/, '') : 'see "layout"'} ` +
        `(${what}; "layout" lists them, --allow-incomplete writes the others)`,
    });
  }
  if (view.index.tensors.length === 0)
    throw new LensError('distributed-nothing-matches', { file: strategy.files.join(', ') });
  return { view, layout, replicas, skipped };
}
