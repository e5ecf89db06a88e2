/** Small values read from the tensor data, for formats whose header does not hold them. */
import { decodeScalarAt } from '../base/decode';
import { MAX_SCALAR_VALUE_BYTES } from '../base/limits';
import type { TensorSink } from '../base/tensor-columns';
import type { ByteRange, TensorEntry } from '../base/types';
import type { ByteSource } from '../io/byte-source';

/** Scalars' bytes are read in windows of at most this size (close ones share one; gaps are read through). */
const SCALAR_WINDOW_BYTES = 1024 * 1024;
const SCALAR_MAX_GAP_BYTES = 64 * 1024;

/**
 * The value of every one-element numeric tensor (0-d ones such as BatchNorm's
 * num_batches_tracked, and shape [1]), as the .ckpt scanner keeps small scalars: a bounded read
 * of its few bytes (scalars lying close together share a window), decoded by decodeScalar.
 * Used by the safetensors and PyTorch scanners, whose headers do not hold the values.
 */
function onlyOnes(shape: readonly number[]): boolean {
  for (let i = 0; i < shape.length; i += 1) if (shape[i] !== 1) return false;
  return true;
}

/** Whether a tensor of this shape and byte count is one whose value decodeSmallValues reads. */
export function mayHoldSmallValue(shape: readonly number[], bytes: number): boolean {
  return bytes > 0 && bytes <= MAX_SCALAR_VALUE_BYTES && onlyOnes(shape);
}

/** What `decodeSmallValues` needs of tensor i, however the tensors are held. */
interface ScalarRows {
  /** Whether tensor i is one range of a one-element shape, with no problems. */
  candidate(i: number): boolean;
  offset(i: number): number;
  length(i: number): number;
  dtype(i: number): string;
  assign(i: number, value: string | number | boolean): void;
}

function sinkRows(sink: TensorSink): ScalarRows {
  return {
    candidate: (i) =>
      sink.rangesOf(i) === 1 &&
      sink.problems(i) === undefined &&
      mayHoldSmallValue(sink.shapeOf(i), sink.firstLength(i)),
    offset: (i) => sink.firstOffset(i),
    length: (i) => sink.firstLength(i),
    dtype: (i) => sink.dtypeOf(i),
    assign: (i, value) => sink.setValue(i, value),
  };
}

/** The entries of a list made before the sinks (a PyTorch scan), as `decodeSmallValues` reads them. */
function entryRows(tensors: TensorEntry[]): ScalarRows {
  const range = (i: number) => (tensors[i] as TensorEntry).ranges[0] as ByteRange;
  return {
    candidate(i) {
      const entry = tensors[i] as TensorEntry;
      const first = entry.ranges[0];
      return (
        entry.ranges.length === 1 &&
        first !== undefined &&
        entry.problems === undefined &&
        mayHoldSmallValue(entry.shape, first.length)
      );
    },
    offset: (i) => range(i).offset,
    length: (i) => range(i).length,
    dtype: (i) => (tensors[i] as TensorEntry).dtype,
    assign(i, value) {
      (tensors[i] as TensorEntry).value = value;
    },
  };
}

/** Sets the value of each tensor that has one (as entries, or a scan's columns being built). */
export async function decodeSmallValues(
  source: ByteSource,
  tensors: TensorEntry[] | TensorSink,
  signal?: AbortSignal,
): Promise<void> {
  const rows = Array.isArray(tensors) ? entryRows(tensors) : sinkRows(tensors);
  const scalars: number[] = [];
  for (let position = 0; position < tensors.length; position += 1) if (rows.candidate(position)) scalars.push(position);
  // Runs of scalars lying close together in the file are one read each, decoded synchronously
  // (a million [1]-shaped tensors were a million awaited reads through a windowed source).
  for (let at = 0; at < scalars.length;) {
    const start = rows.offset(scalars[at] as number);
    let end = start + rows.length(scalars[at] as number);
    let next = at + 1;
    for (; next < scalars.length; next += 1) {
      const offset = rows.offset(scalars[next] as number);
      const length = rows.length(scalars[next] as number);
      if (offset < end || offset - end > SCALAR_MAX_GAP_BYTES || offset + length - start > SCALAR_WINDOW_BYTES) break;
      end = offset + length;
    }
    const window = await source.read(start, end - start, signal);
    for (let k = at; k < next; k += 1) {
      const position = scalars[k] as number;
      const offset = rows.offset(position) - start;
      const length = rows.length(position);
      if (offset + length > window.length) continue; // the file ends before its bytes: no value
      const value = decodeScalarAt(rows.dtype(position), window, offset, length);
      if (value !== undefined) rows.assign(position, value);
    }
    at = next;
  }
}
