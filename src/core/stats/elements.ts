/**
 * How the content bytes of a numeric tensor map to values: the element stride, the kind of
 * decoding, and the lookup tables for the 16-bit float formats. Pure; shared by stats, slices
 * and compare.
 */
import { float16ToNumber } from '../../base/decode';
import { dtypeInfo, elementCount } from '../../base/dtypes';
import type { TensorEntry } from '../../base/types';

export type ElementKind =
  | 'f16'
  | 'bf16'
  /** MindSpore ≤ 2.2 stored bfloat16 as float32; the loader keeps the high half (ckpt-format.md §3.1). */
  | 'bf16-legacy'
  | 'f32'
  | 'f64'
  | 'bool'
  | 'i8'
  | 'u8'
  | 'i16'
  | 'u16'
  | 'i32'
  | 'u32'
  | 'i64'
  | 'u64';

export interface ElementLayout {
  kind: ElementKind;
  /** Bytes per stored element (4 for legacy bfloat16). */
  stride: number;
  /** Elements the shape promises. */
  declaredCount: number;
  /** Whole elements present in the content (differs from declaredCount only for damaged tensors). */
  storedCount: number;
  isFloat: boolean;
}

const kindByDtype: Record<string, { kind: ElementKind; stride: number }> = {
  Float16: { kind: 'f16', stride: 2 },
  BFloat16: { kind: 'bf16', stride: 2 },
  Float32: { kind: 'f32', stride: 4 },
  Float64: { kind: 'f64', stride: 8 },
  Bool: { kind: 'bool', stride: 1 },
  Int8: { kind: 'i8', stride: 1 },
  UInt8: { kind: 'u8', stride: 1 },
  Int16: { kind: 'i16', stride: 2 },
  UInt16: { kind: 'u16', stride: 2 },
  Int32: { kind: 'i32', stride: 4 },
  UInt32: { kind: 'u32', stride: 4 },
  Int64: { kind: 'i64', stride: 8 },
  UInt64: { kind: 'u64', stride: 8 },
};

export const FLOAT_KINDS: ReadonlySet<ElementKind> = new Set(['f16', 'bf16', 'bf16-legacy', 'f32', 'f64']);

/** The layout of a tensor's content, or undefined when it holds no numbers we can decode. */
/**
 * A numeric tensor whose shape declares more elements than any file could hold (the product is
 * not a safe integer, e.g. dims [2^62]): there is nothing to decode, and it is not "not numeric".
 */
export function declaredSizeImpossible(entry: TensorEntry): boolean {
  if (entry.kind !== 'tensor' || !dtypeInfo(entry.dtype) || !kindByDtype[entry.dtype]) return false;
  const declaredCount = elementCount(entry.shape);
  return !Number.isSafeInteger(declaredCount) || declaredCount < 0;
}

/** How the elements of a `dtype` are decoded (legacy: bfloat16 stored as float32), if they can be. */
export function elementKindOf(dtype: string, legacyBfloat16: boolean): ElementKind | undefined {
  const base = dtypeInfo(dtype) ? kindByDtype[dtype] : undefined;
  if (!base) return undefined;
  return legacyBfloat16 && base.kind === 'bf16' ? 'bf16-legacy' : base.kind;
}

/** Whether a tensor holds numbers `elementLayout` can decode (what it checks, without making the layout). */
export function holdsNumbers(tensor: { kind: TensorEntry['kind']; dtype: string; shape: readonly number[] }): boolean {
  if (tensor.kind !== 'tensor' || elementKindOf(tensor.dtype, false) === undefined) return false;
  const declaredCount = elementCount(tensor.shape);
  return Number.isSafeInteger(declaredCount) && declaredCount >= 0;
}

