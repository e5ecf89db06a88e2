import { dtypeInfo, elementCount } from '../../base/dtypes';
import { BufferPool } from '../../base/bytes';
import { LensError } from '../../base/errors';
import {
  DISTRIBUTED_CHUNK_BYTES,
  DISTRIBUTED_MAX_READ_GAP_BYTES,
  MAX_BUFFER_BYTES,
  MERGE_READ_AHEAD_BYTES,
} from '../../base/limits';
import type { CheckpointIndex, FormatId, TensorEntry } from '../../base/types';
import type { ParallelStrategy } from '../../formats/strategy/types';
import type { ByteSource } from '../../io/byte-source';
import { ReadAheadSource, type PlannedRange } from '../../io/read-ahead';
import type { OpenedCheckpoint } from '../open';
import { BoxedTensorsSource, readEntryBytes, stackedRanges, type BoxedTensor } from './boxes';
import { analyzeSet, isMergedParameter } from './layout';
import type { ParameterPlan, RankInput, SetLayout } from './types';
import { viewContent } from '../../formats/pytorch/gather';

/** One rank's opened checkpoint (from `openCheckpoint`). */
export interface RankFile {
  rank: number;
  /** File name as the user knows it. */
  name: string;
  opened: OpenedCheckpoint;
}

/**
 * The merged checkpoint as a virtual opened checkpoint: `index` lists every merged tensor with
 * its full shape and a byte range in `plaintext`, a ByteSource that assembles those bytes from
 * the rank files only when they are read. Anything that works on an OpenedCheckpoint (preview,
 * stats, export writers) works on a merged set unchanged.
 */
export interface MergedView extends OpenedCheckpoint {
  layout: SetLayout;
  /** The plan behind each tensor of `index.tensors`, same order. */
  plans: ParameterPlan[];
}

function findEntry(index: CheckpointIndex, name: string): TensorEntry | undefined {
  return index.tensors.find((entry) => entry.name === name && entry.kind !== 'map');
}

function boxedTensorOf(plan: ParameterPlan, files: Map<number, RankFile>): BoxedTensor {
  if (plan.kind === 'extra') {
    // Copied verbatim, whatever the dtype (strings too): a one-piece byte copy.
    const holding = plan.holdings[0];
    const file = holding ? files.get(holding.rank) : undefined;
    const entry = file ? findEntry(file.opened.index, plan.name) : undefined;
    if (!file || !entry) throw new LensError('internal', { tensor: plan.name, hint: 'extra without a holder' });
    return {
      shape: [entry.bytes],
      itemBytes: 1,
      pieces: [
        {
          outStart: [0],
          extent: [entry.bytes],
          // A gathered PyTorch view is read through a source of its values in C order.
          ...viewContent(file.opened.plaintext, entry),
          sourceShape: [entry.bytes],
          sourceStart: [0],
        },
      ],
    };
  }
  const fullShape = plan.fullShape ?? [];
  const itemBytes = (dtypeInfo(plan.dtype ?? '')?.bits ?? 8) / 8;
  const pieces = plan.holdings
    .filter((holding) => holding.source)
    .map((holding) => {
      const file = files.get(holding.rank);
      const entry = file ? findEntry(file.opened.index, plan.name) : undefined;
      if (!file || !entry)
        throw new LensError('internal', { tensor: plan.name, hint: `rank ${holding.rank} lost its slice` });
      return {
        outStart: holding.box.map(([start]) => start),
        extent: holding.box.map(([start, stop]) => stop - start),
        // A gathered PyTorch view is read through a source of its values in C order.
        ...viewContent(file.opened.plaintext, entry),
        sourceShape: entry.shape,
        sourceStart: entry.shape.map(() => 0),
      };
    });
  return { shape: fullShape, itemBytes, pieces };
}

export interface MergeOptions {
  /** Order of `index.tensors`: by name (MindSpore's save order, the default) or strategy order then extras. */
  order?: 'name' | 'layout';
  /** Leave out tensors that are not in the strategy (`unified_safetensors` puts them in hyper_param). */
  includeExtras?: boolean;
}

/** Output buffers a streamed export keeps for reuse (chunks in flight: reads ahead, casts ahead). */
const STREAM_POOL_BUFFERS = 8;

