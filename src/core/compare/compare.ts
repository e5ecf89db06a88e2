/**
 * Compare two checkpoints tensor by tensor: pair by name (optionally through a rename function,
 * e.g. compiled name-map rules), report shape/dtype changes, detect byte-identical tensors
 * cheaply (windowed byte compare that stops at the first difference), and only for tensors that
 * differ compute value deltas in float64: max |Δ|, mean |Δ|, relative L2 ‖a−b‖/‖a‖, cosine.
 */
import { sameShape } from '../../base/dtypes';
import { bytesEqual } from '../../base/bytes';
import { LensError } from '../../base/errors';
import { plural } from '../../base/plural';
import { isNoteProblem } from '../../base/problems';
import { rowsOf, tensorRowsOf, type TensorRows } from '../../base/tensor-columns';
import type { CheckpointIndex, TensorEntry, TensorProblemCode } from '../../base/types';
import type { ByteSource } from '../../io/byte-source';
import { viewContent } from '../../formats/pytorch/gather';
import { predicateAt, type FilterSubject } from '../selection/filter';
import { BLOCK_ELEMENTS } from '../stats/accumulate';
import { decodeElements, elementLayout, type ElementLayout } from '../stats/elements';
import {
  PrefetchingSource,
  firstWindow,
  isSmallRead,
  readThroughSmallAt,
  readsThroughWindows,
  readElementChunks,
  readSmallContent,
  windowSize,
  type WindowOptions,
} from '../stats/windows';

export interface CheckpointSide {
  index: CheckpointIndex;
  /** The plaintext bytes the index's ranges refer to (OpenedCheckpoint.plaintext). */
  plaintext: ByteSource;
}

export type PairStatus =
  /** Same dtype, shape and content bytes. */
  | 'identical'
  /** Values (or bytes of non-numeric entries) differ; see the deltas. */
  | 'changed'
  /** Cannot be compared value by value (element counts differ, or a side holds no numbers). */
  | 'incomparable';

export interface TensorDelta {
  /** Name in A. */
  name: string;
  /** Name in B (differs when a rename function mapped it). */
  nameB: string;
  dtypeA: string;
  dtypeB: string;
  shapeA: readonly number[];
  shapeB: readonly number[];
  status: PairStatus;
  shapeChanged: boolean;
  dtypeChanged: boolean;
  /**
   * Why the pair could not be compared value by value. view-unreadable: a PyTorch view on either
   * side reaches past its storage or is too large to gather (its index entry says which).
   */
  reason?: 'element-count-differs' | 'not-numeric' | 'content-short' | 'view-unreadable';
  /** Elements compared (flat row-major order). */
  elements: number;
  /** Elements whose values differ (NaN in both places counts as equal). */
  changedElements: number | null;
  /** Positions where one side is NaN/±Inf and the other is not the same non-finite value. */
  nonFiniteMismatches: number | null;
  maxAbsDelta: number | null;
  meanAbsDelta: number | null;
  /** ‖a − b‖ / ‖a‖ over positions where both are finite; null when ‖a‖ = 0 and b ≠ a. */
  relativeL2: number | null;
  /** a·b / (‖a‖‖b‖); 1 for identical tensors; null when a side is all zeros. */
  cosine: number | null;
}

export interface CompareSummary {
  paired: number;
  identical: number;
  changed: number;
  incomparable: number;
  shapeChanged: number;
  dtypeChanged: number;
  onlyInA: number;
  onlyInB: number;
  unreadable: number;
}

/** A tensor without a partner whose bytes cannot be read: damaged, not merely missing on the other side. */
export interface UnreadableTensor {
  side: 'A' | 'B';
  name: string;
  /** Its bytes run past the end of the file (a truncated file, or offsets that were altered). */
  reason: 'past-end-of-file';
}

export interface CompareResult {
  pairs: TensorDelta[];
  /** Readable names in A with no partner in B (after renaming). */
  onlyInA: string[];
  /** Readable names in B with no partner in A. */
  onlyInB: string[];
  /** Unpaired tensors of either side whose bytes lie past the end of their file. */
  unreadable: UnreadableTensor[];
  /**
   * Entries of either side (A: those `include` keeps; B: all, without a filter) whose index
   * entry contradicts its shape, dtype or the file: their "differences" are damage.
   */
  damaged: DamagedTensor[];
  summary: CompareSummary;
}

