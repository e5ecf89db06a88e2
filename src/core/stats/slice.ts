/**
 * Value preview: the first N values or a NumPy-style slice (`[0, :8, 3]`, `[..., -1]`,
 * `[2:10:2]`). The expression is parsed by hand with bounded length and item count (never
 * eval); only the bytes that hold the selected elements are read, by row-major offsets.
 */
import { LensError } from '../../base/errors';
import { MAX_DIMS, MAX_SLICE_ELEMENTS, MAX_SLICE_EXPRESSION_CHARS } from '../../base/limits';
import type { ByteRange, TensorEntry } from '../../base/types';
import type { ByteSource } from '../../io/byte-source';
import { readableContent } from '../../formats/pytorch/gather';
import { exactElement, type ElementKind } from './elements';
import { jsonValue, numpyText, shortestFloat, type JsonValue } from './format';
import { numericLayout } from './tensor-stats';
import { readWindows, windowSize, type WindowOptions } from './windows';

export type SliceItem =
  | { kind: 'index'; index: number }
  | { kind: 'range'; start: number | null; stop: number | null; step: number | null }
  | { kind: 'ellipsis' };

/** Parse `[a, b:c:d, ..., -1]` (brackets optional). Syntax only; shapes are checked by resolveSlice. */
export function parseSlice(text: string): SliceItem[] {
  if (text.length > MAX_SLICE_EXPRESSION_CHARS) {
    throw new LensError('slice-invalid', {
      actual: text.length,
      limit: MAX_SLICE_EXPRESSION_CHARS,
      hint: 'The slice expression is too long',
    });
  }
  let body = text.trim();
  let shift = text.indexOf(body);
  if (body.startsWith('[')) {
    if (!body.endsWith(']'))
      throw new LensError('slice-invalid', { offset: text.length, hint: 'A "]" is missing at the end' });
    body = body.slice(1, -1);
    shift += 1;
  }
  if (body.trim() === '') return [];
  const items: SliceItem[] = [];
  let position = shift;
  for (const part of body.split(',')) {
    const at = position;
    position += part.length + 1;
    const item = part.trim();
    if (items.length >= MAX_DIMS + 1)
      throw new LensError('slice-invalid', { offset: at, hint: `More than ${MAX_DIMS} indices` });
    if (item === '...') {
      if (items.some((existing) => existing.kind === 'ellipsis'))
        throw new LensError('slice-invalid', { offset: at, hint: 'Only one "..." is allowed' });
      items.push({ kind: 'ellipsis' });
      continue;
    }
    const pieces = item.split(':');
    if (pieces.length > 3)
      throw new LensError('slice-invalid', { offset: at, hint: `"${item}" has more than two ":"` });
    const numbers = pieces.map((piece) => parseInteger(piece.trim(), at));
    if (pieces.length === 1) {
      if (numbers[0] === null || numbers[0] === undefined)
        throw new LensError('slice-invalid', { offset: at, hint: 'An index is empty' });
      items.push({ kind: 'index', index: numbers[0] });
      continue;
    }
    const step = numbers[2] ?? null;
    if (step === 0) throw new LensError('slice-invalid', { offset: at, hint: 'A slice step cannot be zero' });
    items.push({ kind: 'range', start: numbers[0] ?? null, stop: numbers[1] ?? null, step });
  }
  return items;
}

function parseInteger(text: string, offset: number): number | null {
  if (text === '') return null;
  if (!/^[+-]?\d{1,16}$/.test(text))
    throw new LensError('slice-invalid', { offset, hint: `"${text}" is not an integer` });
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new LensError('slice-invalid', { offset, hint: `${text} is too large` });
  return value;
}

/** Per source axis: a fixed index (axis dropped) or start/step/count (axis kept). */
export type ResolvedAxis =
  { kind: 'index'; index: number } | { kind: 'range'; start: number; step: number; count: number };

export interface ResolvedSlice {
  axes: ResolvedAxis[];
  /** Shape of the result (kept axes only). */
  shape: number[];
  count: number;
}

