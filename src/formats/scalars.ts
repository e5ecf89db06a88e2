/** Small values read from the tensor data, for formats whose header does not hold them. */
import { decodeScalarAt } from '../base/decode';
import { MAX_SCALAR_VALUE_BYTES } from '../base/limits';
import type { TensorSink } from '../base/tensor-columns';
import type { ByteSource } from '../io/byte-source';

/** Scalars' bytes are read in windows of at most this size (close ones share one; gaps are read through). */
const SCALAR_WINDOW_BYTES = 1024 * 1024;
const SCALAR_MAX_GAP_BYTES = 64 * 1024;

function onlyOnes(shape: readonly number[]): boolean {
  for (let i = 0; i < shape.length; i += 1) if (shape[i] !== 1) return false;
  return true;
}

/** Whether a tensor of this shape and byte count is one whose value decodeSmallValues reads. */
export function mayHoldSmallValue(shape: readonly number[], bytes: number): boolean {
  return bytes > 0 && bytes <= MAX_SCALAR_VALUE_BYTES && onlyOnes(shape);
}

/**
 * The value of every one-element numeric tensor (0-d ones such as BatchNorm's
 * num_batches_tracked, and shape [1]), as the .ckpt scanner keeps small scalars: a bounded read
 * of its few bytes (scalars lying close together share a window), decoded by decodeScalar.
 * Used by the safetensors and PyTorch scanners, whose headers do not hold the values; the
 * tensors are a scan's sink (entries, or columns being built).
 */
export async function decodeSmallValues(source: ByteSource, tensors: TensorSink, signal?: AbortSignal): Promise<void> {
  const scalars: number[] = [];
  for (let i = 0; i < tensors.length; i += 1)
    if (
      tensors.rangesOf(i) === 1 &&
      tensors.problems(i) === undefined &&
      mayHoldSmallValue(tensors.shapeOf(i), tensors.firstLength(i))
    )
      scalars.push(i);
  // Runs of scalars lying close together in the file are one read each, decoded synchronously
  // (a million [1]-shaped tensors were a million awaited reads through a windowed source).
  for (let at = 0; at < scalars.length;) {
    const start = tensors.firstOffset(scalars[at] as number);
    let end = start + tensors.firstLength(scalars[at] as number);
    let next = at + 1;
    for (; next < scalars.length; next += 1) {
      const offset = tensors.firstOffset(scalars[next] as number);
      const length = tensors.firstLength(scalars[next] as number);
      if (offset < end || offset - end > SCALAR_MAX_GAP_BYTES || offset + length - start > SCALAR_WINDOW_BYTES) break;
      end = offset + length;
    }
    const window = await source.read(start, end - start, signal);
    for (let k = at; k < next; k += 1) {
      const position = scalars[k] as number;
      const offset = tensors.firstOffset(position) - start;
      const length = tensors.firstLength(position);
      if (offset + length > window.length) continue; // the file ends before its bytes: no value
      const value = decodeScalarAt(tensors.dtypeOf(position), window, offset, length);
      if (value !== undefined) tensors.setValue(position, value);
    }
    at = next;
  }
}
