// The merge rows of the benchmark (issue 6): an 8-rank distributed set (bench/merge-set.ts)
// picked into #merge-files, measured in the bench worker.
import { DEFAULT_WINDOW_BYTES } from '../../src/base/limits';
import {
  openMergedView,
  openRankFiles,
  planUnifiedParts,
  streamingView,
  type MergedView,
  type RankFile,
} from '../../src/core/distributed';
import { buildExport, contentReadOrder, exportChunks, planExport } from '../../src/core/export';
import { readStrategy } from '../../src/formats/strategy';
import { BlobSource } from '../../src/io/byte-source';

interface Measurement {
  ms: number;
  bytes: number;
  reads?: number;
  items?: number;
}

interface BenchSet {
  view: MergedView;
  ranks: Map<number, { file: File; opened: RankFile }>;
}

/** Open the set: the .json is the strategy, every other file a rank (rank from its name). */
async function openBenchSet(files: File[]): Promise<BenchSet> {
  const strategyFile = files.find((file) => file.name.endsWith('.json'));
  if (!strategyFile) throw new Error('no strategy .json among the merge files');
  const strategy = await readStrategy(new BlobSource(strategyFile), { fileName: strategyFile.name });
  const rankFiles = files.filter((file) => file !== strategyFile);
  const opened = await openRankFiles(rankFiles.map((file) => ({ name: file.name, source: new BlobSource(file) })));
  const byName = new Map(rankFiles.map((file) => [file.name, file]));
  const ranks = new Map(opened.map((rank) => [rank.rank, { file: byName.get(rank.name) as File, opened: rank }]));
  return { view: openMergedView(strategy, opened), ranks };
}

/**
 * Baseline: raw `File` reads (16 MiB windows, 2 in flight, file by file in offset order) of
 * exactly the bytes the merge must read — each distinct slice once, replicas skipped, extras
 * from their one holder — or, with `all`, of every byte of the rank files.
 */
async function mergeRawRead(files: File[], options: { all?: boolean; joinGap?: number }): Promise<Measurement> {
  const { view, ranks } = await openBenchSet(files);
  const ranges: { file: File; offset: number; length: number }[] = [];
  if (options.all) {
    for (const { file } of ranks.values()) ranges.push({ file, offset: 0, length: file.size });
  } else {
    const perRank = new Map<number, { offset: number; length: number }[]>();
    for (const plan of view.plans) {
      const holdings = plan.kind === 'extra' ? plan.holdings.slice(0, 1) : plan.holdings.filter((h) => h.source);
      for (const holding of holdings) {
        const rank = ranks.get(holding.rank);
        const entry = rank?.opened.opened.index.tensors.find((tensor) => tensor.name === plan.name);
        if (!entry) throw new Error(`rank ${holding.rank} lacks ${plan.name}`);
        const list = perRank.get(holding.rank) ?? [];
        list.push(...entry.ranges);
        perRank.set(holding.rank, list);
      }
    }
    for (const [rank, list] of [...perRank.entries()].sort((a, b) => a[0] - b[0])) {
      const file = ranks.get(rank)?.file as File;
      for (const range of list.sort((a, b) => a.offset - b.offset)) {
        const last = ranges[ranges.length - 1];
        // Adjacent ranges of one file are one read (joined across gaps only up to `joinGap`).
        if (last && last.file === file && range.offset - (last.offset + last.length) <= (options.joinGap ?? 0))
          last.length = range.offset + range.length - last.offset;
        else ranges.push({ file, ...range });
      }
    }
  }
  const windows: { file: File; offset: number; length: number }[] = [];
  for (const range of ranges) {
    for (let at = 0; at < range.length; at += DEFAULT_WINDOW_BYTES) {
      windows.push({
        file: range.file,
        offset: range.offset + at,
        length: Math.min(DEFAULT_WINDOW_BYTES, range.length - at),
      });
    }
  }
  return readWindows(windows);
}

/**
 * The merge: the set's `unified_safetensors`-style export (3 GiB parts + hyper_param), streamed
 * with `exportChunks` and discarded, as the app streams it into a file. `bytes` are the merged
 * tensor bytes (what the rank files had to supply); `items` the bytes of the written files.
 */
async function mergeExport(files: File[], options: { windowBytes?: number } = {}): Promise<Measurement> {
  const { view } = await openBenchSet(files);
  const start = performance.now();
  const unified = planUnifiedParts(view, { extension: 'safetensors' });
  let written = 0;
  let chunks = 0;
  for (const group of [...unified.parts, ...(unified.hyperParams ? [unified.hyperParams] : [])]) {
    const names = new Set(group.names);
    const plan = planExport(view.index, {
      format: 'safetensors',
      select: (entry) => names.has(entry.name),
      metadataFormat: 'ms',
    });
    // As the app and CLI stream a merged output: rank slices read in large windows, one ahead.
    const job = await buildExport(streamingView(view, contentReadOrder(plan)), plan, options);
    for await (const chunk of exportChunks(job)) {
      written += chunk.length;
      chunks += 1;
    }
  }
  const merged = view.index.tensors.reduce((sum, entry) => sum + entry.bytes, 0);
  return { ms: performance.now() - start, bytes: merged, reads: chunks, items: written };
}

export const mergeOps = { mergeRawRead, mergeExport };

/** Reads `windows` with 2 in flight, timed: the raw-read baselines of the set and PyTorch rows. */
export async function readWindows(
  windows: readonly { file: File; offset: number; length: number }[],
): Promise<{ ms: number; bytes: number; reads: number; items: number }> {
  const start = performance.now();
  let next = 0;
  let bytes = 0;
  let checksum = 0;
  const lane = async (): Promise<void> => {
    while (next < windows.length) {
      const window = windows[next++] as { file: File; offset: number; length: number };
      const buffer = new Uint8Array(
        await window.file.slice(window.offset, window.offset + window.length).arrayBuffer(),
      );
      bytes += buffer.length;
      checksum ^= buffer[0] ?? 0; // touch the bytes so the read cannot be elided
    }
  };
  await Promise.all([lane(), lane()]);
  return { ms: performance.now() - start, bytes, reads: windows.length, items: checksum };
}
