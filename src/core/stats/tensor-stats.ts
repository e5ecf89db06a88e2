/**
 * Statistics of one tensor, of every tensor, and the NaN/Inf audit — streamed from the
 * plaintext bytes in windows, never a whole tensor in memory (see histogram.ts for the one
 * bounded exception that makes histograms exact).
 */
import { LensError } from '../../base/errors';
import { DEFAULT_HISTOGRAM_BINS, MAX_HISTOGRAM_BINS, STATS_RETAIN_BYTES } from '../../base/limits';
import type { CheckpointIndex, TensorEntry } from '../../base/types';
import type { ByteSource } from '../../io/byte-source';
import { readableContent } from '../../formats/pytorch/gather';
import {
  BLOCK_ELEMENTS,
  StatsAccumulator,
  keyModeFor,
  summarizeSmallChunk,
  type KeyMode,
  type MomentSummary,
} from './accumulate';
import { declaredSizeImpossible, elementLayout, type ElementLayout } from './elements';
import { ExactHistogram, binRange, histogramFromBuckets, histogramFromExactKeys, type Histogram } from './histogram';
import { loadStats32Kernel } from './stats-kernel';
import {
  PrefetchingSource,
  isSmallRead,
  readSmallContent,
  readThroughSmall,
  readsThroughWindows,
  firstWindow,
  readElementChunks,
  windowSize,
  type WindowOptions,
} from './windows';

export interface TensorStats {
  name: string;
  dtype: string;
  shape: number[];
  /** Elements measured (the shape's count unless the content is short). */
  elements: number;
  finite: number;
  nan: number;
  posInf: number;
  negInf: number;
  /** Elements equal to zero (+0 and −0). */
  zeros: number;
  /** Flat index of the first NaN/±Inf, or null. */
  firstNonFinite: number | null;
  /** Over finite values; null when there are none. Exact decimal strings for 64-bit ints beyond 2^53. */
  min: number | string | null;
  max: number | string | null;
  mean: number | null;
  /** Population standard deviation (numpy's default, ddof = 0). */
  std: number | null;
  /** Euclidean norm of the finite values. */
  l2: number | null;
  histogram: Histogram | null;
  /** Legacy bfloat16 stored as float32: values are the bfloat16 MindSpore loads (high half). */
  legacyBfloat16?: true;
  /**
   * Set when the content holds a different number of elements than the shape declares (MindSpore
   * would read past the content or ignore its tail): `elements` are the first ones, measured.
   */
  sizeMismatch?: { declaredElements: number; storedElements: number };
  /**
   * Bool tensors: elements stored as a byte other than 0 or 1 (how many, and the first such byte).
   * numpy and MindSpore read any non-zero byte as True, so they are measured as 1.
   */
  boolBytes?: { count: number; first: number };
}

export interface StatsProgress {
  /** Bytes read so far and the bytes this job will read. */
  doneBytes: number;
  totalBytes: number;
  /** Tensor being read. */
  tensor: string;
}

export interface StatsOptions extends WindowOptions {
  /** Histogram bins; 0 skips the histogram. Default 64. */
  bins?: number;
  /** Re-read large 32/64-bit tensors so their histogram is exact instead of bucketed. */
  exactHistogram?: boolean;
  /** 32/64-bit tensors up to this many bytes are kept in memory for an exact histogram. */
  retainBytes?: number;
  onProgress?: (progress: StatsProgress) => void;
}

function checkedBins(options: StatsOptions): number {
  const bins = options.bins ?? DEFAULT_HISTOGRAM_BINS;
  if (!Number.isInteger(bins) || bins < 0 || bins > MAX_HISTOGRAM_BINS) {
    throw new LensError('usage', {
      actual: bins,
      limit: MAX_HISTOGRAM_BINS,
      hint: 'histogram bins must be an integer from 0 to 4096',
    });
  }
  return bins;
}

