import { pushAll } from '../../base/arrays';
import { LensError } from '../../base/errors';
import { DISTRIBUTED_CHUNK_BYTES, DISTRIBUTED_MAX_READ_GAP_BYTES, MAX_READ_BYTES } from '../../base/limits';
import type { TensorEntry } from '../../base/types';
import type { BufferPool } from '../../base/bytes';
import type { ByteSource } from '../../io/byte-source';
import { ReadAheadSource } from '../../io/read-ahead';
import { readableContent } from '../../formats/pytorch/gather';

/**
 * The copy engine shared by merge and re-slice: a virtual tensor assembled from rectangular
 * pieces of source tensors. Any element range of it can be produced on demand; each source is
 * read only where the range needs it, in reads of bounded size, so nothing is ever held whole.
 *
 * Why ranges are cheap: row-major order restricted to a box is the box's own row-major order,
 * so a contiguous range of the output meets each box in a contiguous run of the box, and that
 * run is a sequence of contiguous stretches ("runs") in the source.
 */
export interface BoxPiece {
  /** Where the piece lies in the output tensor: start per dimension. */
  outStart: number[];
  /** Extent per dimension (the same in output and source). */
  extent: number[];
  source: ByteSource;
  /** The source tensor (its byte ranges in `source`). */
  entry: TensorEntry;
  sourceShape: number[];
  /** Where the piece lies in the source tensor: start per dimension. */
  sourceStart: number[];
}

export interface BoxedTensor {
  shape: number[];
  itemBytes: number;
  pieces: BoxPiece[];
}

function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d -= 1) out[d] = (out[d + 1] ?? 1) * (shape[d + 1] ?? 1);
  return out;
}

function product(values: readonly number[], from = 0, to = values.length): number {
  let p = 1;
  for (let i = from; i < to; i += 1) p *= values[i] ?? 1;
  return p;
}

/** How many elements of the box come before linear position `position` of the whole tensor. */
function countBefore(
  shape: readonly number[],
  start: readonly number[],
  extent: readonly number[],
  position: number,
): number {
  const total = product(shape);
  if (position >= total) return product(extent);
  const tensorStrides = strides(shape);
  let count = 0;
  let rest = position;
  for (let d = 0; d < shape.length; d += 1) {
    const stride = tensorStrides[d] ?? 1;
    const index = Math.floor(rest / stride);
    rest -= index * stride;
    const lo = start[d] ?? 0;
    const hi = lo + (extent[d] ?? 0);
    const inner = product(extent, d + 1);
    if (index < lo) return count;
    if (index >= hi) return count + (hi - lo) * inner;
    count += (index - lo) * inner;
  }
  return count;
}

/** Bytes [start, start+length) of a tensor's content, which may span several records. */
export async function readEntryBytes(
  file: ByteSource,
  stored: TensorEntry,
  start: number,
  length: number,
  signal?: AbortSignal,
  /** The caller copies out of the bytes at once: a shared view (read-ahead window) will do. */
  borrow = false,
): Promise<Uint8Array> {
  // A gathered PyTorch view is read through a source of its values in C order.
  const { source, entry } = readableContent(file, stored);
  if (start < 0 || start + length > entry.bytes) {
    throw new LensError('tensor-content-short', { tensor: entry.name, expected: start + length, actual: entry.bytes });
  }
  // Common case (one record, one read): hand out the read buffer itself, no copy.
  const single = entry.ranges.length === 1 ? entry.ranges[0] : undefined;
  if (single && length <= MAX_READ_BYTES) {
    const bytes =
      borrow && source instanceof ReadAheadSource
        ? await source.readView(single.offset + start, length, signal)
        : await source.read(single.offset + start, length, signal);
    if (bytes.length !== length) {
      throw new LensError('read-failed', {
        tensor: entry.name,
        offset: single.offset + start + bytes.length,
        hint: 'the file ended early',
      });
    }
    return bytes;
  }
  const out = new Uint8Array(length);
  let filled = 0;
  let at = 0;
  for (const range of entry.ranges) {
    const from = Math.max(start, at);
    const to = Math.min(start + length, at + range.length);
    for (let position = from; position < to;) {
      const take = Math.min(MAX_READ_BYTES, to - position);
      const bytes = await source.read(range.offset + (position - at), take, signal);
      if (bytes.length !== take) {
        throw new LensError('read-failed', {
          tensor: entry.name,
          offset: range.offset + (position - at),
          hint: 'the file ended early',
        });
      }
      out.set(bytes, filled);
      filled += take;
      position += take;
    }
    at += range.length;
    if (at >= start + length) break;
  }
  return out;
}

