/**
 * Histograms with a fixed number of equal-width bins over [min, max] of the finite values
 * (numpy's default range; a constant tensor gets [v − 0.5, v + 0.5] as numpy does). A value v
 * goes to bin ⌊(v − lo) · bins / (hi − lo)⌋, the last bin closed on the right.
 *
 * How the counts are gathered (one read of the bytes by default):
 * - 8- and 16-bit dtypes: every element's bit pattern is counted in the streaming pass, and
 *   each pattern is one exact value, so the histogram is exact.
 * - 32/64-bit dtypes up to STATS_RETAIN_BYTES: the bytes stay in memory and a second pass over
 *   them places every value exactly.
 * - larger 32/64-bit tensors: the streaming pass counts the top 16 bits of each value rounded
 *   to float32 (sign, exponent, 7 mantissa bits: buckets ≈ 0.4–0.8 % of |v| wide); each bucket's
 *   count is then spread over the bins it overlaps in proportion to the overlap (method
 *   'bucketed'). Ask for `exactHistogram` to re-read the bytes and place every value exactly.
 */
import type { ElementKind } from './elements';
import { decodeElements, viewableBytes } from './elements';
import { BLOCK_ELEMENTS, keyValue } from './accumulate';
import { stats32Kernel } from './stats-kernel';

export interface Histogram {
  /** Left edge of the first bin. */
  lo: number;
  /** Right edge of the last bin. */
  hi: number;
  counts: number[];
  method: 'exact' | 'bucketed';
}

export interface BinRange {
  lo: number;
  hi: number;
  scale: number;
  bins: number;
}

export function binRange(min: number, max: number, bins: number): BinRange {
  if (min !== max) return { lo: min, hi: max, bins, scale: bins / (max - min) };
  // A constant v gets numpy's [v − 0.5, v + 0.5]. From 2^53 on, v ± 0.5 is v itself (numpy then
  // divides by a zero width): the range widens to the nearest values either side that are not v,
  // so the constant still lands in the middle bin.
  let half = 0.5;
  while (min - half === min || max + half === max) half *= 2;
  return { lo: min - half, hi: max + half, bins, scale: bins / (2 * half) };
}

/**
 * The bin of a finite value. Where the width is so small that its scale overflows (two float64
 * subnormals), (v − lo) · scale can be 0 · ∞: such a value counts in bin 0, as the WASM kernel's
 * saturating conversion puts it, rather than in none.
 */
export function binOf(range: BinRange, value: number): number {
  const index = Math.floor((value - range.lo) * range.scale);
  return index >= range.bins ? range.bins - 1 : index > 0 ? index : 0;
}

/** The longest zeros made so far, copied by `zeros`. */
let zeroTemplate: number[] = [];

/**
 * `count` zeros in a packed array, a copy of one made once: `new Array(n).fill(0)` makes a
 * holey array, which JSON.stringify writes by its slow path (a million 64-bin histograms: +1.5 s).
 */
function zeros(count: number): number[] {
  if (zeroTemplate.length < count) {
    zeroTemplate = [];
    for (let i = 0; i < count; i += 1) zeroTemplate.push(0);
  }
  return zeroTemplate.slice(0, count);
}

/**
 * Decoded elements for ExactHistogram.add, which uses it only inside one synchronous call, so
 * every histogram shares it (a million tiny tensors made a million of them).
 */
let decodeScratch: Float64Array | null = null;

/**
 * Chunks of fewer elements are binned by the JS loop: for a handful of values the kernel's
 * copies and its fold of four tables per bin cost more than the binning. Both place a value
 * by the same float64 rule, so the counts are the same.
 */
const KERNEL_MIN_ELEMENTS = 256;

/** Exact counts from a pass over the values (retained bytes or a second read). */
export class ExactHistogram {
  /**
   * A plain array, not a Float64Array: for a tiny tensor, making and copying a typed array of
   * bins (off the JS heap past 64 bytes) cost more than counting its values.
   */
  private readonly counts: number[];

  constructor(
    private readonly kind: ElementKind,
    private readonly stride: number,
    private readonly range: BinRange,
  ) {
    this.counts = zeros(range.bins);
  }

  add(bytes: Uint8Array): void {
    const total = bytes.length / this.stride;
    const { lo, scale, bins } = this.range;
    const kernel = this.kind === 'f32' && bytes.byteOffset % 4 === 0 ? stats32Kernel(bins) : null;
    // Everything below views the bytes, and only within this call.
    const chunk = viewableBytes(bytes);
    if (kernel && total >= KERNEL_MIN_ELEMENTS) {
      kernel.histogram(new Float32Array(chunk.buffer, chunk.byteOffset, total), lo, scale, this.counts);
      return;
    }
    decodeScratch ??= new Float64Array(BLOCK_ELEMENTS);
    const values = decodeScratch;
    for (let first = 0; first < total; first += values.length) {
      const count = Math.min(values.length, total - first);
      decodeElements(this.kind, chunk, first, count, values);
      this.addValues(values, count);
    }
  }

