import { DEFAULT_WINDOW_BYTES, MAX_READ_BYTES } from '../../base/limits';
import { bytesEqual } from '../../base/bytes';
import { sameShape } from '../../base/dtypes';
import { tensorRowsOf, type TensorRows } from '../../base/tensor-columns';
import type { ByteRange, TensorEntry } from '../../base/types';
import { readPartsRange, type OutputPart } from '../../formats/parts';
import type { ByteSource } from '../../io/byte-source';
import { RangeList } from '../../io/read-ahead';
import { isSmallRead, throughWindows } from '../stats/windows';
import { viewContent } from '../../formats/pytorch/gather';
import { safetensorsPositions } from '../../formats/safetensors/write';
import type { OpenedCheckpoint } from '../open';
import type { ExportJob } from './output';
import type { ExportPlan } from './plan';

export type VerifyMismatchKind = 'missing' | 'unexpected' | 'order' | 'dtype' | 'shape' | 'bytes' | 'values' | 'crc';

export interface VerifyMismatch {
  name: string;
  kind: VerifyMismatchKind;
  expected?: string;
  actual?: string;
}

export interface VerifyReport {
  ok: boolean;
  /** Tensors whose name, dtype and shape were compared. */
  tensorsChecked: number;
  /** Tensors whose bytes were compared with the source (untouched and append_dict values). */
  valuesCompared: number;
  bytesCompared: number;
  mismatches: VerifyMismatch[];
}

function writtenContent(opened: OpenedCheckpoint, stored: TensorEntry): OutputPart[] {
  const { source, entry } = viewContent(opened.plaintext, stored);
  return entry.ranges.map((range) => ({
    kind: 'copy' as const,
    source,
    offset: range.offset,
    length: range.length,
  }));
}

/**
 * Where each planned tensor is in the written file: null when the file lists the same names in
 * the same order (one pass confirms it, with no map of every name), else the written position
 * of each planned tensor (-1 when absent). Extra names (and, for a .ckpt, names out of order)
 * are mismatches.
 */
function writtenInPlanOrder(
  planned: readonly { name: string; dtype: string }[],
  written: TensorRows,
  format: ExportPlan['format'],
  mismatches: VerifyMismatch[],
): Int32Array | null {
  const checkOrder = format === 'ckpt';
  let same = written.length === planned.length;
  if (checkOrder) {
    for (let i = 0; same && i < planned.length; i += 1)
      same = written.name(i) === (planned[i] as { name: string }).name;
    if (same) return null;
  } else if (same) {
    // Written in the writer's order: the k-th written tensor is the plan's `sorted[k]`.
    const sorted = safetensorsPositions(planned);
    const order = new Int32Array(planned.length);
    for (let k = 0; same && k < sorted.length; k += 1) {
      const at = sorted[k] as number;
      same = written.name(k) === (planned[at] as { name: string }).name;
      order[at] = k;
    }
    if (same) return order;
  }
  const names = Array.from({ length: written.length }, (_, i) => written.name(i));
  // The last of a repeated name, as a Map made from the entries kept it.
  const writtenByName = new Map(names.map((name, i) => [name, i]));
  const plannedNames = new Set(planned.map((tensor) => tensor.name));
  for (const name of names) {
    if (!plannedNames.has(name)) mismatches.push({ name, kind: 'unexpected' });
  }
  if (checkOrder) {
    const order = names.filter((name) => plannedNames.has(name));
    const expectedOrder = planned.map((tensor) => tensor.name).filter((name) => writtenByName.has(name));
    order.forEach((name, i) => {
      if (name !== expectedOrder[i]) mismatches.push({ name, kind: 'order', expected: expectedOrder[i], actual: name });
    });
  }
  return Int32Array.from(planned, (tensor) => writtenByName.get(tensor.name) ?? -1);
}

/** Parts that are read, not made (casts are made, and never compared). */
type ReadPart = Exclude<OutputPart, { kind: 'generated' }>;

/** A small tensor whose content is copied and stored plainly: compared from shared windows, in one read a side. */
function comparedThroughWindows(expected: readonly OutputPart[], entry: TensorEntry): expected is readonly ReadPart[] {
  return isSmallRead(entry.bytes) && !entry.view?.gathered && expected.every((part) => part.kind !== 'generated');
}

/**
 * Shared windows for the small tensors' reads, planned in the order the check makes them (the
 * plans are let go once the windows are laid out).
 */
function windowedReads(
  written: OpenedCheckpoint,
  count: number,
  smallAt: (position: number) => { expected: readonly ReadPart[]; entry: TensorEntry } | null,
): { sourceOf: (source: ByteSource) => ByteSource; writtenSource: ByteSource } {
  const bySource = new Map<ByteSource, RangeList>();
  const writtenRanges = new RangeList();
  for (let position = 0; position < count; position += 1) {
    const small = smallAt(position);
    if (!small) continue;
    for (const part of small.expected) {
      if (part.kind !== 'copy') continue;
      let ranges = bySource.get(part.source);
      if (!ranges) {
        ranges = new RangeList();
        bySource.set(part.source, ranges);
      }
      ranges.push(part.offset, part.length);
    }
    for (const range of small.entry.ranges) writtenRanges.push(range.offset, range.length);
  }
  const windowed = new Map<ByteSource, ByteSource>();
  for (const [source, ranges] of bySource) windowed.set(source, throughWindows(source, ranges));
  return {
    sourceOf: (source) => windowed.get(source) ?? source,
    writtenSource: throughWindows(written.plaintext, writtenRanges),
  };
}