/** A byte range of a source. */
export interface SourceRange {
  source: ByteSource;
  offset: number;
  length: number;
}

/** Bytes [start, start+length) of an entry's content as ranges of its source (records may split it). */
function entrySourceRanges(source: ByteSource, entry: TensorEntry, start: number, length: number): SourceRange[] {
  const out: SourceRange[] = [];
  let at = 0;
  for (const range of entry.ranges) {
    const from = Math.max(start, at);
    const to = Math.min(start + length, at + range.length);
    if (to > from) out.push({ source, offset: range.offset + (from - at), length: to - from });
    at += range.length;
  }
  return out;
}

/**
 * The tensor's bytes as ranges of its sources laid end to end, when its pieces are whole rows
 * stacked along the first dimension (row splits, unsplit or replicated tensors, extras): an
 * export then composes the sources' own bytes (zero-copy Blob slices in the browser, no copy
 * engine) instead of assembling them. null when a piece is a column block, whose rows
 * interleave with other pieces' rows.
 */
export function stackedRanges(tensor: BoxedTensor): SourceRange[] | null {
  const { shape, itemBytes } = tensor;
  const rowBytes = product(shape, 1) * itemBytes;
  const pieces = [...tensor.pieces].sort((a, b) => (a.outStart[0] ?? 0) - (b.outStart[0] ?? 0));
  const out: SourceRange[] = [];
  let rows = 0;
  for (const piece of pieces) {
    for (let d = 1; d < shape.length; d += 1)
      if (piece.extent[d] !== shape[d] || piece.sourceShape[d] !== shape[d] || piece.sourceStart[d] !== 0) return null;
    if (shape.length > 0 && piece.outStart[0] !== rows) return null;
    const pieceRows = shape.length > 0 ? (piece.extent[0] ?? 0) : 1;
    const start = (shape.length > 0 ? (piece.sourceStart[0] ?? 0) : 0) * rowBytes;
    const ranges = entrySourceRanges(piece.source, piece.entry, start, pieceRows * rowBytes);
    if (ranges.reduce((sum, range) => sum + range.length, 0) !== pieceRows * rowBytes) return null;
    pushAll(out, ranges);
    rows += pieceRows;
  }
  return rows === (shape.length > 0 ? (shape[0] ?? 0) : 1) ? out : null;
}

