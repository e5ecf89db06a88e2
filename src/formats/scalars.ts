/** Small values read from the tensor data, for formats whose header does not hold them. */
import { decodeScalar } from '../base/decode';
import { MAX_SCALAR_VALUE_BYTES } from '../base/limits';
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

export async function decodeSmallValues(
  source: ByteSource,
  tensors: TensorEntry[],
  signal?: AbortSignal,
  /** Gives tensor `position` its value; by default sets `value` on the entry. */
  assign: (entry: TensorEntry, value: string | number | boolean, position: number) => void = (entry, value) => {
    entry.value = value;
  },
): Promise<void> {
  const scalars: number[] = [];
  for (let position = 0; position < tensors.length; position += 1) {
    const entry = tensors[position] as TensorEntry;
    const range = entry.ranges[0];
    if (
      entry.ranges.length === 1 &&
      range !== undefined &&
      entry.problems === undefined &&
      mayHoldSmallValue(entry.shape, range.length)
    )
      scalars.push(position);
  }
  const rangeOf = (k: number): ByteRange => (tensors[scalars[k] as number] as TensorEntry).ranges[0] as ByteRange;
  // Runs of scalars lying close together in the file are one read each, decoded synchronously
  // (a million [1]-shaped tensors were a million awaited reads through a windowed source).
  for (let at = 0; at < scalars.length;) {
    const first = rangeOf(at);
    let end = first.offset + first.length;
    let next = at + 1;
    for (; next < scalars.length; next += 1) {
      const range = rangeOf(next);
      if (
        range.offset < end ||
        range.offset - end > SCALAR_MAX_GAP_BYTES ||
        range.offset + range.length - first.offset > SCALAR_WINDOW_BYTES
      )
        break;
      end = range.offset + range.length;
    }
    const window = await source.read(first.offset, end - first.offset, signal);
    for (let k = at; k < next; k += 1) {
      const position = scalars[k] as number;
      const entry = tensors[position] as TensorEntry;
      const range = entry.ranges[0] as ByteRange;
      const bytes = window.subarray(range.offset - first.offset, range.offset - first.offset + range.length);
      if (bytes.length !== range.length) continue; // the file ends before its bytes: no value
      const value = decodeScalar(entry.dtype, bytes);
      if (value !== undefined) assign(entry, value, position);
    }
    at = next;
  }
}