export interface CompareProgress {
  donePairs: number;
  totalPairs: number;
  tensor: string;
  /** Bytes read so far from both files. */
  bytesRead: number;
}

export interface CompareOptions extends WindowOptions {
  /** Maps a tensor name of A to the name to look up in B (plug in compiled name-map rules). */
  rename?: (nameInA: string) => string;
  /** Only pairs whose A entry passes. */
  include?: (tensor: FilterSubject) => boolean;
  onProgress?: (progress: CompareProgress) => void;
}

/** Walk two element streams in step, yielding equal element counts from each (aligned subarrays). */
async function* pairElements(
  a: AsyncIterator<Uint8Array>,
  strideA: number,
  b: AsyncIterator<Uint8Array>,
  strideB: number,
): AsyncGenerator<[Uint8Array, Uint8Array]> {
  let chunkA: Uint8Array = new Uint8Array(0);
  let chunkB: Uint8Array = new Uint8Array(0);
  for (;;) {
    if (chunkA.length === 0) {
      const next = await a.next();
      if (next.done) return;
      chunkA = next.value;
      continue;
    }
    if (chunkB.length === 0) {
      const next = await b.next();
      if (next.done) return;
      chunkB = next.value;
      continue;
    }
    const count = Math.min(chunkA.length / strideA, chunkB.length / strideB);
    yield [chunkA.subarray(0, count * strideA), chunkB.subarray(0, count * strideB)];
    chunkA = chunkA.subarray(count * strideA);
    chunkB = chunkB.subarray(count * strideB);
  }
}

interface ReadContext {
  options: CompareOptions;
  onBytes: (bytes: number) => void;
}

/** Both contents, one read each, when both are one small range (a pass over many tiny tensors). */
async function smallContents(
  sourceA: ByteSource,
  a: TensorEntry,
  strideA: number,
  sourceB: ByteSource,
  b: TensorEntry,
  strideB: number,
  context: ReadContext,
): Promise<[Uint8Array, Uint8Array] | null> {
  const rangeA = a.ranges.length === 1 ? a.ranges[0] : undefined;
  const rangeB = b.ranges.length === 1 ? b.ranges[0] : undefined;
  const limit = windowSize(context.options);
  if (!rangeA || !rangeB || !isSmallRead(rangeA.length) || !isSmallRead(rangeB.length)) return null;
  if (rangeA.length > limit || rangeB.length > limit) return null;
  const { signal } = context.options;
  const contentA = await readSmallContent(sourceA, rangeA.offset, rangeA.length, strideA, a.name, signal);
  context.onBytes(contentA.length);
  const contentB = await readSmallContent(sourceB, rangeB.offset, rangeB.length, strideB, b.name, signal);
  context.onBytes(contentB.length);
  return [contentA, contentB];
}

/** Stops at the first differing window, so changed tensors cost about one window extra. */
async function contentIdentical(
  sourceA: ByteSource,
  a: TensorEntry,
  sourceB: ByteSource,
  b: TensorEntry,
  context: ReadContext,
): Promise<boolean> {
  if (a.bytes !== b.bytes) return false;
  const read = (source: ByteSource, entry: TensorEntry) =>
    readElementChunks(source, entry.ranges, 1, { ...context.options, tensor: entry.name, onBytes: context.onBytes })[
      Symbol.asyncIterator
    ]();
  const streamA = read(sourceA, a);
  const streamB = read(sourceB, b);
  try {
    for await (const [chunkA, chunkB] of pairElements(streamA, 1, streamB, 1)) {
      if (!bytesEqual(chunkA, chunkB)) return false;
    }
    return true;
  } finally {
    await streamA.return?.(undefined);
    await streamB.return?.(undefined);
  }
}

interface DeltaTotals {
  elements: number;
  changed: number;
  nonFiniteMismatches: number;
  finitePairs: number;
  maxAbs: number;
  sumAbs: number;
  sumDelta2: number;
  sumA2: number;
  sumB2: number;
  dot: number;
}

