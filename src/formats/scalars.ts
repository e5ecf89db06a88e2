/** Small values read from the tensor data, for formats whose header does not hold them. */
import { decodeScalar } from '../base/decode';
import { MAX_SCALAR_VALUE_BYTES } from '../base/limits';
import type { ByteRange, TensorEntry } from '../base/types';
import type { ByteSource } from '../io/byte-source';
import { ReadAheadSource } from '../io/read-ahead';

/** Scalars' bytes are read through windows of this size (close storages share one; gaps are read through). */
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
  if (scalars.length === 0) return;
  const reads = new ReadAheadSource(
    source,
    scalars.map((entry) => entry.ranges[0] as ByteRange),
    { windowBytes: SCALAR_WINDOW_BYTES, maxGapBytes: SCALAR_MAX_GAP_BYTES },
  );
  for (const entry of scalars) {
    const range = entry.ranges[0] as ByteRange;
    const value = decodeScalar(entry.dtype, await reads.readView(range.offset, range.length, signal));
    if (value !== undefined) entry.value = value;
  }
}
