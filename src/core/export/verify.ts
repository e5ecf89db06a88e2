import { DEFAULT_WINDOW_BYTES, MAX_READ_BYTES } from '../../base/limits';
import type { TensorEntry } from '../../base/types';
import { readPartsRange, type OutputPart } from '../../formats/parts';
import { viewContent } from '../../formats/pytorch/gather';
import type { OpenedCheckpoint } from '../open';
import type { ExportJob } from './output';

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

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Compare a written file, re-opened with `openCheckpoint`, against the plan it was written
 * from: names (and their order for ckpt), dtypes, shapes, and — for tensors that were not
 * cast — their bytes against the source, window by window. Cast tensors are checked for size;
 * their values are the conversion's, reported separately.
 */
export async function verifyExport(
  written: OpenedCheckpoint,
  job: ExportJob,
  options: { signal?: AbortSignal; windowBytes?: number } = {},
): Promise<VerifyReport> {
  const windowBytes = Math.min(options.windowBytes ?? DEFAULT_WINDOW_BYTES, MAX_READ_BYTES);
  const mismatches: VerifyMismatch[] = [];
  const planned = job.plan.tensors;
  const writtenByName = new Map(written.index.tensors.map((entry) => [entry.name, entry]));
  const plannedNames = new Set(planned.map((tensor) => tensor.name));
  for (const entry of written.index.tensors) {
    if (!plannedNames.has(entry.name)) mismatches.push({ name: entry.name, kind: 'unexpected' });
  }
  if (job.plan.format === 'ckpt') {
    const order = written.index.tensors.map((entry) => entry.name).filter((name) => plannedNames.has(name));
    const expectedOrder = planned.map((tensor) => tensor.name).filter((name) => writtenByName.has(name));
    order.forEach((name, i) => {
      if (name !== expectedOrder[i]) mismatches.push({ name, kind: 'order', expected: expectedOrder[i], actual: name });
    });
  }
  let tensorsChecked = 0;
  let valuesCompared = 0;
  let bytesCompared = 0;
  for (const tensor of planned) {
    const entry = writtenByName.get(tensor.name);
    if (!entry) {
      mismatches.push({ name: tensor.name, kind: 'missing' });
      continue;
    }
    tensorsChecked += 1;
    if (entry.dtype !== tensor.dtype) {
      mismatches.push({ name: tensor.name, kind: 'dtype', expected: tensor.dtype, actual: entry.dtype });
    }
    if (JSON.stringify(entry.shape) !== JSON.stringify(tensor.shape)) {
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
    if (tensor.cast) continue;
    const expected = job.contentOf(tensor.name);
    if (!expected) continue;
    const actual = writtenContent(written, entry);
    for (let start = 0; start < tensor.bytes; start += windowBytes) {
      options.signal?.throwIfAborted();
      const end = Math.min(tensor.bytes, start + windowBytes);
      const [want, got] = await Promise.all([
        readPartsRange(expected, start, end, options.signal),
        readPartsRange(actual, start, end, options.signal),
      ]);
      bytesCompared += end - start;
      if (!sameBytes(want, got)) {
        mismatches.push({ name: tensor.name, kind: 'values', expected: `bytes ${start}–${end} as in the source` });
        break;
      }
    }
    valuesCompared += 1;
  }
  if (job.plan.crc && !written.index.crc.present) mismatches.push({ name: '', kind: 'crc', expected: 'present' });
  return { ok: mismatches.length === 0, tensorsChecked, valuesCompared, bytesCompared, mismatches };
}