async function valueDeltas(
  sourceA: ByteSource,
  a: TensorEntry,
  layoutA: ElementLayout,
  sourceB: ByteSource,
  b: TensorEntry,
  layoutB: ElementLayout,
  count: number,
  context: ReadContext,
  small: [Uint8Array, Uint8Array] | null,
): Promise<DeltaTotals> {
  const totals: DeltaTotals = {
    elements: 0,
    changed: 0,
    nonFiniteMismatches: 0,
    finitePairs: 0,
    maxAbs: 0,
    sumAbs: 0,
    sumDelta2: 0,
    sumA2: 0,
    sumB2: 0,
    dot: 0,
  };
  const read = (source: ByteSource, entry: TensorEntry, layout: ElementLayout) =>
    readElementChunks(source, entry.ranges, layout.stride, {
      ...context.options,
      tensor: entry.name,
      limitBytes: count * layout.stride,
      onBytes: context.onBytes,
    })[Symbol.asyncIterator]();
  const scratch = deltaScratch(count);
  if (small) {
    const [contentA, contentB] = small;
    const elements = Math.min(contentA.length / layoutA.stride, contentB.length / layoutB.stride, count);
    addDeltas(
      contentA.subarray(0, elements * layoutA.stride),
      layoutA,
      contentB.subarray(0, elements * layoutB.stride),
      layoutB,
      totals,
      scratch,
    );
  } else
    for await (const [chunkA, chunkB] of pairElements(
      read(sourceA, a, layoutA),
      layoutA.stride,
      read(sourceB, b, layoutB),
      layoutB.stride,
    ))
      addDeltas(chunkA, layoutA, chunkB, layoutB, totals, scratch);
  if (totals.elements !== count) {
    throw new LensError('tensor-content-short', { tensor: a.name, expected: count, actual: totals.elements });
  }
  return totals;
}

/** Decoding scratch for two sides: no bigger than the tensor (a million tiny ones are compared). */
function deltaScratch(count: number): [Float64Array, Float64Array] {
  const size = Math.max(1, Math.min(BLOCK_ELEMENTS, count));
  return [new Float64Array(size), new Float64Array(size)];
}

/** Paired chunks of equal element counts into the totals. */
function addDeltas(
  chunkA: Uint8Array,
  layoutA: ElementLayout,
  chunkB: Uint8Array,
  layoutB: ElementLayout,
  totals: DeltaTotals,
  [valuesA, valuesB]: [Float64Array, Float64Array],
): void {
  const total = chunkA.length / layoutA.stride;
  const float32Pair = layoutA.kind === 'f32' && layoutB.kind === 'f32';
  // Float32 on both sides (the common case) is read in place; anything else is decoded first.
  const floatsA = float32Pair ? new Float32Array(chunkA.buffer, chunkA.byteOffset, total) : null;
  const floatsB = float32Pair ? new Float32Array(chunkB.buffer, chunkB.byteOffset, total) : null;
  const block = valuesA.length;
  for (let first = 0; first < total; first += block) {
    const n = Math.min(block, total - first);
    if (floatsA && floatsB) {
      deltaBlockFloat32(floatsA, floatsB, first, first + n, totals);
    } else {
      decodeElements(layoutA.kind, chunkA, first, n, valuesA);
      decodeElements(layoutB.kind, chunkB, first, n, valuesB);
      deltaBlock(valuesA, valuesB, 0, n, totals);
    }
  }
}

/*
 * One block of paired values into the totals. Two copies (float64 and float32 arrays) so each
 * stays monomorphic in V8; the body is the same.
 */
function deltaBlock(
  valuesA: Float64Array,
  valuesB: Float64Array,
  start: number,
  end: number,
  totals: DeltaTotals,
): void {
  let changed = 0;
  let mismatches = 0;
  let finitePairs = 0;
  let maxAbs = totals.maxAbs;
  let sumAbs = 0;
  let sumDelta2 = 0;
  let sumA2 = 0;
  let sumB2 = 0;
  let dot = 0;
  for (let i = start; i < end; i += 1) {
    const x = valuesA[i] as number;
    const y = valuesB[i] as number;
    if (x - x === 0 && y - y === 0) {
      const d = x - y;
      const abs = d < 0 ? -d : d;
      if (abs !== 0) changed += 1;
      if (abs > maxAbs) maxAbs = abs;
      sumAbs += abs;
      sumDelta2 += d * d;
      sumA2 += x * x;
      sumB2 += y * y;
      dot += x * y;
      finitePairs += 1;
    } else if (!(x === y || (x !== x && y !== y))) {
      mismatches += 1;
      changed += 1;
    }
  }
  addBlockTotals(totals, end - start, changed, mismatches, finitePairs, maxAbs, sumAbs, sumDelta2, sumA2, sumB2, dot);
}