export function elementLayout(entry: TensorEntry): ElementLayout | undefined {
  if (entry.kind !== 'tensor' || !dtypeInfo(entry.dtype)) return undefined;
  const base = kindByDtype[entry.dtype];
  if (!base) return undefined;
  const declaredCount = elementCount(entry.shape);
  if (!Number.isSafeInteger(declaredCount) || declaredCount < 0) return undefined;
  const legacy = entry.problems?.some((problem) => problem.code === 'legacy-bfloat16-as-float32') ?? false;
  const { kind, stride } = legacy && base.kind === 'bf16' ? { kind: 'bf16-legacy' as const, stride: 4 } : base;
  return {
    kind,
    stride,
    declaredCount,
    storedCount: Math.floor(entry.bytes / stride),
    isFloat: FLOAT_KINDS.has(kind),
  };
}

let float16Values: Float32Array | undefined;
let bfloat16Values: Float32Array | undefined;

/** All 65536 float16 values, indexed by bit pattern; built once (every half is exact in float32). */
export function float16Table(): Float32Array {
  if (!float16Values) {
    float16Values = new Float32Array(65536);
    for (let bits = 0; bits < 65536; bits += 1) float16Values[bits] = float16ToNumber(bits);
  }
  return float16Values;
}

/** All 65536 bfloat16 values: a bfloat16 is the high half of a float32, so shift the bits up. */
export function bfloat16Table(): Float32Array {
  if (!bfloat16Values) {
    const words = new Uint32Array(65536);
    for (let bits = 0; bits < 65536; bits += 1) words[bits] = bits << 16;
    bfloat16Values = new Float32Array(words.buffer);
  }
  return bfloat16Values;
}

/** Typed arrays up to this many bytes may live on the JS heap (V8's V8_TYPED_ARRAY_MAX_SIZE_IN_HEAP). */
const ON_HEAP_MAX_BYTES = 64;
/** The scratch of viewableBytes, over an ArrayBuffer of its own (never on the JS heap), as a view of each length. */
const smallChunkScratch = new Uint8Array(new ArrayBuffer(ON_HEAP_MAX_BYTES));
const smallChunkViews = Array.from({ length: ON_HEAP_MAX_BYTES + 1 }, (_, length) =>
  smallChunkScratch.subarray(0, length),
);

/**
 * `chunk`, or a copy of it in shared scratch (valid until the next call) when it is small
 * enough to be a typed array on the JS heap: the first read of such an array's `.buffer`, which
 * every typed view over it needs, moves it off the heap at the cost of a new backing store (~1 µs
 * — each of a million 1-element tensors read from a .ckpt, whose copies of unaligned values are
 * 4-byte arrays). A copy of a few bytes costs far less, and the scratch starts aligned.
 */
export function viewableBytes(chunk: Uint8Array): Uint8Array {
  if (chunk.length > ON_HEAP_MAX_BYTES) return chunk;
  for (let i = 0; i < chunk.length; i += 1) smallChunkScratch[i] = chunk[i] as number;
  return smallChunkViews[chunk.length] as Uint8Array;
}

type PlainElements =
  Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;

/**
 * Copy into a float64 array from `at`. TypedArray.prototype.set between element types is a call
 * into the runtime, which costs more than a loop over a few values (a million 1-element tensors).
 */
function copyValues(values: PlainElements, out: Float64Array, at: number): void {
  if (values.length > 16) {
    out.set(values, at);
    return;
  }
  for (let i = 0; i < values.length; i += 1) out[at + i] = values[i] as number;
}

/**
 * Decode `count` elements starting at element `first` of an aligned chunk into `out` (from
 * index `at`, default 0) as float64. 64-bit integers beyond 2^53 are rounded here; exact values
 * come from `formatElement`/min-max tracking.
 */