/** Windows held per rank file: the ones in use (the plan visits a layer's slices out of file order) and the next. */
const READ_AHEAD_WINDOWS = 3;

/**
 * The view to stream an export from in the browser, given the names it reads in the order it
 * reads them (see `contentReadOrder`): the same tensors, but each rank file's slices (stacked
 * ranges and copy-engine pieces alike) are read in large windows in that order, the next one
 * ahead (≤ MERGE_READ_AHEAD_BYTES held) — a few large reads instead of one per slice, which pays
 * where each read has a fixed cost (Chromium's ~1 ms). Made per export job and dropped with it;
 * interactive reads keep the plain view (a preview of one tensor should read its slices, not
 * windows around them).
 */
export function streamingView(
  view: MergedView,
  readOrder: readonly string[],
  /** Tests force small windows; the default divides MERGE_READ_AHEAD_BYTES among the rank files. */
  options: { windowBytes?: number } = {},
): MergedView {
  if (!(view.plaintext instanceof BoxedTensorsSource)) return view;
  const boxed = view.plaintext.tensors;
  const indexOf = new Map(view.index.tensors.map((entry, i) => [entry.name, i]));
  const planned = new Map<ByteSource, PlannedRange[]>();
  const plan = (source: ByteSource, ranges: readonly { offset: number; length: number }[]): void => {
    const list = planned.get(source) ?? [];
    for (const { offset, length } of ranges) list.push({ offset, length });
    planned.set(source, list);
  };
  for (const name of readOrder) {
    const i = indexOf.get(name) ?? -1;
    const tensor = boxed[i];
    const entry = view.index.tensors[i];
    if (!tensor || !entry) continue;
    // Stacked tensors are the rank ranges themselves (contentRanges); the rest go through the view.
    const stacked = view.contentRanges?.(entry);
    if (stacked) for (const range of stacked) plan(range.source, [range]);
    else for (const piece of tensor.pieces) plan(piece.source, piece.entry.ranges);
  }
  const MiB = 1024 * 1024;
  const perWindow = Math.floor(MERGE_READ_AHEAD_BYTES / (READ_AHEAD_WINDOWS * Math.max(1, planned.size)) / MiB) * MiB;
  const windowBytes = options.windowBytes ?? Math.min(DISTRIBUTED_CHUNK_BYTES, Math.max(MiB, perWindow));
  // Output chunks are lent and taken back once the export asks for the next (readParts).
  const pool = new BufferPool(STREAM_POOL_BUFFERS);
  const wrapped = new Map(
    [...planned].map(([source, ranges]) => [
      source,
      new ReadAheadSource(source, ranges, {
        windowBytes,
        maxGapBytes: DISTRIBUTED_MAX_READ_GAP_BYTES,
        maxWindows: READ_AHEAD_WINDOWS,
        pool,
      }),
    ]),
  );
  const streamed = boxed.map((tensor) => ({
    ...tensor,
    pieces: tensor.pieces.map((piece) => ({ ...piece, source: wrapped.get(piece.source) ?? piece.source })),
  }));
  return {
    ...view,
    plaintext: new BoxedTensorsSource(streamed, pool),
    // Read through the windows when streamed; still Blob slices of the files when composed.
    contentRanges: (entry) =>
      view.contentRanges?.(entry)?.map((range) => ({ ...range, source: wrapped.get(range.source) ?? range.source })) ??
      null,
  };
}

export function rankInputs(files: readonly RankFile[]): RankInput[] {
  return files.map((file) => ({ rank: file.rank, name: file.name, index: file.opened.index }));
}

/**
 * Open the merged view of a distributed set. Only metadata is used: it opens in moments however
 * large the set is. Parameters that cannot be merged (see `layout`) are left out of `index`.
 */