function deltaBlockFloat32(
  valuesA: Float32Array,
  valuesB: Float32Array,
  start: number,
  end: number,
  totals: DeltaTotals,
): void {
  let changed = 0;
  let mismatches = 0;
  let finitePairs = 0;
  let maxAbs = totals.maxAbs;
  let sumAbs = 0;
  let sumDelta2 = 0;
  let sumA2 = 0;
  let sumB2 = 0;
  let dot = 0;
  for (let i = start; i < end; i += 1) {
    const x = valuesA[i] as number;
    const y = valuesB[i] as number;
    if (x - x === 0 && y - y === 0) {
      const d = x - y;
      const abs = d < 0 ? -d : d;
      if (abs !== 0) changed += 1;
      if (abs > maxAbs) maxAbs = abs;
      sumAbs += abs;
      sumDelta2 += d * d;
      sumA2 += x * x;
      sumB2 += y * y;
      dot += x * y;
      finitePairs += 1;
    } else if (!(x === y || (x !== x && y !== y))) {
      mismatches += 1;
      changed += 1;
    }
  }
  addBlockTotals(totals, end - start, changed, mismatches, finitePairs, maxAbs, sumAbs, sumDelta2, sumA2, sumB2, dot);
}

function addBlockTotals(
  totals: DeltaTotals,
  elements: number,
  changed: number,
  mismatches: number,
  finitePairs: number,
  maxAbs: number,
  sumAbs: number,
  sumDelta2: number,
  sumA2: number,
  sumB2: number,
  dot: number,
): void {
  totals.elements += elements;
  totals.changed += changed;
  totals.nonFiniteMismatches += mismatches;
  totals.finitePairs += finitePairs;
  totals.maxAbs = maxAbs;
  totals.sumAbs += sumAbs;
  totals.sumDelta2 += sumDelta2;
  totals.sumA2 += sumA2;
  totals.sumB2 += sumB2;
  totals.dot += dot;
}

/** What a pair's outcome adds to its names, dtypes and shapes. */
type PairOutcome = Pick<TensorDelta, 'status' | 'reason'> &
  Partial<
    Pick<
      TensorDelta,
      'elements' | 'changedElements' | 'nonFiniteMismatches' | 'maxAbsDelta' | 'meanAbsDelta' | 'relativeL2' | 'cosine'
    >
  >;

/** One object per pair, every field in one literal (a million pairs are kept). */
function makePair(a: TensorEntry, b: TensorEntry, outcome: PairOutcome): TensorDelta {
  const pair: TensorDelta = {
    name: a.name,
    nameB: b.name,
    dtypeA: a.dtype,
    dtypeB: b.dtype,
    shapeA: a.shape,
    shapeB: b.shape,
    status: outcome.status,
    shapeChanged: !sameShape(a.shape, b.shape),
    dtypeChanged: a.dtype !== b.dtype,
    elements: outcome.elements ?? 0,
    changedElements: outcome.changedElements ?? null,
    nonFiniteMismatches: outcome.nonFiniteMismatches ?? null,
    maxAbsDelta: outcome.maxAbsDelta ?? null,
    meanAbsDelta: outcome.meanAbsDelta ?? null,
    relativeL2: outcome.relativeL2 ?? null,
    cosine: outcome.cosine ?? null,
  };
  if (outcome.reason) pair.reason = outcome.reason;
  return pair;
}

/** The outcome of an identical pair of `elements` elements (shared: it holds no name). */
function identicalOutcome(elements: number): PairOutcome {
  return {
    status: 'identical',
    elements,
    changedElements: 0,
    nonFiniteMismatches: 0,
    maxAbsDelta: 0,
    meanAbsDelta: 0,
    relativeL2: 0,
    cosine: 1,
  };
}

/** A PyTorch view whose values are not read (its entry has no ranges for them). */
function unreadableView(entry: TensorEntry): boolean {
  return (
    entry.problems?.some(
      (problem) => problem.code === 'view-outside-storage' || problem.code === 'view-too-fragmented',
    ) ?? false
  );
}