/** The layout of a numeric tensor, or a LensError('tensor-not-numeric') saying why not. */
export function numericLayout(entry: TensorEntry): ElementLayout {
  const layout = elementLayout(entry);
  if (!layout && declaredSizeImpossible(entry)) {
    throw new LensError('tensor-size-impossible', {
      tensor: entry.name,
      actual: `[${entry.shape.join(', ')}]`,
      expected: entry.dtype,
    });
  }
  if (!layout) {
    throw new LensError('tensor-not-numeric', {
      tensor: entry.name,
      actual: entry.dtype,
      hint: entry.kind !== 'tensor' ? entry.kind : undefined,
    });
  }
  return layout;
}

/** Elements to read: the shape's count, or fewer when the content is short. */
function measuredCount(layout: ElementLayout): number {
  return Math.min(layout.declaredCount, layout.storedCount);
}

function measuredBytes(entry: TensorEntry): number {
  const layout = elementLayout(entry);
  return layout ? measuredCount(layout) * layout.stride : 0;
}

/** Bytes a stats job over these tensors will read (for progress totals). */
export function statsReadBytes(entry: TensorEntry, options: StatsOptions = {}): number {
  const layout = elementLayout(entry);
  if (!layout) return 0;
  const bytes = measuredCount(layout) * layout.stride;
  const retain = options.retainBytes ?? STATS_RETAIN_BYTES;
  const rereads =
    options.exactHistogram && keyModeFor(layout.kind) === 'float32-top' && bytes > retain && (options.bins ?? 1) > 0;
  return rereads ? bytes * 2 : bytes;
}

interface JobProgress {
  base: number;
  total: number;
}

/** All of a small tensor's measured bytes in one read, aligned for a typed-array view. */
async function statsOf(
  file: ByteSource,
  stored: TensorEntry,
  options: StatsOptions,
  job: JobProgress,
): Promise<TensorStats> {
  // A gathered view is read through a source of its values in C order.
  const { source, entry } = readableContent(file, stored);
  const layout = numericLayout(entry);
  if (layout.kind === 'f32') await loadStats32Kernel();
  const bins = checkedBins(options);
  const count = measuredCount(layout);
  const byteLength = count * layout.stride;
  const rawKeyMode = keyModeFor(layout.kind);
  const retain = rawKeyMode === 'float32-top' && bins > 0 && byteLength <= (options.retainBytes ?? STATS_RETAIN_BYTES);
  // 8/16-bit keys are exact and cheap; float32-top buckets only when nothing better is coming.
  // Bool keeps its byte counts even without a histogram: they show bytes other than 0 and 1.
  const keyMode: KeyMode =
    bins === 0 && layout.kind !== 'bool'
      ? 'none'
      : rawKeyMode !== 'float32-top'
        ? rawKeyMode
        : retain || options.exactHistogram
          ? 'none'
          : 'float32-top';
  let done = 0;
  const only = entry.ranges.length === 1 ? entry.ranges[0] : undefined;
  const oneRead = only && isSmallRead(byteLength) && byteLength <= windowSize(options) ? only : undefined;
  let chunk: Uint8Array | undefined;
  if (oneRead) {
    // A small tensor is one read: no windowed generator per tensor (a million tiny tensors
    // made a million generators and their promises, over a gigabyte of short-lived heap).
    chunk = await readSmallContent(source, oneRead.offset, byteLength, layout.stride, entry.name, options.signal);
    done += chunk.length;
    options.onBytes?.(chunk.length);
    options.onProgress?.({ doneBytes: job.base + done, totalBytes: job.total, tensor: entry.name });
    // At most a block whose histogram, if any, is exact: measured without an accumulator or
    // key tables of its own (summarizeSmallChunk), the same numbers.
    if (count <= BLOCK_ELEMENTS && (bins === 0 || rawKeyMode !== 'float32-top' || retain)) {
      job.base += done;
      return smallTensorStats(entry, layout, chunk, bins);
    }
  }
  const accumulator = new StatsAccumulator(layout, keyMode);
  const retained: Uint8Array[] = [];
  const read = () =>
    readElementChunks(source, entry.ranges, layout.stride, {
      ...options,
      tensor: entry.name,
      limitBytes: byteLength,
      onBytes: (bytes) => {
        done += bytes;
        options.onBytes?.(bytes);
        options.onProgress?.({ doneBytes: job.base + done, totalBytes: job.total, tensor: entry.name });
      },
    });
  if (chunk) {
    accumulator.add(chunk);
    if (retain) retained.push(chunk);
  } else
    for await (const chunk of read()) {
      accumulator.add(chunk);
      if (retain) retained.push(chunk.slice());
    }
  const summary = accumulator.summary();

  let histogram: Histogram | null = null;
  if (bins > 0 && summary.finite > 0) {
    const range = binRange(summary.min, summary.max, bins);
    if (keyMode === 'byte' || keyMode === 'half') {
      histogram = histogramFromExactKeys(layout.kind, accumulator.keyCounts as Float64Array, range);
    } else if (keyMode === 'float32-top') {
      histogram = histogramFromBuckets(accumulator.keyCounts as Float64Array, summary.min, summary.max, range);
    } else {
      const exact = new ExactHistogram(layout.kind, layout.stride, range);
      if (retain) for (const chunk of retained) exact.add(chunk);
      else for await (const chunk of read()) exact.add(chunk);
      histogram = exact.result();
    }
  }
  job.base += done;
  let boolBytes: TensorStats['boolBytes'];
  if (layout.kind === 'bool') {
    const counts = accumulator.keyCounts as Float64Array;
    let other = 0;
    let first = -1;
    for (let byte = 2; byte < 256; byte += 1) {
      other += counts[byte] as number;
      if (first < 0 && (counts[byte] as number) > 0) first = byte;
    }
    if (other > 0) boolBytes = { count: other, first };
  }
  return tensorStats(entry, layout, summary, histogram, boolBytes);
}