/** Apply Python's slice rules to a shape; indices out of range are errors, slice bounds clamp. */
export function resolveSlice(items: readonly SliceItem[], shape: readonly number[], tensor?: string): ResolvedSlice {
  const explicit = items.filter((item) => item.kind !== 'ellipsis').length;
  if (explicit > shape.length) {
    throw new LensError('slice-out-of-range', {
      tensor,
      hint: `${explicit} indices for a ${shape.length}-dimensional tensor`,
    });
  }
  const expanded: SliceItem[] = [];
  for (const item of items) {
    if (item.kind === 'ellipsis') {
      for (let i = 0; i < shape.length - explicit; i += 1)
        expanded.push({ kind: 'range', start: null, stop: null, step: null });
    } else expanded.push(item);
  }
  while (expanded.length < shape.length) expanded.push({ kind: 'range', start: null, stop: null, step: null });

  const axes: ResolvedAxis[] = expanded.map((item, axis) => {
    const size = shape[axis] as number;
    if (item.kind === 'index') {
      const index = item.index < 0 ? item.index + size : item.index;
      if (index < 0 || index >= size) {
        throw new LensError('slice-out-of-range', {
          tensor,
          hint: `index ${item.index} is out of range for axis ${axis} with size ${size}`,
        });
      }
      return { kind: 'index', index };
    }
    if (item.kind === 'ellipsis') throw new LensError('internal', { hint: 'ellipsis left after expansion' });
    return { kind: 'range', ...sliceIndices(item.start, item.stop, item.step ?? 1, size) };
  });
  const kept = axes.filter((axis): axis is Extract<ResolvedAxis, { kind: 'range' }> => axis.kind === 'range');
  const outShape = kept.map((axis) => axis.count);
  const count = outShape.reduce((product, dim) => product * dim, 1);
  return { axes, shape: outShape, count };
}

/** CPython's PySlice_AdjustIndices. */
function sliceIndices(
  rawStart: number | null,
  rawStop: number | null,
  step: number,
  size: number,
): { start: number; step: number; count: number } {
  const clamp = (value: number | null, fallback: number): number => {
    if (value === null) return fallback;
    if (value < 0) {
      const shifted = value + size;
      return shifted < 0 ? (step < 0 ? -1 : 0) : shifted;
    }
    return value >= size ? (step < 0 ? size - 1 : size) : value;
  };
  const start = clamp(rawStart, step < 0 ? size - 1 : 0);
  const stop = clamp(rawStop, step < 0 ? -1 : size);
  const count =
    step < 0
      ? stop < start
        ? Math.floor((start - stop - 1) / -step) + 1
        : 0
      : start < stop
        ? Math.floor((stop - start - 1) / step) + 1
        : 0;
  return { start, step, count };
}

export interface TensorValues {
  name: string;
  dtype: string;
  /** Shape of the tensor the values come from. */
  tensorShape: number[];
  /** The slice as given, or `first N`. */
  selection: string;
  /** Shape of `values` (row-major). */
  shape: number[];
  /**
   * Values in row-major order: floats as the shortest decimal that reads back in the dtype,
   * NaN/±Inf as the strings "NaN"/"Infinity"/"-Infinity", 64-bit ints beyond 2^53 as decimal
   * strings, Bool as booleans.
   */
  values: JsonValue[];
  /** Internal decode kind, for numpy-style text. */
  kind: ElementKind;
}

/** Element runs (first flat index, length) in row-major order of the result. */
function* elementRuns(axes: readonly ResolvedAxis[], shape: readonly number[]): Generator<[number, number]> {
  const strides = shape.map((_, axis) => shape.slice(axis + 1).reduce((product, dim) => product * dim, 1));
  const last = axes[axes.length - 1];
  const innerContiguous = last?.kind === 'range' && last.step === 1;
  const outer = innerContiguous ? axes.slice(0, -1) : axes;
  const runLength = innerContiguous && last?.kind === 'range' ? last.count : 1;
  if (axes.some((axis) => axis.kind === 'range' && axis.count === 0)) return;
  const counters = outer.map(() => 0);
  const innerStart = innerContiguous && last?.kind === 'range' ? last.start * (strides[axes.length - 1] as number) : 0;
  for (;;) {
    let flat = innerStart;
    outer.forEach((axis, i) => {
      const position = axis.kind === 'index' ? axis.index : axis.start + (counters[i] as number) * axis.step;
      flat += position * (strides[i] as number);
    });
    yield [flat, runLength];
    let axis = outer.length - 1;
    for (; axis >= 0; axis -= 1) {
      const spec = outer[axis] as ResolvedAxis;
      const limit = spec.kind === 'index' ? 1 : spec.count;
      counters[axis] = (counters[axis] as number) + 1;
      if ((counters[axis] as number) < limit) break;
      counters[axis] = 0;
    }
    if (axis < 0) return;
  }
}

