import { LensError, withFile } from '../../base/errors';
import type { CheckpointIndex, TensorEntry } from '../../base/types';
import { buildExport, contentReadOrder, planExport, type ExportFormat, type ExportJob } from '../export';
import { compileNameMap, type NameMapSpec } from '../name-map';
import { compileFilter, parseFilter } from '../selection';
import { openDecryptedSource } from '../../crypto/decrypted-source';
import type { FrameTable } from '../../crypto/frames';
import type { ParallelStrategy } from '../../formats/strategy';
import { BlobSource, type ByteSource } from '../../io/byte-source';
import { openMergedView, streamingView, type MergedView, type RankFile } from './merge';
import { openReslicedView } from './reslice';
import type { RankFormat } from './set-input';
import { planUnifiedParts } from './unified';

/**
 * What the app worker and every export-pool member share about an open distributed set, and
 * the one deterministic way both (and the CLI's merge) turn an export request into ExportJobs.
 * Members get plain data only (Blobs, indexes, the strategy) and rebuild the same view without
 * re-scanning a file.
 */

export interface SetRankData {
  rank: number;
  path: string;
  file: Blob;
  /** The rank file's index as the app worker read it (plaintext offsets). */
  index: CheckpointIndex;
  /** Cipher frames of an encrypted rank file (so members need not walk them again); else null. */
  frames: FrameTable | null;
}

export interface SetData {
  /** Names the merged single file: `<baseName>.merged.<format>`. */
  baseName: string;
  strategy: ParallelStrategy;
  /** Ascending by rank, as openRankFiles returns them. */
  ranks: SetRankData[];
  /** The one key for encrypted rank files (dec_key); only ever passed between workers. */
  key?: Uint8Array;
}

/** The part of a set export request that decides the bytes. */
export interface MergedExportSpec {
  format: ExportFormat;
  /** Filter expression over the merged tensors ('' = all). */
  filterText: string;
  nameMap: NameMapSpec | null;
  cast: { from: string; to: string } | null;
  /** Keep parameters that are not in the strategy (copied from the lowest rank, as MindSpore). */
  includeExtras: boolean;
  /** Split into unified parts of about this size + param_name_map.json; null = one file. */
  partBytes: number | null;
  metadataFormat: 'ms' | 'pt' | null;
}

/** One output file of an export, described so that any worker can build its job. */
export type OutputSpec =
  | { kind: 'merged'; spec: MergedExportSpec; group: number }
  | { kind: 'reslice'; strategy: ParallelStrategy; rank: number; format: RankFormat };

export interface BuiltOutput {
  fileName: string;
  job: ExportJob;
  tensors: number;
}

/** The merged view from plain set data: rank files over their Blobs (decrypted with the key). */
export async function rebuildMergedView(data: SetData, signal?: AbortSignal): Promise<MergedView> {
  const files: RankFile[] = [];
  for (const rank of data.ranks) {
    let plaintext: ByteSource = new BlobSource(rank.file);
    if (rank.frames) {
      if (!data.key) throw new LensError('encrypted-needs-key', { file: rank.path });
      plaintext = await openDecryptedSource(plaintext, data.key, { table: rank.frames, signal }).catch(
        (error: unknown) => {
          throw withFile(error, rank.path);
        },
      );
    }
    files.push({ rank: rank.rank, name: rank.path, opened: { index: rank.index, plaintext } });
  }
  return openMergedView(data.strategy, files);
}

export interface MergedGroups {
  groups: { fileName: string; names: string[] }[];
  /** `param_name_map.json` for unified parts; null for one file. */
  nameMapJson: string | null;
}