/**
 * Stats of a tensor whose measured elements are all in `chunk`, at most a block (synchronous:
 * summarizeSmallChunk's scratch is shared). The histogram bins the finite values it leaves,
 * exactly as the key tables (8/16-bit) or the retained bytes (32/64-bit) would.
 */
function smallTensorStats(entry: TensorEntry, layout: ElementLayout, chunk: Uint8Array, bins: number): TensorStats {
  const { summary, finiteValues } = summarizeSmallChunk(layout, chunk);
  let histogram: Histogram | null = null;
  if (bins > 0 && summary.finite > 0) {
    const exact = new ExactHistogram(layout.kind, layout.stride, binRange(summary.min, summary.max, bins));
    exact.addDecoded(finiteValues, summary.finite);
    histogram = exact.result();
  }
  let boolBytes: TensorStats['boolBytes'];
  if (layout.kind === 'bool') {
    // Bytes other than 0 and 1: how many, and the smallest (the key-table path's "first").
    let other = 0;
    let first = 256;
    for (const byte of chunk)
      if (byte > 1) {
        other += 1;
        if (byte < first) first = byte;
      }
    if (other > 0) boolBytes = { count: other, first };
  }
  return tensorStats(entry, layout, summary, histogram, boolBytes);
}

function tensorStats(
  entry: TensorEntry,
  layout: ElementLayout,
  summary: MomentSummary,
  histogram: Histogram | null,
  boolBytes: TensorStats['boolBytes'],
): TensorStats {
  const hasFinite = summary.finite > 0;
  const sumOfSquares = summary.m2 + summary.finite * summary.mean * summary.mean;
  const stats: TensorStats = {
    name: entry.name,
    dtype: entry.dtype,
    shape: entry.shape,
    elements: summary.elements,
    finite: summary.finite,
    nan: summary.nan,
    posInf: summary.posInf,
    negInf: summary.negInf,
    zeros: summary.zeros,
    firstNonFinite: summary.firstNonFinite >= 0 ? summary.firstNonFinite : null,
    min: !hasFinite ? null : summary.exactMin !== undefined ? wideNumber(summary.exactMin) : summary.min,
    max: !hasFinite ? null : summary.exactMax !== undefined ? wideNumber(summary.exactMax) : summary.max,
    mean: hasFinite ? summary.mean : null,
    std: hasFinite ? Math.sqrt(summary.m2 / summary.finite) : null,
    l2: hasFinite ? Math.sqrt(sumOfSquares) : null,
    histogram,
  };
  if (layout.kind === 'bf16-legacy') stats.legacyBfloat16 = true;
  if (boolBytes) stats.boolBytes = boolBytes;
  if (layout.declaredCount !== layout.storedCount)
    stats.sizeMismatch = { declaredElements: layout.declaredCount, storedElements: layout.storedCount };
  return stats;
}