/** Content byte offset → file ranges for a span of the tensor's content. */
function fileRangesOf(ranges: readonly ByteRange[], start: number, length: number): ByteRange[] {
  const out: ByteRange[] = [];
  let skip = start;
  let want = length;
  for (const range of ranges) {
    if (want === 0) break;
    if (skip >= range.length) {
      skip -= range.length;
      continue;
    }
    const take = Math.min(range.length - skip, want);
    out.push({ offset: range.offset + skip, length: take });
    want -= take;
    skip = 0;
  }
  return out;
}

async function readContentSpan(
  source: ByteSource,
  entry: TensorEntry,
  start: number,
  length: number,
  options: WindowOptions,
): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let at = 0;
  for await (const window of readWindows(source, fileRangesOf(entry.ranges, start, length), {
    ...options,
    tensor: entry.name,
  })) {
    out.set(window, at);
    at += window.length;
  }
  if (at !== length) throw new LensError('tensor-content-short', { tensor: entry.name, expected: length, actual: at });
  return out;
}

/** Spans closer than this are read together rather than as separate small reads. */
const COALESCE_GAP_BYTES = 64 * 1024;

export interface PreviewOptions extends WindowOptions {
  /** Most values to return (default and ceiling: MAX_SLICE_ELEMENTS). */
  maxElements?: number;
}

/** Values of a slice of a tensor, reading only the bytes that hold them. */
export async function readTensorSlice(
  file: ByteSource,
  stored: TensorEntry,
  expression: string,
  options: PreviewOptions = {},
): Promise<TensorValues> {
  const { source, entry } = readableContent(file, stored);
  const layout = numericLayout(entry);
  const resolved = resolveSlice(parseSlice(expression), entry.shape, entry.name);
  const limit = Math.min(options.maxElements ?? MAX_SLICE_ELEMENTS, MAX_SLICE_ELEMENTS);
  if (resolved.count > limit)
    throw new LensError('slice-too-large', { tensor: entry.name, actual: resolved.count, limit });
  if (resolved.count > 0 && layout.storedCount < layout.declaredCount) {
    throw new LensError('tensor-content-short', {
      tensor: entry.name,
      expected: layout.declaredCount * layout.stride,
      actual: entry.bytes,
    });
  }
  const stride = layout.stride;
  const maxSpan = Math.max(windowSize(options), stride);
  // Runs in file order (negative steps list them backwards), grouped into spans read once each;
  // every value goes to its place in the result's row-major order.
  const values: JsonValue[] = new Array<JsonValue>(resolved.count);
  const runs: { first: number; length: number; at: number }[] = [];
  let at = 0;
  if (resolved.count > 0) {
    for (const [first, length] of elementRuns(resolved.axes, entry.shape)) {
      runs.push({ first, length, at });
      at += length;
    }
  }
  runs.sort((x, y) => x.first - y.first);
  for (let index = 0; index < runs.length;) {
    const spanStart = (runs[index] as (typeof runs)[number]).first;
    let spanEnd = spanStart;
    let last = index;
    while (last < runs.length) {
      const run = runs[last] as (typeof runs)[number];
      const end = Math.max(spanEnd, run.first + run.length);
      const near = last === index || (run.first - spanEnd) * stride <= COALESCE_GAP_BYTES;
      if (!near || (end - spanStart) * stride > maxSpan) break;
      spanEnd = end;
      last += 1;
    }
    if (last === index) {
      // A single run longer than a window: read it alone (readContentSpan windows it).
      const run = runs[index] as (typeof runs)[number];
      spanEnd = run.first + run.length;
      last = index + 1;
    }
    options.signal?.throwIfAborted();
    const bytes = await readContentSpan(source, entry, spanStart * stride, (spanEnd - spanStart) * stride, options);
    for (let r = index; r < last; r += 1) {
      const run = runs[r] as (typeof runs)[number];
      for (let i = 0; i < run.length; i += 1) {
        values[run.at + i] = formatValue(layout.kind, exactElement(layout.kind, bytes, run.first - spanStart + i));
      }
    }
    index = last;
  }
  return {
    name: entry.name,
    dtype: entry.dtype,
    tensorShape: [...entry.shape],
    selection: expression,
    shape: resolved.shape,
    values,
    kind: layout.kind,
  };
}