/** Runs of one piece inside an output range, as flat triples (output element, source element, length). */
function runsOf(tensor: BoxedTensor, piece: BoxPiece, first: number, end: number, runs: number[]): void {
  const { shape } = tensor;
  const ndim = shape.length;
  // Dimensions after `split` are whole in output and source: they extend each run.
  let split = ndim - 1;
  while (split >= 0 && piece.extent[split] === shape[split] && piece.extent[split] === piece.sourceShape[split])
    split -= 1;
  const boxElements = product(piece.extent);
  const runLength = split < 0 ? boxElements : product(piece.extent, split);
  const c0 = countBefore(shape, piece.outStart, piece.extent, first);
  const c1 = countBefore(shape, piece.outStart, piece.extent, end);
  if (c1 <= c0) return;
  const outStrides = strides(shape);
  const sourceStrides = strides(piece.sourceShape);
  const outerExtent = split < 0 ? [] : piece.extent.slice(0, split);
  const index = new Array<number>(outerExtent.length).fill(0);
  const firstRun = Math.floor(c0 / runLength);
  const lastRun = Math.ceil(c1 / runLength);
  let rest = firstRun;
  for (let d = outerExtent.length - 1; d >= 0; d -= 1) {
    const size = outerExtent[d] ?? 1;
    index[d] = rest % size;
    rest = Math.floor(rest / size);
  }
  for (let run = firstRun; run < lastRun; run += 1) {
    let outPosition = 0;
    let sourcePosition = 0;
    for (let d = 0; d < ndim; d += 1) {
      const i = d < outerExtent.length ? (index[d] ?? 0) : 0;
      outPosition += ((piece.outStart[d] ?? 0) + i) * (outStrides[d] ?? 1);
      sourcePosition += ((piece.sourceStart[d] ?? 0) + i) * (sourceStrides[d] ?? 1);
    }
    const runStart = run * runLength;
    const from = Math.max(c0, runStart) - runStart;
    const to = Math.min(c1, runStart + runLength) - runStart;
    runs.push(outPosition + from, sourcePosition + from, to - from);
    for (let d = outerExtent.length - 1; d >= 0; d -= 1) {
      index[d] = (index[d] ?? 0) + 1;
      if ((index[d] ?? 0) < (outerExtent[d] ?? 1)) break;
      index[d] = 0;
    }
  }
}

/** Reads issued at once by one call (spans are at most DISTRIBUTED_CHUNK_BYTES each). */
const READS_IN_FLIGHT = 4;

/** At most this many runs are gathered before reading, which bounds bookkeeping memory. */
const MAX_RUNS_PER_STEP = 1 << 16;

/**
 * Elements [first, end) of a boxed tensor as bytes. Callers bound `end − first`; pieces are
 * read in spans of at most DISTRIBUTED_CHUNK_BYTES, joining runs whose gaps are small.
 */
export async function readBoxedElements(
  tensor: BoxedTensor,
  first: number,
  end: number,
  signal?: AbortSignal,
  /** The caller copies out of the result at once: it may be a shared view (see readEntryBytes). */
  borrow = false,
  /** Where the assembled bytes go (a pooled buffer when streaming). */
  allocate: (length: number) => Uint8Array = (length) => new Uint8Array(length),
): Promise<Uint8Array> {
  const { itemBytes } = tensor;
  let out: Uint8Array | null = null;
  // Keep each step's run list bounded: shorter output steps when runs are tiny.
  const smallestRun = Math.max(
    1,
    Math.min(...tensor.pieces.map((piece) => piece.extent[piece.extent.length - 1] ?? 1)),
  );
  const stepElements = Math.max(1, smallestRun * MAX_RUNS_PER_STEP);
  for (let stepStart = first; stepStart < end; stepStart += stepElements) {
    const stepEnd = Math.min(end, stepStart + stepElements);
    // Every read of this step: runs [from, to) of one piece's run list, covered by one span.
    const batches: { piece: BoxPiece; runs: number[]; from: number; to: number; spanStart: number; spanEnd: number }[] =
      [];
    for (const piece of tensor.pieces) {
      signal?.throwIfAborted();
      const runs: number[] = [];
      runsOf(tensor, piece, stepStart, stepEnd, runs);
      let i = 0;
      while (i < runs.length) {
        const spanStart = runs[i + 1] ?? 0;
        let spanEnd = spanStart + (runs[i + 2] ?? 0);
        let j = i + 3;
        while (j < runs.length) {
          const next = runs[j + 1] ?? 0;
          const nextEnd = next + (runs[j + 2] ?? 0);
          if ((next - spanEnd) * itemBytes > DISTRIBUTED_MAX_READ_GAP_BYTES) break;
          if ((nextEnd - spanStart) * itemBytes > DISTRIBUTED_CHUNK_BYTES) break;
          spanEnd = nextEnd;
          j += 3;
        }
        batches.push({ piece, runs, from: i, to: j, spanStart, spanEnd });
        i = j;
      }
    }
    // The whole request is one stretch of one slice (row splits, mostly): the read is the answer.
    const only = batches[0];
    if (batches.length === 1 && only && only.to - only.from === 3 && stepStart === first && stepEnd === end) {
      if (only.runs[only.from] === first && only.runs[only.from + 2] === end - first) {
        return readEntryBytes(
          only.piece.source,
          only.piece.entry,
          only.spanStart * itemBytes,
          (end - first) * itemBytes,
          signal,
          borrow,
        );
      }
    }
    const target = (out ??= allocate((end - first) * itemBytes));
    // A few reads in flight (the pieces live in different files); each is copied out when it lands.
    let nextBatch = 0;
    const worker = async (): Promise<void> => {
      while (nextBatch < batches.length) {
        const batch = batches[nextBatch];
        nextBatch += 1;
        if (!batch) break;
        const { piece, runs, spanStart } = batch;
        const bytes = await readEntryBytes(
          piece.source,
          piece.entry,
          spanStart * itemBytes,
          (batch.spanEnd - spanStart) * itemBytes,
          signal,
          true,
        );
        for (let k = batch.from; k < batch.to; k += 3) {
          const outAt = ((runs[k] ?? 0) - first) * itemBytes;
          const sourceAt = ((runs[k + 1] ?? 0) - spanStart) * itemBytes;
          const length = (runs[k + 2] ?? 0) * itemBytes;
          target.set(bytes.subarray(sourceAt, sourceAt + length), outAt);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, batches.length) }, worker));
  }
  return out ?? new Uint8Array(0);
}