function wideNumber(decimal: string): number | string {
  const asNumber = Number(decimal);
  return Number.isSafeInteger(asNumber) ? asNumber : decimal;
}

/** Stats of one tensor. Throws LensError('tensor-not-numeric') for strings, maps, unknown dtypes. */
export async function computeTensorStats(
  source: ByteSource,
  entry: TensorEntry,
  options: StatsOptions = {},
): Promise<TensorStats> {
  return statsOf(source, entry, options, { base: 0, total: statsReadBytes(entry, options) });
}

type UnreadableView = 'view-outside-storage' | 'view-too-fragmented';
const UNREADABLE_VIEWS: ReadonlySet<string> = new Set<UnreadableView>(['view-outside-storage', 'view-too-fragmented']);

/** Why a tensor's values cannot be read, when its index entry says so. */
function unreadableView(entry: TensorEntry): UnreadableView | undefined {
  return entry.problems?.find((problem) => UNREADABLE_VIEWS.has(problem.code))?.code as UnreadableView | undefined;
}

export interface SkippedTensor {
  name: string;
  dtype: string;
  /**
   * not-numeric: strings and maps; unknown-dtype: a dtype no MindSpore writes (load_checkpoint
   * fails on it); content-short: the bytes run past the end of the
   * file; size-impossible: the shape declares more elements than any file can hold;
   * view-outside-storage / view-too-fragmented: a PyTorch view that runs past its storage, or
   * that needs more runs than MAX_VIEW_RANGES and spans more storage than MAX_VIEW_SPAN_BYTES
   * (or makes more values than MAX_VIEW_GATHERED_BYTES), so it is not gathered (formats/pytorch).
   */
  reason: 'not-numeric' | 'unknown-dtype' | 'content-short' | 'size-impossible' | UnreadableView;
}

export interface AllStatsResult {
  tensors: TensorStats[];
  /** Tensors not measured, and why (SkippedTensor.reason). */
  skipped: SkippedTensor[];
  bytesRead: number;
  /** Tensors measured and their elements (all of them, whatever `keep` kept). */
  measured: number;
  measuredElements: number;
}

export interface AllStatsOptions extends StatsOptions {
  /** Only tensors for which this returns true (e.g. a compiled filter). */
  include?: (entry: TensorEntry, position: number) => boolean;
  /** Called as each tensor finishes; a returned promise is awaited (a terminal that reads slowly). */
  onTensor?: (stats: TensorStats) => void | Promise<void>;
  /**
   * 'findings': `tensors` keeps only those with non-finite values or a size mismatch (the rest
   * went to `onTensor`), so a pass over a million tensors holds a few, not a million.
   */
  keep?: 'all' | 'findings';
}

