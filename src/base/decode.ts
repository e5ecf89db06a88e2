/** Decoding of single values from little-endian bytes, by MindSpore dtype name. */

const scratch = new DataView(new ArrayBuffer(4));

export function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

export function bfloat16ToNumber(bits: number): number {
  scratch.setUint32(0, (bits & 0xffff) << 16, false);
  return scratch.getFloat32(0, false);
}

/** The shortest decimal that reads back as the same float32 (0.01, not 0.009999999776482582). */
export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value)) return value;
  // Whole numbers up to 2^24 are float32 exactly, and no shorter decimal is the same float32
  // (-0 reads back as 0, as toPrecision gives it).
  if (Number.isInteger(value) && Math.abs(value) <= 0x1000000) return value === 0 ? 0 : value;
  for (let digits = 1; digits <= 9; digits += 1) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}

/**
 * `shortestFloat32` of a 16-bit float's bits, remembered per bit pattern: there are only 65,536,
 * and finding the shortest decimal takes up to nine `toPrecision` calls (a million half-precision
 * scalars were ~1 s of a scan). Tables are made on first use, one per 16-bit dtype.
 */
class Shortest16 {
  private values: Float64Array | null = null;
  private known: Uint8Array | null = null;

  constructor(private readonly toNumber: (bits: number) => number) {}

  of(bits: number): number {
    this.values ??= new Float64Array(0x10000);
    this.known ??= new Uint8Array(0x10000);
    if (this.known[bits] === 0) {
      this.values[bits] = shortestFloat32(this.toNumber(bits));
      this.known[bits] = 1;
    }
    return this.values[bits] as number;
  }
}

const shortestFloat16 = new Shortest16(float16ToNumber);
const shortestBfloat16 = new Shortest16(bfloat16ToNumber);

/** Scratch the value's bytes are copied into (a DataView per value was most of a scan of a million scalars). */
const scalarBytes = new Uint8Array(8);
const scalarView = new DataView(scalarBytes.buffer);

/**
 * The value of a one-element tensor for display, or undefined when the dtype has no simple
 * scalar form. 64-bit integers beyond 2^53 come back as decimal strings, never rounded.
 */
export function decodeScalar(dtype: string, bytes: Uint8Array): number | boolean | string | undefined {
  return decodeScalarAt(dtype, bytes, 0, bytes.length);
}

/** `decodeScalar` of `bytes[offset, offset + length)`, with no view made (a million scalars read from shared windows). */
export function decodeScalarAt(
  dtype: string,
  bytes: Uint8Array,
  offset: number,
  length: number,
): number | boolean | string | undefined {
  const kept = Math.min(length, 8);
  for (let k = 0; k < 8; k += 1) scalarBytes[k] = k < kept ? (bytes[offset + k] as number) : 0;
  const view = scalarView;
  switch (dtype) {
    case 'Bool':
      return length >= 1 ? scalarBytes[0] !== 0 : undefined;
    case 'Int8':
      return length >= 1 ? view.getInt8(0) : undefined;
    case 'UInt8':
      return length >= 1 ? view.getUint8(0) : undefined;
    case 'Int16':
      return length >= 2 ? view.getInt16(0, true) : undefined;
    case 'UInt16':
      return length >= 2 ? view.getUint16(0, true) : undefined;
    case 'Int32':
      return length >= 4 ? view.getInt32(0, true) : undefined;
    case 'UInt32':
      return length >= 4 ? view.getUint32(0, true) : undefined;
    case 'Int64':
    case 'UInt64': {
      if (length < 8) return undefined;
      const big = dtype === 'Int64' ? view.getBigInt64(0, true) : view.getBigUint64(0, true);
      const asNumber = Number(big);
      return Number.isSafeInteger(asNumber) ? asNumber : big.toString();
    }
    case 'Float16':
      return length >= 2 ? shortestFloat16.of(view.getUint16(0, true)) : undefined;
    case 'BFloat16':
      // Legacy (≤ 2.2) files store bf16 as float32; MindSpore keeps the high half.
      if (length === 4) return shortestBfloat16.of(view.getUint16(2, true));
      return length >= 2 ? shortestBfloat16.of(view.getUint16(0, true)) : undefined;
    case 'Float32':
      return length >= 4 ? shortestFloat32(view.getFloat32(0, true)) : undefined;
    case 'Float64':
      return length >= 8 ? view.getFloat64(0, true) : undefined;
    default:
      return undefined;
  }
}

/** numpy `<U` content: UTF-32LE code points, trailing NULs stripped as numpy does. */
export function decodeUtf32le(bytes: Uint8Array): string | undefined {
  if (bytes.length % 4 !== 0) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = bytes.length / 4;
  while (end > 0 && view.getUint32((end - 1) * 4, true) === 0) end -= 1;
  let text = '';
  for (let i = 0; i < end; i += 1) {
    const codePoint = view.getUint32(i * 4, true);
    if (codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) return undefined;
    text += String.fromCodePoint(codePoint);
  }
  return text;
}

export function encodeUtf32le(text: string): Uint8Array {
  const codePoints = Array.from(text, (ch) => ch.codePointAt(0) as number);
  // numpy stores "" as one NUL code point (dtype <U1).
  const out = new Uint8Array(Math.max(1, codePoints.length) * 4);
  const view = new DataView(out.buffer);
  codePoints.forEach((cp, i) => view.setUint32(i * 4, cp, true));
  return out;
}