  /**
   * Values already decoded (NaN and ±Inf are skipped), binned as `add` bins an aligned chunk of
   * them: a small tensor's values, left by summarizeSmallChunk, are not decoded a second time.
   */
  addDecoded(values: Float64Array, count: number): void {
    this.addValues(values, count);
  }

  /** `binOf` for each finite value, written out (it is the hot loop of small tensors). */
  private addValues(values: Float64Array, count: number): void {
    const { lo, scale, bins } = this.range;
    const last = bins - 1;
    const counts = this.counts;
    for (let i = 0; i < count; i += 1) {
      const v = values[i] as number;
      if (v - v !== 0) continue; // NaN or ±Inf
      const raw = Math.floor((v - lo) * scale);
      const index = raw > last ? last : raw > 0 ? raw : 0;
      counts[index] = (counts[index] as number) + 1;
    }
  }

  result(): Histogram {
    return { lo: this.range.lo, hi: this.range.hi, counts: this.counts.slice(), method: 'exact' };
  }
}

/** Exact histogram from per-bit-pattern counts of an 8/16-bit dtype. */
export function histogramFromExactKeys(kind: ElementKind, keyCounts: Float64Array, range: BinRange): Histogram {
  const counts = new Float64Array(range.bins);
  for (let key = 0; key < keyCounts.length; key += 1) {
    const count = keyCounts[key] as number;
    if (count === 0) continue;
    const value = keyValue(kind, key);
    if (!Number.isFinite(value)) continue;
    const bin = binOf(range, value);
    counts[bin] = (counts[bin] as number) + count;
  }
  return { lo: range.lo, hi: range.hi, counts: plainNumbers(counts), method: 'exact' };
}

/** A typed array's values as a plain array (Array.from's iteration is many times slower). */
function plainNumbers(values: Float64Array): number[] {
  const plain: number[] = [];
  for (let i = 0; i < values.length; i += 1) plain.push(values[i] as number);
  return plain;
}

const bucketBits = new Uint32Array(2);
const bucketValues = new Float32Array(bucketBits.buffer);

/** The closed value interval of a float32-top-16-bits bucket. */
function bucketInterval(key: number): [number, number] {
  bucketBits[0] = (key << 16) >>> 0;
  bucketBits[1] = ((key << 16) | 0xffff) >>> 0;
  const a = bucketValues[0] as number;
  const b = bucketValues[1] as number;
  // +Inf/−Inf keys only hold float64 values beyond float32's range.
  const clean = (v: number): number =>
    v === Infinity ? 3.4028234663852886e38 : v === -Infinity ? -3.4028234663852886e38 : v;
  if (Number.isNaN(b)) return a < 0 ? [-Number.MAX_VALUE, clean(a)] : [clean(a), Number.MAX_VALUE];
  return a <= b ? [clean(a), clean(b)] : [clean(b), clean(a)];
}

/**
 * Spread float32-top bucket counts over linear bins, each bucket in proportion to its overlap
 * with each bin (values assumed uniform inside a bucket), then round to integers keeping the total.
 */
export function histogramFromBuckets(keyCounts: Float64Array, min: number, max: number, range: BinRange): Histogram {
  const weights = new Float64Array(range.bins);
  for (let key = 0; key < keyCounts.length; key += 1) {
    const count = keyCounts[key] as number;
    if (count === 0) continue;
    const [rawA, rawB] = bucketInterval(key);
    const a = Math.min(Math.max(rawA, min), max);
    const b = Math.min(Math.max(rawB, min), max);
    const first = binOf(range, a);
    const last = binOf(range, b);
    if (first === last || b <= a) {
      weights[first] = (weights[first] as number) + count;
      continue;
    }
    const width = b - a;
    for (let bin = first; bin <= last; bin += 1) {
      const left = Math.max(a, range.lo + bin / range.scale);
      const right = Math.min(b, range.lo + (bin + 1) / range.scale);
      if (right > left) weights[bin] = (weights[bin] as number) + (count * (right - left)) / width;
    }
  }
  return { lo: range.lo, hi: range.hi, counts: roundKeepingTotal(weights), method: 'bucketed' };
}

function roundKeepingTotal(weights: Float64Array): number[] {
  const total = Math.round(weights.reduce((sum, w) => sum + w, 0));
  const floors = Array.from(weights, (w) => Math.floor(w));
  let missing = total - floors.reduce((sum, w) => sum + w, 0);
  const order = Array.from(weights, (w, i) => ({ i, fraction: w - Math.floor(w) })).sort(
    (x, y) => y.fraction - x.fraction,
  );
  for (const { i } of order) {
    if (missing <= 0) break;
    floors[i] = (floors[i] as number) + 1;
    missing -= 1;
  }
  return floors;
}