/** Stats of every numeric tensor in file order, one streaming pass with progress and cancel. */
export async function computeAllStats(
  source: ByteSource,
  index: CheckpointIndex,
  options: AllStatsOptions = {},
): Promise<AllStatsResult> {
  const chosen = index.tensors.filter((entry, position) => options.include?.(entry, position) ?? true);
  const job: JobProgress = { base: 0, total: chosen.reduce((sum, entry) => sum + statsReadBytes(entry, options), 0) };
  const result: AllStatsResult = { tensors: [], skipped: [], bytesRead: 0, measured: 0, measuredElements: 0 };
  const prefetching = new PrefetchingSource(source);
  const numeric = chosen.filter((entry) => elementLayout(entry) !== undefined && !unreadableView(entry));
  const reader = readThroughSmall(prefetching, numeric, measuredBytes);
  let position = 0;
  for (const entry of chosen) {
    options.signal?.throwIfAborted();
    const layout = elementLayout(entry);
    const unreadable = unreadableView(entry);
    if (!layout || unreadable) {
      const reason =
        unreadable ??
        (declaredSizeImpossible(entry)
          ? 'size-impossible'
          : entry.problems?.some((problem) => problem.code === 'unknown-dtype')
            ? 'unknown-dtype'
            : 'not-numeric');
      result.skipped.push({ name: entry.name, dtype: entry.dtype, reason });
      continue;
    }
    const following = numeric[position + 1];
    position += 1;
    if (following && !readsThroughWindows(following, measuredBytes(following))) {
      const ahead = firstWindow(following.ranges, { ...options, limitBytes: measuredBytes(following) });
      if (ahead && ahead.offset + ahead.length <= source.size) prefetching.prefetch(ahead, options.signal);
    }
    try {
      const stats = await statsOf(reader, entry, options, job);
      result.measured += 1;
      result.measuredElements += stats.elements;
      if (options.keep !== 'findings' || stats.nan + stats.posInf + stats.negInf > 0 || stats.sizeMismatch)
        result.tensors.push(stats);
      await options.onTensor?.(stats);
    } catch (error) {
      if (error instanceof LensError && error.code === 'tensor-content-short') {
        result.skipped.push({ name: entry.name, dtype: entry.dtype, reason: 'content-short' });
        continue;
      }
      throw error;
    }
  }
  result.bytesRead = job.base;
  return result;
}

export interface NonFiniteFinding {
  name: string;
  dtype: string;
  shape: number[];
  elements: number;
  nan: number;
  posInf: number;
  negInf: number;
  firstNonFinite: number;
}

export interface NonFiniteAudit {
  /** True when every scanned tensor is free of NaN and ±Inf. */
  clean: boolean;
  scannedTensors: number;
  scannedElements: number;
  findings: NonFiniteFinding[];
  skipped: SkippedTensor[];
}

/** The findings part of an audit from stats already computed (no extra reading). */
export function nonFiniteAuditFrom(all: AllStatsResult): NonFiniteAudit {
  const findings = all.tensors
    .filter((stats) => stats.nan + stats.posInf + stats.negInf > 0)
    .map((stats) => ({
      name: stats.name,
      dtype: stats.dtype,
      shape: stats.shape,
      elements: stats.elements,
      nan: stats.nan,
      posInf: stats.posInf,
      negInf: stats.negInf,
      firstNonFinite: stats.firstNonFinite ?? -1,
    }));
  return {
    clean: findings.length === 0,
    scannedTensors: all.measured,
    scannedElements: all.measuredElements,
    findings,
    skipped: all.skipped,
  };
}

/** List every tensor with NaN or ±Inf. Integer and Bool tensors cannot hold them and are not read. */
export async function auditNonFinite(
  source: ByteSource,
  index: CheckpointIndex,
  options: AllStatsOptions = {},
): Promise<NonFiniteAudit> {
  const all = await computeAllStats(source, index, {
    ...options,
    bins: 0,
    // Only the tensors with NaN/Inf are reported: a million clean ones are counted, not kept.
    keep: 'findings',
    include: (entry, position) =>
      (options.include?.(entry, position) ?? true) && (elementLayout(entry)?.isFloat ?? true),
  });
  return nonFiniteAuditFrom(all);
}