export function decodeElements(
  kind: ElementKind,
  chunk: Uint8Array,
  first: number,
  count: number,
  out: Float64Array,
  at = 0,
): void {
  const buffer = chunk.buffer;
  const start = chunk.byteOffset;
  switch (kind) {
    case 'f32':
      copyValues(new Float32Array(buffer, start + first * 4, count), out, at);
      return;
    case 'f64':
      copyValues(new Float64Array(buffer, start + first * 8, count), out, at);
      return;
    case 'i8':
      copyValues(new Int8Array(buffer, start + first, count), out, at);
      return;
    case 'u8':
      copyValues(new Uint8Array(buffer, start + first, count), out, at);
      return;
    case 'i16':
      copyValues(new Int16Array(buffer, start + first * 2, count), out, at);
      return;
    case 'u16':
      copyValues(new Uint16Array(buffer, start + first * 2, count), out, at);
      return;
    case 'i32':
      copyValues(new Int32Array(buffer, start + first * 4, count), out, at);
      return;
    case 'u32':
      copyValues(new Uint32Array(buffer, start + first * 4, count), out, at);
      return;
    case 'bool': {
      const bytes = new Uint8Array(buffer, start + first, count);
      for (let i = 0; i < count; i += 1) out[at + i] = bytes[i] !== 0 ? 1 : 0;
      return;
    }
    case 'f16':
    case 'bf16': {
      const table = kind === 'f16' ? float16Table() : bfloat16Table();
      const halves = new Uint16Array(buffer, start + first * 2, count);
      for (let i = 0; i < count; i += 1) out[at + i] = table[halves[i] as number] as number;
      return;
    }
    case 'bf16-legacy': {
      const table = bfloat16Table();
      // Little-endian float32: the high half is the second uint16 of each element.
      const halves = new Uint16Array(buffer, start + first * 4, count * 2);
      for (let i = 0; i < count; i += 1) out[at + i] = table[halves[2 * i + 1] as number] as number;
      return;
    }
    case 'i64':
    case 'u64': {
      const words = new Uint32Array(buffer, start + first * 8, count * 2);
      const signed = kind === 'i64';
      for (let i = 0; i < count; i += 1) {
        const low = words[2 * i] as number;
        const high = words[2 * i + 1] as number;
        out[at + i] = (signed ? high | 0 : high) * 4294967296 + low;
      }
      return;
    }
  }
}

/** The 16-bit pattern of a 16-bit element (used as an exact histogram key). */
export function halfKeys(kind: ElementKind, chunk: Uint8Array, first: number, count: number): Uint16Array {
  if (kind === 'bf16-legacy') {
    const halves = new Uint16Array(chunk.buffer, chunk.byteOffset + first * 4, count * 2);
    const keys = new Uint16Array(count);
    for (let i = 0; i < count; i += 1) keys[i] = halves[2 * i + 1] as number;
    return keys;
  }
  return new Uint16Array(chunk.buffer, chunk.byteOffset + first * 2, count);
}

/** Exact value of one element (any alignment): a number, a boolean, or a decimal string for 64-bit integers beyond 2^53. */
export function exactElement(kind: ElementKind, bytes: Uint8Array, index: number): number | string | boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (kind) {
    case 'i64':
    case 'u64': {
      const big = kind === 'i64' ? view.getBigInt64(index * 8, true) : view.getBigUint64(index * 8, true);
      const asNumber = Number(big);
      return Number.isSafeInteger(asNumber) ? asNumber : big.toString();
    }
    case 'bool':
      return bytes[index] !== 0;
    case 'f16':
      return float16Table()[view.getUint16(index * 2, true)] as number;
    case 'bf16':
      return bfloat16Table()[view.getUint16(index * 2, true)] as number;
    case 'bf16-legacy':
      return bfloat16Table()[view.getUint16(index * 4 + 2, true)] as number;
    case 'f32':
      return view.getFloat32(index * 4, true);
    case 'f64':
      return view.getFloat64(index * 8, true);
    case 'i8':
      return view.getInt8(index);
    case 'u8':
      return view.getUint8(index);
    case 'i16':
      return view.getInt16(index * 2, true);
    case 'u16':
      return view.getUint16(index * 2, true);
    case 'i32':
      return view.getInt32(index * 4, true);
    case 'u32':
      return view.getUint32(index * 4, true);
  }
}