export function openMergedView(
  strategy: ParallelStrategy,
  files: readonly RankFile[],
  options: MergeOptions = {},
): MergedView {
  const layout = analyzeSet(strategy, rankInputs(files));
  const byRank = new Map(files.map((file) => [file.rank, file]));
  let plans = layout.parameters.filter(isMergedParameter);
  if (options.includeExtras === false) plans = plans.filter((plan) => plan.kind !== 'extra');
  if ((options.order ?? 'name') === 'name')
    plans = [...plans].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const boxed = plans.map((plan) => boxedTensorOf(plan, byRank));
  const plaintext = new BoxedTensorsSource(boxed);
  const lowest = files.reduce<RankFile | undefined>(
    (low, file) => (!low || file.rank < low.rank ? file : low),
    undefined,
  );
  const format: FormatId = lowest?.opened.index.format ?? 'safetensors';
  const tensors = plans.map((plan, i): TensorEntry => {
    const sourceEntry = (() => {
      const holding = plan.holdings.find((h) => h.source);
      const file = holding ? byRank.get(holding.rank) : undefined;
      return file ? findEntry(file.opened.index, plan.name) : undefined;
    })();
    const length = boxed[i] ? elementCount(boxed[i].shape) * boxed[i].itemBytes : 0;
    const entry: TensorEntry = {
      name: plan.name,
      dtype: plan.dtype ?? sourceEntry?.dtype ?? 'UInt8',
      shape: plan.kind === 'extra' ? (sourceEntry?.shape ?? []) : (plan.fullShape ?? []),
      kind: sourceEntry?.kind ?? 'tensor',
      bytes: length,
      ranges: [{ offset: plaintext.offsetOf(i), length }],
    };
    if (sourceEntry?.rawDtype !== undefined) entry.rawDtype = sourceEntry.rawDtype;
    if (sourceEntry?.storedDims !== undefined && plan.kind === 'extra') entry.storedDims = sourceEntry.storedDims;
    if (sourceEntry?.value !== undefined && plan.kind === 'extra') entry.value = sourceEntry.value;
    // An extra is copied as it is, damage included: keep what the scan found (an export refuses a size mismatch).
    if (sourceEntry?.problems && plan.kind === 'extra') entry.problems = sourceEntry.problems;
    return entry;
  });
  const index: CheckpointIndex = {
    format,
    size: plaintext.size,
    plaintextSize: plaintext.size,
    encryption: null,
    crc: { present: false, ok: null, expected: null, actual: null },
    metadata: {},
    tensors,
    problems: [],
  };
  const positions = new Map(tensors.map((entry, i) => [entry.name, i]));
  const stacked = new Map<number, ReturnType<typeof stackedRanges>>();
  return {
    index,
    plaintext,
    layout,
    plans,
    contentRanges: (entry) => {
      const i = positions.get(entry.name);
      const tensor = i === undefined ? undefined : boxed[i];
      if (i === undefined || !tensor) return null;
      if (!stacked.has(i)) stacked.set(i, stackedRanges(tensor));
      return stacked.get(i) ?? null;
    },
  };
}

function entryOf(view: OpenedCheckpoint, name: string): TensorEntry {
  const entry = findEntry(view.index, name);
  if (!entry) throw new LensError('tensor-not-found', { tensor: name });
  return entry;
}

/** A tensor's bytes in chunks of at most `chunkBytes`, read lazily from the rank files. */
export async function* tensorChunks(
  view: OpenedCheckpoint,
  name: string,
  options: { chunkBytes?: number; signal?: AbortSignal } = {},
): AsyncGenerator<Uint8Array> {
  const entry = entryOf(view, name);
  const chunk = Math.max(1, options.chunkBytes ?? DISTRIBUTED_CHUNK_BYTES);
  for (let at = 0; at < entry.bytes; at += chunk) {
    yield await readEntryBytes(view.plaintext, entry, at, Math.min(chunk, entry.bytes - at), options.signal);
  }
}

/** A whole merged tensor in memory (bounded by MAX_BUFFER_BYTES; export streams instead). */
export async function readTensor(view: OpenedCheckpoint, name: string, signal?: AbortSignal): Promise<Uint8Array> {
  const entry = entryOf(view, name);
  if (entry.bytes > MAX_BUFFER_BYTES) {
    throw new LensError('distributed-tensor-too-large', { tensor: name, actual: entry.bytes, limit: MAX_BUFFER_BYTES });
  }
  const out = new Uint8Array(entry.bytes);
  let at = 0;
  for await (const chunk of tensorChunks(view, name, { signal })) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