async function comparePair(
  fileA: ByteSource,
  storedA: TensorEntry,
  fileB: ByteSource,
  storedB: TensorEntry,
  context: ReadContext,
): Promise<TensorDelta> {
  // Gathered views are read through sources of their values in C order.
  const { source: sourceA, entry: a } = viewContent(fileA, storedA);
  const { source: sourceB, entry: b } = viewContent(fileB, storedB);
  return makePair(a, b, await pairOutcome(sourceA, a, storedA, sourceB, b, storedB, context));
}

async function pairOutcome(
  sourceA: ByteSource,
  a: TensorEntry,
  storedA: TensorEntry,
  sourceB: ByteSource,
  b: TensorEntry,
  storedB: TensorEntry,
  context: ReadContext,
): Promise<PairOutcome> {
  // No values to read: comparing its (empty) ranges would call two such views identical.
  if (unreadableView(storedA) || unreadableView(storedB)) return { status: 'incomparable', reason: 'view-unreadable' };
  const layoutA = elementLayout(a);
  const layoutB = elementLayout(b);
  const sameLayout = sameShape(a.shape, b.shape) && a.dtype === b.dtype && a.kind === b.kind;
  try {
    const small =
      sameLayout || (layoutA && layoutB)
        ? await smallContents(sourceA, a, layoutA?.stride ?? 1, sourceB, b, layoutB?.stride ?? 1, context)
        : null;
    const identical = small
      ? sameLayout && bytesEqual(small[0], small[1])
      : sameLayout && (await contentIdentical(sourceA, a, sourceB, b, context));
    if (identical) return identicalOutcome(layoutA ? Math.min(layoutA.declaredCount, layoutA.storedCount) : 0);
    if (!layoutA || !layoutB) {
      // Strings, maps, unknown dtypes: bytes told us they differ; there are no numbers to measure.
      return { status: sameLayout ? 'changed' : 'incomparable', reason: 'not-numeric' };
    }
    if (layoutA.declaredCount !== layoutB.declaredCount)
      return { status: 'incomparable', reason: 'element-count-differs' };
    const count = layoutA.declaredCount;
    if (layoutA.storedCount < count || layoutB.storedCount < count)
      return { status: 'incomparable', reason: 'content-short' };
    const totals = await valueDeltas(sourceA, a, layoutA, sourceB, b, layoutB, count, context, small);
    const normA = Math.sqrt(totals.sumA2);
    const normB = Math.sqrt(totals.sumB2);
    const normDelta = Math.sqrt(totals.sumDelta2);
    return {
      status: 'changed',
      elements: totals.elements,
      changedElements: totals.changed,
      nonFiniteMismatches: totals.nonFiniteMismatches,
      maxAbsDelta: totals.finitePairs > 0 ? totals.maxAbs : null,
      meanAbsDelta: totals.finitePairs > 0 ? totals.sumAbs / totals.finitePairs : null,
      relativeL2: normA > 0 ? normDelta / normA : normDelta === 0 ? 0 : null,
      cosine: normA > 0 && normB > 0 ? Math.max(-1, Math.min(1, totals.dot / (normA * normB))) : null,
    };
  } catch (error) {
    if (error instanceof LensError && error.code === 'tensor-content-short')
      return { status: 'incomparable', reason: 'content-short' };
    throw error;
  }
}

function pastEnd(entry: TensorEntry, size: number): boolean {
  return entry.ranges.some((range) => range.offset + range.length > size);
}

/**
 * Refuse a name map that cannot pair names: one that turns a name of A (of those `include` keeps)
 * into "" (it could only ever be "only in A"), or sends two names to one target whatever B holds
 * (a comparison pairs each name once, so it could not tell which to compare). Cheap (no reads):
 * the CLI calls it before opening B, and compareCheckpoints before any work.
 */
