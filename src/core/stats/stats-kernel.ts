/**
 * The float32 statistics WASM SIMD kernels (src/wasm/stats32.ts, compiled by
 * scripts/build-wasm.mjs into src/generated/wasm/stats32.ts): block moments and the exact
 * histogram, several times faster than V8's scalar loops. Loaded lazily once (the bytes are
 * embedded, no request); until then, or where WASM SIMD is missing, the JS loops run.
 */
import { instantiateEmbeddedWasm } from '../../base/wasm';

interface Stats32Exports {
  memory: WebAssembly.Memory;
  init(): number;
  chunkBytes(): number;
  countsAddress(): number;
  moments(first: number, count: number, shift: number): void;
  momentSum(): number;
  momentSquares(): number;
  momentMin(): number;
  momentMax(): number;
  momentZeros(): number;
  histogram(count: number, lo: number, scale: number, bins: number): void;
  keysAddress(): number;
  keys(count: number): void;
}

/** Whoever's float32-top histogram keys are in the kernel's tables. */
export interface KeyOwner {
  flushKeys(even: Uint32Array, odd: Uint32Array): void;
}

export interface BlockMomentsOut {
  sum: number;
  squares: number;
  min: number;
  max: number;
  zeros: number;
}

export interface Stats32Kernel {
  /** Σ(v − shift), Σ(v − shift)², min, max and zeros of a block of float32 (≤ 1 MiB). */
  moments(values: Float32Array, shift: number, out: BlockMomentsOut): void;
  /** Adds the exact histogram of `values` (floor((v − lo) × scale), clamped; non-finite skipped) to `counts`. */
  histogram(values: Float32Array, lo: number, scale: number, counts: number[]): void;
  /**
   * Counts the float32-top keys (high 16 bits) of the block the last `moments` call summed, for
   * `owner`. One owner's keys at a time: another owner's are first handed back to it.
   */
  countKeys(owner: KeyOwner, count: number): void;
  /** Hands `owner`'s keys back to it (flushKeys) and clears the tables, if they hold them. */
  releaseKeys(owner: KeyOwner): void;
}

/** Bins the kernel's tables hold (limits.MAX_HISTOGRAM_BINS). */
const KERNEL_MAX_BINS = 4096;

async function instantiate(): Promise<Stats32Kernel> {
  const { stats32WasmBase64 } = await import('../../generated/wasm/stats32');
  const exports = await instantiateEmbeddedWasm<Stats32Exports>(stats32WasmBase64, 'stats');
  const io = exports.init();
  const tables = exports.countsAddress();
  const chunkElements = exports.chunkBytes() / 4;
  // V8 starts WASM in its baseline tier and only tiers up hot functions between calls.
  for (let i = 0; i < 8; i += 1) {
    exports.moments(0, 4096, 0);
    exports.histogram(4096, 0, 1, 1);
  }
  new Uint32Array(exports.memory.buffer, tables, 4).fill(0);
  const input = (values: Float32Array): void => {
    new Uint8Array(exports.memory.buffer, io, values.length * 4).set(
      new Uint8Array(values.buffer, values.byteOffset, values.length * 4),
    );
  };
  const keyTables = exports.keysAddress();
  const even = new Uint32Array(exports.memory.buffer, keyTables, 65536);
  const odd = new Uint32Array(exports.memory.buffer, keyTables + 65536 * 4, 65536);
  let owner: KeyOwner | null = null;
  const release = (): void => {
    owner?.flushKeys(even, odd);
    even.fill(0);
    odd.fill(0);
    owner = null;
  };
  return {
    countKeys(who, count) {
      if (owner !== who) {
        release();
        owner = who;
      }
      exports.keys(count);
    },
    releaseKeys(who) {
      if (owner === who) release();
    },
    moments(values, shift, out) {
      input(values);
      exports.moments(0, values.length, shift);
      out.sum = exports.momentSum();
      out.squares = exports.momentSquares();
      out.min = exports.momentMin();
      out.max = exports.momentMax();
      out.zeros = exports.momentZeros();
    },
    histogram(values, lo, scale, counts) {
      const bins = counts.length;
      const quad = new Uint32Array(exports.memory.buffer, tables, bins * 4);
      for (let first = 0; first < values.length; first += chunkElements) {
        input(values.subarray(first, first + chunkElements));
        exports.histogram(Math.min(chunkElements, values.length - first), lo, scale, bins);
      }
      for (let bin = 0; bin < bins; bin += 1) {
        const at = bin * 4;
        counts[bin] =
          (counts[bin] as number) +
          (quad[at] as number) +
          (quad[at + 1] as number) +
          (quad[at + 2] as number) +
          (quad[at + 3] as number);
      }
      quad.fill(0);
    },
  };
}

let loading: Promise<Stats32Kernel | null> | null = null;
let loaded: Stats32Kernel | null = null;

/** Loads the kernels once; resolves null (the JS loops stay in use) where WASM SIMD is unavailable. */
export function loadStats32Kernel(): Promise<Stats32Kernel | null> {
  loading ??= instantiate().then(
    (kernel) => (loaded = kernel),
    () => null,
  );
  return loading;
}

let disabled = false;

/** Tests run the JS loops too: with `true`, stats32Kernel() answers null until called with `false`. */
export function disableStats32Kernel(value: boolean): void {
  disabled = value;
}

/** The kernels if loaded (and the histogram fits their tables), else null. */
export function stats32Kernel(bins = 0): Stats32Kernel | null {
  return bins <= KERNEL_MAX_BINS && !disabled ? loaded : null;
}