/** The first `count` values in flat row-major order. */
export async function readFirstValues(
  file: ByteSource,
  stored: TensorEntry,
  count: number,
  options: PreviewOptions = {},
): Promise<TensorValues> {
  const { source, entry } = readableContent(file, stored);
  const layout = numericLayout(entry);
  const limit = Math.min(options.maxElements ?? MAX_SLICE_ELEMENTS, MAX_SLICE_ELEMENTS);
  if (!Number.isSafeInteger(count) || count < 0)
    throw new LensError('usage', { actual: count, hint: 'the number of values must be a whole number' });
  if (count > limit) throw new LensError('slice-too-large', { tensor: entry.name, actual: count, limit });
  const take = Math.min(count, layout.declaredCount, layout.storedCount);
  const bytes = take > 0 ? await readContentSpan(source, entry, 0, take * layout.stride, options) : new Uint8Array(0);
  const values: JsonValue[] = [];
  for (let i = 0; i < take; i += 1) values.push(formatValue(layout.kind, exactElement(layout.kind, bytes, i)));
  return {
    name: entry.name,
    dtype: entry.dtype,
    tensorShape: [...entry.shape],
    selection: `first ${count}`,
    shape: [take],
    values,
    kind: layout.kind,
  };
}

function formatValue(kind: ElementKind, value: number | string | boolean): JsonValue {
  return jsonValue(typeof value === 'number' ? shortestFloat(kind, value) : value);
}

/** `{"name", "dtype", "shape", "values": nested arrays}` — for copying as JSON. */
export function tensorValuesJson(result: TensorValues): string {
  return JSON.stringify({
    name: result.name,
    dtype: result.dtype,
    selection: result.selection,
    shape: result.shape,
    values: nest(result.values, result.shape),
  });
}

function nest(values: readonly JsonValue[], shape: readonly number[]): unknown {
  if (shape.length === 0) return values[0] ?? null;
  const [first, ...rest] = shape as [number, ...number[]];
  const size = rest.reduce((product, dim) => product * dim, 1);
  return Array.from({ length: first }, (_, i) => nest(values.slice(i * size, (i + 1) * size), rest));
}

/** NumPy-style text: nested brackets, right-aligned columns (`[[ 0.5, -1. ], …]`). */
export function tensorValuesNumpy(result: TensorValues): string {
  const texts = result.values.map((value) => numpyText(result.kind, value));
  if (result.shape.length === 0) return texts[0] ?? '';
  const width = Math.max(0, ...texts.map((text) => text.length));
  const padded = texts.map((text) => text.padStart(width));
  const render = (offset: number, depth: number): string => {
    const dims = result.shape.slice(depth);
    const [size, ...rest] = dims as [number, ...number[]];
    const inner = rest.reduce((product, dim) => product * dim, 1);
    if (rest.length === 0) return `[${padded.slice(offset, offset + size).join(', ')}]`;
    const separator = `,${'\n'.repeat(rest.length)}${' '.repeat(depth + 1)}`;
    return `[${Array.from({ length: size }, (_, i) => render(offset + i * inner, depth + 1)).join(separator)}]`;
  };
  return render(0, 0);
}