export function refuseBadRenames(
  tensors: TensorRows | readonly TensorEntry[],
  rename: (nameInA: string) => string,
  include?: (tensor: FilterSubject) => boolean,
): void {
  const rows = rowsOf(tensors);
  const keeps = include ? predicateAt(include, rows) : null;
  // A name A holds twice (a duplicate record) is one source, not a collision the map made.
  const sourcesOf = new Map<string, Set<string>>();
  for (let at = 0; at < rows.length; at += 1) {
    if (keeps && !keeps(at)) continue;
    const name = rows.name(at);
    const target = rename(name);
    if (target === '' && name !== '')
      throw new LensError('name-map-bad-rule', { actual: name, hint: 'they turn this name into ""' });
    const sources = sourcesOf.get(target);
    if (sources) sources.add(name);
    else sourcesOf.set(target, new Set([name]));
  }
  for (const [target, sourceSet] of sourcesOf) {
    if (sourceSet.size < 2) continue;
    const sources = [...sourceSet];
    const quoted = sources.slice(0, 3).map((name) => `"${name}"`);
    const more = sources.length - quoted.length;
    throw new LensError('name-map-collision', {
      tensor: target,
      hint: `${quoted.join(' and ')}${more > 0 ? ` (and ${plural(more, 'more name')})` : ''}`,
    });
  }
}

export interface DamagedTensor {
  side: 'A' | 'B';
  name: string;
  code: TensorProblemCode;
  detail?: string;
}

/** Tensors of one side (at the positions `keeps` keeps) whose index entry is damage (not a note on how the file was saved). */
function damagedIn(side: 'A' | 'B', rows: TensorRows, keeps?: ((at: number) => boolean) | null): DamagedTensor[] {
  return rows.withProblems().flatMap((at) => {
    const problem = rows.problems(at)?.find((candidate) => !isNoteProblem(candidate.code));
    if (!problem || (keeps && !keeps(at))) return [];
    return [{ side, name: rows.name(at), code: problem.code, ...(problem.detail ? { detail: problem.detail } : {}) }];
  });
}

/** Compare every tensor of A with its partner in B. */
export async function compareCheckpoints(
  a: CheckpointSide,
  b: CheckpointSide,
  options: CompareOptions = {},
): Promise<CompareResult> {
  // By position: two columnar indexes are compared with an entry made for one pair at a time.
  const rowsA = tensorRowsOf(a.index);
  const rowsB = tensorRowsOf(b.index);
  const { include } = options;
  if (options.rename) refuseBadRenames(rowsA, options.rename, include);
  // The filter asked by position (one cursor over A's rows, no entry per tensor).
  const keepsA = include ? predicateAt(include, rowsA) : null;
  const rename = options.rename ?? ((name: string) => name);
  // B's first tensor of each name, by position; which of B's tensors are paired, one byte each
  // (a Set of a million claimed names was ~50 MB).
  const byNameB = new Map<string, number>();
  for (let at = 0; at < rowsB.length; at += 1) {
    const name = rowsB.name(at);
    if (!byNameB.has(name)) byNameB.set(name, at);
  }
  const claimed = new Uint8Array(rowsB.length);
  // The pairs as two lists of positions (not a million two-element arrays).
  const workA: number[] = [];
  const workB: number[] = [];
  const unpairedA: number[] = [];
  for (let at = 0; at < rowsA.length; at += 1) {
    if (keepsA && !keepsA(at)) continue;
    const partner = byNameB.get(rename(rowsA.name(at)));
    if (partner === undefined || claimed[partner] === 1) {
      unpairedA.push(at);
      continue;
    }
    claimed[partner] = 1;
    workA.push(at);
    workB.push(partner);
  }
  byNameB.clear();
  const unpairedB: number[] = [];
  if (!keepsA) for (let at = 0; at < rowsB.length; at += 1) if (claimed[at] === 0) unpairedB.push(at);
  const unreadable: UnreadableTensor[] = [];
  const readable = (side: 'A' | 'B', rows: TensorRows, positions: readonly number[], size: number): string[] =>
    positions.flatMap((at) => {
      if (!pastEnd(rows.entry(at), size)) return [rows.name(at)];
      unreadable.push({ side, name: rows.name(at), reason: 'past-end-of-file' });
      return [];
    });
  const onlyInA = readable('A', rowsA, unpairedA, a.plaintext.size);
  const onlyInB = readable('B', rowsB, unpairedB, b.plaintext.size);

  let bytesRead = 0;
  const pairs: TensorDelta[] = [];
  const prefetchA = new PrefetchingSource(a.plaintext);
  const prefetchB = new PrefetchingSource(b.plaintext);
  const sourceA = readThroughSmallAt(prefetchA, workA.length, (k) => rowsA.entry(workA[k] as number));
  const sourceB = readThroughSmallAt(prefetchB, workB.length, (k) => rowsB.entry(workB[k] as number));
  // Small tensors come from the shared windows; the next large one is read ahead.
  const prefetch = (source: PrefetchingSource, entry: TensorEntry): void => {
    if (readsThroughWindows(entry)) return;
    const ahead = firstWindow(entry.ranges, options);
    if (ahead && ahead.offset + ahead.length <= source.size) source.prefetch(ahead, options.signal);
  };
  const total = workA.length;
  let current = '';
  // One context for every pair (a million pairs made a million closures).
  const context: ReadContext = {
    options,
    onBytes: (bytes) => {
      bytesRead += bytes;
      options.onBytes?.(bytes);
      options.onProgress?.({ donePairs: pairs.length, totalPairs: total, tensor: current, bytesRead });
    },
  };
  // Each pair's entries are made once: the next pair's, for its read-ahead, become the current.
  let nextA = total > 0 ? rowsA.entry(workA[0] as number) : null;
  let nextB = total > 0 ? rowsB.entry(workB[0] as number) : null;
  for (let position = 0; position < total; position += 1) {
    options.signal?.throwIfAborted();
    const entryA = nextA as TensorEntry;
    const entryB = nextB as TensorEntry;
    if (position + 1 < total) {
      nextA = rowsA.entry(workA[position + 1] as number);
      nextB = rowsB.entry(workB[position + 1] as number);
      // Start the next pair's first reads now, so the pipeline does not drain between tensors.
      prefetch(prefetchA, nextA);
      prefetch(prefetchB, nextB);
    }
    current = entryA.name;
    pairs.push(await comparePair(sourceA, entryA, sourceB, entryB, context));
    options.onProgress?.({ donePairs: pairs.length, totalPairs: total, tensor: current, bytesRead });
  }

  const count = (predicate: (pair: TensorDelta) => boolean): number => pairs.filter(predicate).length;
  return {
    pairs,
    onlyInA,
    onlyInB,
    unreadable,
    damaged: [...damagedIn('A', rowsA, keepsA), ...(keepsA ? [] : damagedIn('B', rowsB))],
    summary: {
      paired: pairs.length,
      identical: count((pair) => pair.status === 'identical'),
      changed: count((pair) => pair.status === 'changed'),
      incomparable: count((pair) => pair.status === 'incomparable'),
      shapeChanged: count((pair) => pair.shapeChanged),
      dtypeChanged: count((pair) => pair.dtypeChanged),
      onlyInA: onlyInA.length,
      onlyInB: onlyInB.length,
      unreadable: unreadable.length,
    },
  };
}