/** Parts of a small tensor as one array (short when a source ends early: then it compares unequal). */
async function readSmall(
  parts: readonly ReadPart[],
  sourceOf: (source: ByteSource) => ByteSource,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const only = parts.length === 1 ? parts[0] : undefined;
  if (only?.kind === 'copy') return sourceOf(only.source).read(only.offset, only.length, signal);
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (const part of parts) {
    const bytes =
      part.kind === 'bytes' ? part.bytes : await sourceOf(part.source).read(part.offset, part.length, signal);
    chunks.push(bytes);
    length += bytes.length;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** A plainly stored small tensor's bytes, from its ranges (one read when it has one). */
async function readRanges(source: ByteSource, ranges: readonly ByteRange[], signal?: AbortSignal): Promise<Uint8Array> {
  const only = ranges.length === 1 ? ranges[0] : undefined;
  if (only) return source.read(only.offset, only.length, signal);
  return readSmall(
    ranges.map((range) => ({ kind: 'copy' as const, source, offset: range.offset, length: range.length })),
    (same) => same,
    signal,
  );
}

/**
 * Compare a written file, re-opened with `openCheckpoint`, against the plan it was written
 * from: names (and their order for ckpt), dtypes, shapes, and — for tensors that were not
 * cast — their bytes against the source, window by window (small tensors from windows shared
 * with their neighbours). Cast tensors are checked for size; their values are the conversion's,
 * reported separately.
 */
export async function verifyExport(
  written: OpenedCheckpoint,
  /** What was written (the parts themselves may be gone: only each tensor's content is read). */
  job: Pick<ExportJob, 'plan' | 'contentAt'>,
  options: { signal?: AbortSignal; windowBytes?: number } = {},
): Promise<VerifyReport> {
  const windowBytes = Math.min(options.windowBytes ?? DEFAULT_WINDOW_BYTES, MAX_READ_BYTES);
  const { signal } = options;
  const mismatches: VerifyMismatch[] = [];
  const planned = job.plan.tensors;
  // The written file's tensors by position (its columns, when it was opened with `columns`): an
  // entry object is made for one tensor at a time, as the check reaches it.
  const rows = tensorRowsOf(written.index);
  const order = writtenInPlanOrder(planned, rows, job.plan.format, mismatches);
  const entryAt = (position: number): TensorEntry | undefined => {
    const at = order ? (order[position] as number) : position;
    return at >= 0 && at < rows.length ? rows.entry(at) : undefined;
  };
  // The content each value check compares with; the small ones are read through shared windows
  // (a million tiny tensors compared one read at a time took minutes).
  const expectedAt = (position: number, entry: TensorEntry): readonly OutputPart[] | undefined => {
    const tensor = planned[position];
    return tensor && !tensor.cast && entry.bytes === tensor.bytes ? job.contentAt(position) : undefined;
  };
  const { sourceOf, writtenSource } = windowedReads(written, planned.length, (position) => {
    const entry = entryAt(position);
    const expected = entry && expectedAt(position, entry);
    return entry && expected && comparedThroughWindows(expected, entry) ? { expected, entry } : null;
  });
  let tensorsChecked = 0;
  let valuesCompared = 0;
  let bytesCompared = 0;
  for (const [i, tensor] of planned.entries()) {
    const entry = entryAt(i);
    if (!entry) {
      mismatches.push({ name: tensor.name, kind: 'missing' });
      continue;
    }
    tensorsChecked += 1;
    if (entry.dtype !== tensor.dtype) {
      mismatches.push({ name: tensor.name, kind: 'dtype', expected: tensor.dtype, actual: entry.dtype });
    }
    if (!sameShape(entry.shape, tensor.shape)) {
      mismatches.push({
        name: tensor.name,
        kind: 'shape',
        expected: JSON.stringify(tensor.shape),
        actual: JSON.stringify(entry.shape),
      });
    }
    if (entry.bytes !== tensor.bytes) {
      mismatches.push({
        name: tensor.name,
        kind: 'bytes',
        expected: String(tensor.bytes),
        actual: String(entry.bytes),
      });
      continue;
    }
    const expected = expectedAt(i, entry);
    if (!expected) continue;
    signal?.throwIfAborted();
    if (comparedThroughWindows(expected, entry)) {
      const want = await readSmall(expected, sourceOf, signal);
      const got = await readRanges(writtenSource, entry.ranges, signal);
      bytesCompared += tensor.bytes;
      if (!bytesEqual(want, got))
        mismatches.push({ name: tensor.name, kind: 'values', expected: `bytes 0–${tensor.bytes} as in the source` });
      valuesCompared += 1;
      continue;
    }
    const actual = writtenContent(written, entry);
    for (let start = 0; start < tensor.bytes; start += windowBytes) {
      signal?.throwIfAborted();
      const end = Math.min(tensor.bytes, start + windowBytes);
      const [want, got] = await Promise.all([
        readPartsRange(expected, start, end, signal),
        readPartsRange(actual, start, end, signal),
      ]);
      bytesCompared += end - start;
      if (!bytesEqual(want, got)) {
        mismatches.push({ name: tensor.name, kind: 'values', expected: `bytes ${start}–${end} as in the source` });
        break;
      }
    }
    valuesCompared += 1;
  }
  if (job.plan.crc && !written.index.crc.present) mismatches.push({ name: '', kind: 'crc', expected: 'present' });
  return { ok: mismatches.length === 0, tensorsChecked, valuesCompared, bytesCompared, mismatches };
}
