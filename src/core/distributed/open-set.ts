import type { FormatId } from '../../base/types';
import { DecryptedSource } from '../../crypto/decrypted-source';
import { combineStageStrategies } from '../../formats/strategy';
import { BlobSource } from '../../io/byte-source';
import { openMergedView, type MergedView, type RankFile } from './merge';
import type { SetData } from './outputs';
import {
  chooseStrategies,
  classifySetFiles,
  defaultRankFormat,
  openRankSource,
  pickRankFile,
  strategyInfo,
  type RankFormat,
  type SetFileInput,
  type SetIgnoredFile,
  type SetStrategyInfo,
} from './set-input';
import { openRankFiles, type RankSource } from './set';
import type { ParameterPlan, SetLayout } from './types';

/**
 * Opening a distributed set from the files a user dropped or picked: classify them, read the
 * strategy, pick one file per rank, open every rank's index (no tensor bytes) and lay the set out.
 * The app's worker keeps the result by set id; export-pool members rebuild the view from `data`.
 */

export interface OpenSetInput {
  /** Everything the user gave: rank files, strategy files, anything else (ignored with a reason). */
  files: SetFileInput[];
  /** Paths (among `files`) to use as the strategy; empty = detect from content. */
  strategyPaths?: string[];
  /** One key for every encrypted rank file (MindSpore's dec_key). */
  key?: Uint8Array;
  /** Which file of a rank folder to read when it holds both formats (null = decide). */
  inputFormat?: RankFormat | null;
  /** Ranks the user assigned: path → rank (overrides the name). */
  ranks?: Record<string, number>;
}

export interface SetRankInfo {
  rank: number;
  path: string;
  format: FormatId;
  encrypted: boolean;
  size: number;
  tensorCount: number;
  /** Other checkpoint files of the same rank that were not used (other format, older name). */
  alternatives: string[];
}

/** What opening a set found, as plain data. */
export interface SetSummary {
  /** `ready`: layout computed; otherwise what the user must still give. */
  status: 'ready' | 'needs-strategy' | 'needs-ranks';
  strategy: SetStrategyInfo | null;
  /** Every file whose content is a strategy, in path order. */
  strategyCandidates: string[];
  /** Formats found among the rank files; two means the user may switch. */
  formats: RankFormat[];
  inputFormat: RankFormat | null;
  ranks: SetRankInfo[];
  /** Checkpoint files whose rank is unknown (assign one to use them), and others not used. */
  ignored: SetIgnoredFile[];
  layout: SetLayout | null;
  /** Tensors of the merged view (mergeable strategy parameters + extras) and their bytes. */
  mergedCount: number;
  mergedBytes: number;
}

/** A set ready to check, export or re-slice. */
export interface OpenSet {
  files: RankFile[];
  view: MergedView;
  layout: SetLayout;
  baseName: string;
  /** What export-pool members get to rebuild the same view (Blobs, indexes, strategy, key). */
  data: SetData;
}

/** The merged file's stem: the dropped folder's name, else `merged`. */
function stemOf(path: string): string {
  const parts = path.split(/[\\/]+/).filter((part) => part.length > 0);
  return parts.length > 1 ? (parts[0] ?? 'merged') : 'merged';
}

/** Strategy parameters that are in the files but cannot be merged (the export leaves them out). */
export function unmergeableInFiles(layout: SetLayout): ParameterPlan[] {
  return layout.parameters.filter(
    (plan) => !plan.mergeable && plan.kind === 'sharded' && plan.holdings.some((holding) => holding.present),
  );
}

/** Classify the files, read the strategy, open every rank's index (no tensor bytes), lay out. */
export async function openDistributedSet(
  input: OpenSetInput,
  options: { signal: AbortSignal; onProgress?: ((fraction: number) => void) | undefined },
): Promise<{ summary: SetSummary; set: OpenSet | null }> {
  const { signal, onProgress: progress } = options;
  const { strategies, byRank, ignored } = await classifySetFiles(input.files, input, signal);
  const strategyCandidates = strategies.map((s) => s.path);
  const chosenPaths =
    input.strategyPaths && input.strategyPaths.length > 0 ? input.strategyPaths : chooseStrategies(strategies);
  for (const candidate of strategies) {
    if (!chosenPaths.includes(candidate.path))
      ignored.push({ path: candidate.path, size: candidate.file.size, reason: 'unused-strategy' });
  }
  const used = strategies.filter((s) => chosenPaths.includes(s.path));
  const strategy = used.length > 0 ? combineStageStrategies(used.map((s) => s.strategy)) : null;

  const formats = (['ckpt', 'safetensors'] as const).filter((format) =>
    [...byRank.values()].some((files) => files.some((f) => f.format === format)),
  );
  const inputFormat =
    input.inputFormat && formats.includes(input.inputFormat) ? input.inputFormat : defaultRankFormat(byRank);
  const picked: { rank: number; path: string; file: Blob; alternatives: string[] }[] = [];
  for (const [rank, files] of [...byRank.entries()].sort((a, b) => a[0] - b[0])) {
    // The chosen format's file when the folder has one, else any.
    const chosen = pickRankFile(files, inputFormat) ?? pickRankFile(files);
    if (!chosen) continue;
    picked.push({
      rank,
      path: chosen.path,
      file: chosen.file,
      alternatives: files.filter((f) => f !== chosen).map((f) => f.path),
    });
  }
  const base: Omit<SetSummary, 'status'> = {
    strategy: strategy ? strategyInfo(strategy) : null,
    strategyCandidates,
    formats: [...formats],
    inputFormat,
    ranks: [],
    ignored,
    layout: null,
    mergedCount: 0,
    mergedBytes: 0,
  };
  if (picked.length === 0) return { summary: { ...base, status: 'needs-ranks' }, set: null };

  const inputs: RankSource[] = [];
  const encryptedPaths = new Set<string>();
  for (const item of picked) {
    const { source, encrypted } = await openRankSource(new BlobSource(item.file), item.path, input.key, signal);
    if (encrypted) encryptedPaths.add(item.path);
    inputs.push({ name: item.path, source, rank: item.rank });
    progress?.((inputs.length / picked.length) * 0.5);
  }
  const files = await openRankFiles(inputs, { signal });
  progress?.(1);
  const byName = new Map(picked.map((item) => [item.path, item]));
  const ranks: SetRankInfo[] = files.map((file) => ({
    rank: file.rank,
    path: file.name,
    format: file.opened.index.format,
    encrypted: encryptedPaths.has(file.name),
    size: byName.get(file.name)?.file.size ?? 0,
    tensorCount: file.opened.index.tensors.length,
    alternatives: byName.get(file.name)?.alternatives ?? [],
  }));
  if (!strategy) return { summary: { ...base, ranks, status: 'needs-strategy' }, set: null };
  const view = openMergedView(strategy, files);
  const baseName = stemOf(picked[0]?.path ?? '');
  const data: SetData = {
    baseName,
    strategy,
    ranks: files.map((file) => ({
      rank: file.rank,
      path: file.name,
      file: byName.get(file.name)?.file ?? new Blob([]),
      index: file.opened.index,
      frames: file.opened.plaintext instanceof DecryptedSource ? file.opened.plaintext.table : null,
    })),
    ...(input.key && encryptedPaths.size > 0 ? { key: input.key } : {}),
  };
  return {
    summary: {
      ...base,
      ranks,
      status: 'ready',
      layout: view.layout,
      mergedCount: view.index.tensors.length,
      mergedBytes: view.index.tensors.reduce((sum, entry) => sum + entry.bytes, 0),
    },
    set: { files, view, layout: view.layout, baseName, data },
  };
}
