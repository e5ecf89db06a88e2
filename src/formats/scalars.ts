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
export async function decodeSmallValues(
  source: ByteSource,
  tensors: TensorEntry[],
  signal?: AbortSignal,
): Promise<void> {
  const scalars = tensors.filter((entry) => {
    const range = entry.ranges[0];
    return (
      entry.ranges.length === 1 &&
      range !== undefined &&
      range.length > 0 &&
      range.length <= MAX_SCALAR_VALUE_BYTES &&
      entry.shape.every((dim) => dim === 1) &&
      entry.problems === undefined
    );
  });
  // Runs of scalars lying close together in the file are one read each, decoded synchronously
  // (a million [1]-shaped tensors were a million awaited reads through a windowed source).
  for (let at = 0; at < scalars.length;) {
    const first = (scalars[at] as TensorEntry).ranges[0] as ByteRange;
    let end = first.offset + first.length;
    let next = at + 1;
    for (; next < scalars.length; next += 1) {
      const range = (scalars[next] as TensorEntry).ranges[0] as ByteRange;
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
      const entry = scalars[k] as TensorEntry;
      const range = entry.ranges[0] as ByteRange;
      const bytes = window.subarray(range.offset - first.offset, range.offset - first.offset + range.length);
      if (bytes.length !== range.length) continue; // the file ends before its bytes: no value
      const value = decodeScalar(entry.dtype, bytes);
      if (value !== undefined) entry.value = value;
    }
    at = next;
  }
}