/** Which tensors go to which output file: one unified file, or parts + hyper_param. */
export function mergedGroups(view: MergedView, spec: MergedExportSpec, baseName: string): MergedGroups {
  const predicate = spec.filterText.trim() ? compileFilter(parseFilter(spec.filterText)) : null;
  const nameMap = spec.nameMap ? compileNameMap(spec.nameMap) : null;
  const kindOf = new Map(view.plans.map((plan) => [plan.name, plan.kind]));
  const selected = new Set(
    view.index.tensors
      .filter((entry) => spec.includeExtras || kindOf.get(entry.name) !== 'extra')
      .filter((entry) => !predicate || predicate(entry))
      .map((entry) => entry.name),
  );
  if (selected.size === 0) throw new LensError('distributed-nothing-matches', { file: baseName });
  const extension = spec.format;
  if (spec.partBytes === null) {
    return { groups: [{ fileName: `${baseName}.merged.${extension}`, names: [...selected] }], nameMapJson: null };
  }
  const groups: MergedGroups['groups'] = [];
  const unified = planUnifiedParts(view, { partBytes: spec.partBytes, extension });
  const rename = (name: string): string => (nameMap ? nameMap.apply(name) : name);
  const bytesOf = new Map(view.index.tensors.map((entry) => [entry.name, entry.bytes]));
  const weightMap: Record<string, string> = {};
  let total = 0;
  for (const part of unified.parts) {
    const names = part.names.filter((name) => selected.has(name));
    if (names.length === 0) continue;
    groups.push({ fileName: part.file, names });
    for (const name of names) {
      weightMap[rename(name)] = part.file;
      total += bytesOf.get(name) ?? 0;
    }
  }
  const hyper = unified.hyperParams;
  const hyperNames = hyper ? hyper.names.filter((name) => selected.has(name)) : [];
  if (hyper && hyperNames.length > 0) groups.push({ fileName: hyper.file, names: hyperNames });
  const nameMapJson = JSON.stringify({ metadata: { total_size: total }, weight_map: weightMap }, null, 2);
  return { groups, nameMapJson };
}

/** The job of one merged output file (metadata only: nothing is read). */
export async function mergedGroupJob(
  view: MergedView,
  spec: MergedExportSpec,
  group: { fileName: string; names: string[] },
  signal?: AbortSignal,
): Promise<BuiltOutput> {
  const nameMap = spec.nameMap ? compileNameMap(spec.nameMap) : null;
  const names = new Set(group.names);
  const plan = planExport(view.index, {
    format: spec.format,
    select: (entry: TensorEntry) => names.has(entry.name),
    ...(nameMap ? { renames: (name: string) => nameMap.apply(name) } : {}),
    casts: spec.cast ? [spec.cast] : [],
    metadataFormat: spec.format === 'safetensors' ? spec.metadataFormat : null,
  });
  return {
    fileName: group.fileName,
    job: await buildExport(streamingView(view, contentReadOrder(plan)), plan, { signal }),
    tensors: plan.tensors.length,
  };
}

/** The job of one target rank's re-sliced file, `rank_<r>/net.<format>`. */
export async function resliceJob(
  view: MergedView,
  strategy: ParallelStrategy,
  rank: number,
  format: RankFormat,
  signal?: AbortSignal,
): Promise<BuiltOutput> {
  const resliced = openReslicedView(view, strategy, rank);
  const plan = planExport(resliced.index, { format, metadataFormat: format === 'safetensors' ? 'ms' : null });
  return {
    fileName: `rank_${rank}/net.${format}`,
    job: await buildExport(resliced, plan, { signal }),
    tensors: plan.tensors.length,
  };
}

/** Any output of a set export or re-slice, built the same way wherever it runs. */
export async function buildOutput(
  view: MergedView,
  baseName: string,
  output: OutputSpec,
  signal?: AbortSignal,
): Promise<BuiltOutput> {
  if (output.kind === 'reslice') return resliceJob(view, output.strategy, output.rank, output.format, signal);
  const group = mergedGroups(view, output.spec, baseName).groups[output.group];
  if (!group) throw new LensError('internal', { hint: `merged export has no output ${output.group}` });
  return mergedGroupJob(view, output.spec, group, signal);
}

/**
 * The CLI's merge output of `names` (one file or one unified part; MindSpore metadata for
 * safetensors). No read-ahead view here (the browser's streamingView): Node's file reads have no
 * fixed cost worth batching, so its windows would only add a copy (bench set: 2.5 s plain, 2.7 s
 * windowed). Every merge member rebuilds the same job from the same names.
 */
export async function mergedNamesJob(
  view: MergedView,
  names: readonly string[],
  format: ExportFormat,
  signal?: AbortSignal,
): Promise<ExportJob> {
  const plan = planExport(view.index, {
    format,
    select: names,
    metadataFormat: format === 'safetensors' ? 'ms' : null,
  });
  return buildExport(view, plan, { signal });
}