/** A list of boxed tensors laid end to end, seen as one ByteSource (the "plaintext" of a view). */
export class BoxedTensorsSource implements ByteSource {
  readonly size: number;
  private readonly starts: number[] = [];

  constructor(
    readonly tensors: readonly BoxedTensor[],
    /** Lends its output buffers and takes them back (`recycle`): only for a streamed export. */
    private readonly pool?: BufferPool,
  ) {
    let at = 0;
    for (const tensor of tensors) {
      this.starts.push(at);
      at += product(tensor.shape) * tensor.itemBytes;
    }
    this.size = at;
  }

  private readonly allocate = (length: number): Uint8Array =>
    this.pool ? this.pool.take(length) : new Uint8Array(length);

  recycle(bytes: Uint8Array): void {
    this.pool?.give(bytes);
  }

  /** Byte offset of tensor `i` in this source. */
  offsetOf(i: number): number {
    return this.starts[i] ?? this.size;
  }

  async read(offset: number, length: number, signal?: AbortSignal): Promise<Uint8Array> {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
      throw new LensError('read-failed', { offset, hint: `invalid read of ${length} bytes` });
    }
    if (length > MAX_READ_BYTES)
      throw new LensError('read-too-large', { offset, actual: length, limit: MAX_READ_BYTES });
    const end = Math.min(this.size, offset + length);
    // Made only when the request spans tensors or is not element-aligned (exports never are).
    let out: Uint8Array | null = null;
    // Last tensor starting at or before `offset` (binary search).
    let lo = 0;
    let hi = this.tensors.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    for (let i = lo; i < this.tensors.length; i += 1) {
      const tensor = this.tensors[i];
      const start = this.starts[i] ?? 0;
      if (!tensor || start >= end) break;
      const tensorBytes = product(tensor.shape) * tensor.itemBytes;
      const from = Math.max(offset, start) - start;
      const to = Math.min(end, start + tensorBytes) - start;
      if (to <= from) continue;
      const firstElement = Math.floor(from / tensor.itemBytes);
      const endElement = Math.ceil(to / tensor.itemBytes);
      // The whole request inside one tensor, element-aligned: the bytes are the answer, no copy.
      const whole = from % tensor.itemBytes === 0 && to % tensor.itemBytes === 0 && to - from === end - offset;
      const bytes = await readBoxedElements(tensor, firstElement, endElement, signal, !whole, this.allocate);
      const skip = from - firstElement * tensor.itemBytes;
      if (whole) return bytes;
      out ??= this.allocate(end - offset);
      out.set(bytes.subarray(skip, skip + (to - from)), start + from - offset);
    }
    return out ?? new Uint8Array(Math.max(0, end - offset));
  }
}