export type ChangeRanking = 'relativeL2' | 'maxAbsDelta' | 'meanAbsDelta' | 'cosine' | 'changedFraction' | 'name';

/**
 * "What changed most": changed pairs first, biggest change first (lowest cosine first);
 * pairs without a value for the key (incomparable) after them by name, identical pairs last in
 * file order (by name when ranked by name). Only the first two groups are sorted: a million
 * identical pairs cost one pass.
 */
export function rankChanges(pairs: readonly TensorDelta[], by: ChangeRanking = 'relativeL2'): TensorDelta[] {
  const measured: TensorDelta[] = [];
  const unmeasured: TensorDelta[] = [];
  const identical: TensorDelta[] = [];
  for (const pair of pairs) {
    if (pair.status === 'identical') identical.push(pair);
    else if (metric(pair, by) === null) unmeasured.push(pair);
    else measured.push(pair);
  }
  const byName = (x: TensorDelta, y: TensorDelta): number => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);
  measured.sort(
    by === 'name'
      ? byName
      : (x, y) => {
          const mx = metric(x, by) as number;
          const my = metric(y, by) as number;
          return by === 'cosine' ? mx - my : my - mx;
        },
  );
  unmeasured.sort(byName);
  if (by === 'name') identical.sort(byName);
  return measured.concat(unmeasured, identical);
}

function metric(pair: TensorDelta, by: ChangeRanking): number | null {
  switch (by) {
    case 'relativeL2':
      return pair.relativeL2;
    case 'maxAbsDelta':
      return pair.maxAbsDelta;
    case 'meanAbsDelta':
      return pair.meanAbsDelta;
    case 'cosine':
      return pair.cosine;
    case 'changedFraction':
      return pair.changedElements === null || pair.elements === 0 ? null : pair.changedElements / pair.elements;
    case 'name':
      return 0;
  }
}
